"""The review_summary NLI scorers: `searchlm.nli`'s registry plus the LM judge.

Opened through `searchlm.nli.open_scorer`, which imports only the chosen scorer (torch
stays out of processes that judge with the LM) and fails one way, `ScorerUnavailableError`
(a ValueError), naming the scorer.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from searchlm.lm.types import LmClient
from searchlm.nli.registry import SCORERS as NLI_SCORERS
from searchlm.nli.registry import open_scorer
from searchlm.nli.types import EntailmentScorer

SCORERS: dict[str, str] = {
    **NLI_SCORERS,
    "lm_judge": "services.review_summary.adapters.lm_judge:open_lm_judge",
}
"""default and hf (the local models of `searchlm.nli`) and lm_judge (the served LM)."""


@dataclass(frozen=True)
class ScorerContext:
    """What a scorer may need.

    Attributes:
        client: The model-server client (lm_judge).
        loop: The serving event loop (lm_judge).
        path: Checkpoint directory (hf) or artefact directory (default; empty: shipped one).
        device: cpu, cuda or auto.
        threads: torch CPU threads (0: leave torch's setting).
    """

    client: LmClient | None = None
    loop: asyncio.AbstractEventLoop | None = None
    path: str = ""
    device: str = "cpu"
    threads: int = 0


def build_scorer(name: str, ctx: ScorerContext) -> EntailmentScorer:
    """The scorer registered as `name` (or at the "module:attribute" path `name`).

    Raises:
        ScorerUnavailableError: Unknown name, missing context (lm_judge without a client),
            or the scorer cannot be loaded; a ValueError.
    """
    # The judge runs on the model server: it takes the client, not a local model's options.
    options: dict[str, Any] = (
        {"client": ctx.client, "loop": ctx.loop}
        if name == "lm_judge"
        else {"path": ctx.path, "device": ctx.device, "threads": ctx.threads}
    )
    return open_scorer(name, registry=SCORERS, **options)
