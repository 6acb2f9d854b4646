"""Candidate generation under the caller's deadline: bounded rounds, LM failures degrade."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass

from searchlm.errors import DeadlineExceededError, OverloadedError, UpstreamUnavailableError
from searchlm.lm.types import LmClient, LmResult, LmSampling

_log = logging.getLogger(__name__)

# What makes the LM "down or slow": the summary is then served without it, flagged degraded
# and with the cause (the same flag names as free_qa's), so a caller can tell an outage from
# an overload from a too-short deadline.
LM_FAILURES: dict[type[Exception], str] = {
    UpstreamUnavailableError: "lm_unavailable",
    OverloadedError: "lm_overloaded",
    DeadlineExceededError: "lm_timeout",
    TimeoutError: "lm_timeout",
}


def lm_failure_flag(exc: BaseException, what: str) -> str:
    """The flag of an LM failure (one of `LM_FAILURES`), logged with what failed."""
    flag = next(f for kind, f in LM_FAILURES.items() if isinstance(exc, kind))
    _log.warning("%s failed: %s (%s)", what, type(exc).__name__, flag)
    return flag


@dataclass(frozen=True)
class RoundFailure:
    """A round that produced no candidates.

    Attributes:
        flag: The cause: lm_unavailable, lm_overloaded or lm_timeout.
    """

    flag: str


@dataclass(frozen=True)
class GenerationSettings:
    """Sampling and time limits of candidate generation.

    Attributes:
        candidates: Completions per LM call (LmSampling.n).
        max_tokens: Tokens per completion.
        temperature: Sampling temperature of the first round (later rounds add 0.2).
        lm_timeout_seconds: Longest wait for one LM call.
    """

    candidates: int = 3
    max_tokens: int = 48
    temperature: float = 0.7
    lm_timeout_seconds: float = 20.0

    def __post_init__(self) -> None:
        if self.candidates < 1 or self.max_tokens < 1 or self.lm_timeout_seconds <= 0:
            raise ValueError("candidates, max_tokens and lm_timeout_seconds must be positive")


class CandidateGenerator:
    """Asks the LM for candidates, one round at a time.

    Args:
        client: Model-server client.
        settings: Sampling and time limits.
    """

    def __init__(self, *, client: LmClient, settings: GenerationSettings) -> None:
        self._client = client
        self._settings = settings

    async def round(self, prompt: str, round_index: int, deadline: float) -> LmResult | RoundFailure:
        """Candidates of one round, or why there are none (LM failed, or no time was left)."""
        budget = min(self._settings.lm_timeout_seconds, deadline - time.monotonic())
        if budget <= 0.05:
            return RoundFailure("lm_timeout")
        sampling = LmSampling(
            max_tokens=self._settings.max_tokens,
            temperature=self._settings.temperature + 0.2 * round_index,
            top_p=0.95,
            seed=1000 * round_index + 17,
            stop=("\n",),
            n=self._settings.candidates,
        )
        try:
            return await asyncio.wait_for(self._client.generate(prompt, sampling), timeout=budget)
        except tuple(LM_FAILURES) as exc:
            return RoundFailure(lm_failure_flag(exc, f"LM round {round_index}"))
