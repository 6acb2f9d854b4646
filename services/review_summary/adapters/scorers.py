"""NLI scorer registry: name -> factory; each factory imports its implementation only when
chosen (torch stays out of processes that judge with the LM)."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from searchlm.lm.types import LmClient
from searchlm.nli.types import EntailmentScorer


@dataclass(frozen=True)
class ScorerContext:
    """What a scorer factory may need.

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


def _default(ctx: ScorerContext) -> EntailmentScorer:
    from searchlm.nli import load_default_scorer

    kwargs: dict[str, Any] = {"device": ctx.device, "num_threads": ctx.threads or None}
    if ctx.path:
        kwargs["artefact"] = ctx.path
    return load_default_scorer(**kwargs)


def _huggingface(ctx: ScorerContext) -> EntailmentScorer:
    if not ctx.path:
        raise ValueError("the hf scorer needs a checkpoint directory (nli_path)")
    from searchlm.nli import HuggingFaceEntailmentScorer

    return HuggingFaceEntailmentScorer(ctx.path, device=ctx.device)


def _lm_judge(ctx: ScorerContext) -> EntailmentScorer:
    if ctx.client is None:
        raise ValueError("the lm_judge scorer needs a model-server client")
    from services.review_summary.adapters.lm_judge import LmJudgeEntailmentScorer

    return LmJudgeEntailmentScorer(ctx.client, loop=ctx.loop)


# Each factory imports its implementation itself, so only the chosen one is loaded.
SCORERS: dict[str, Callable[[ScorerContext], EntailmentScorer]] = {
    "default": _default,
    "hf": _huggingface,
    "lm_judge": _lm_judge,
}


def build_scorer(name: str, ctx: ScorerContext) -> EntailmentScorer:
    """The scorer registered as `name`.

    Raises:
        ValueError: Unknown name or missing context.
    """
    if name not in SCORERS:
        raise ValueError(f"unknown NLI scorer {name!r}; choose one of {sorted(SCORERS)}")
    return SCORERS[name](ctx)
