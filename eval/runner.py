"""Run one task and write its run folder (results.json, report.md, PNG plots)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from eval.report.markdown import render
from eval.report.plots import draw_all
from eval.report.results import RESULTS_FILE, build_results, to_jsonable, write_results
from eval.types import TaskOutcome

REPORT_FILE = "report.md"


def default_run_dir(task: str, now: datetime | None = None) -> Path:
    """``runs/<task>-<UTC timestamp>``: unique enough for hand-started runs."""
    stamp = (now or datetime.now(UTC)).strftime("%Y%m%d-%H%M%S")
    return Path("runs") / f"{task}-{stamp}"


def run_and_write(
    run: Callable[[], TaskOutcome],
    *,
    settings: Any,
    files: Mapping[str, Path],
    out_dir: Path,
) -> dict[str, Any]:
    """Run a task, then write every output into ``out_dir``.

    Re-running into the same folder overwrites its files, so a run can simply
    be repeated after a fix.

    Args:
        run: Computes the outcome (prediction, scoring).
        settings: The task's settings dataclass, recorded as the configuration.
        files: Input files by role (``data``, ``predictions``), hashed.
        out_dir: The run folder.

    Returns:
        The results document that was written.
    """
    started = datetime.now(UTC)
    outcome = run()
    finished = datetime.now(UTC)
    out_dir.mkdir(parents=True, exist_ok=True)
    plots, plot_errors = draw_all(outcome.plots, out_dir)
    results = build_results(
        outcome,
        run_name=out_dir.name,
        config=to_jsonable(settings),
        files=files,
        started=started,
        finished=finished,
        plots=plots,
        plot_errors=plot_errors,
    )
    write_results(out_dir / RESULTS_FILE, results)
    (out_dir / REPORT_FILE).write_text(render(results), encoding="utf-8")
    return results
