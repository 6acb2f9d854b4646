"""Tuning task registry: name -> "module:attribute" of a `TuningTask`, imported when chosen.

Tasks live beside the service they serve (the null-query task in
`services/null_query/tuning.py`), so the data code sits with the prompt it trains for;
the dotted names keep this package from importing any service until a task is picked.
"""

from __future__ import annotations

from searchlm.registry import load
from searchlm.tune.types import TuningTask

TASKS: dict[str, str] = {
    "null-query-rewrite": "services.null_query.tuning:TASK",
}


def load_task(name: str) -> TuningTask:
    """The task registered as `name` (or given as a "module:attribute" path).

    Raises:
        RegistryError: `name` is unknown or its module cannot be imported.
    """
    task: TuningTask = load(name, TASKS, kind="tuning task")
    return task
