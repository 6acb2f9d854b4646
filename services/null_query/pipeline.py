"""The null-query pipeline: detect, propose (rules + LM), verify, rank, within the deadline."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

from searchlm import context
from searchlm.errors import DeadlineExceededError, SearchlmError, UpstreamUnavailableError
from searchlm.search.analysis import words
from searchlm.search.protocol import SearchBackend
from services.null_query.korean import KiwiRepairs
from services.null_query.lexicon import JamoLexicon
from services.null_query.lm_stage import LmOutput, LmStage
from services.null_query.ranking import RankWeights, Verified, merge, rank
from services.null_query.rules import RuleInput, rule_candidates
from services.null_query.title_match import title_candidates
from services.null_query.types import Candidate, RewriteRequest, RewriteResult
from services.null_query.validation import Limits, validate

_log = logging.getLogger(__name__)
_T = TypeVar("_T")


@dataclass(frozen=True)
class PipelineConfig:
    """Behaviour of the pipeline.

    Attributes:
        min_hits: A query with fewer hits is null (1: only zero-result queries).
        default_deadline: Seconds allowed when the caller sent no deadline.
        lm_timeout: Most seconds spent waiting for the LM stage.
        reserve: Seconds kept back from the deadline to verify, rank and answer.
        rules: Enabled rule names (None: all).
        title_hits: BM25 hits whose titles are compared with the query (0: off).
        limits: Request limits.
        weights: Ranking weights.
    """

    min_hits: int = 1
    default_deadline: float = 2.0
    lm_timeout: float = 1.5
    reserve: float = 0.05
    rules: tuple[str, ...] | None = None
    title_hits: int = 5
    limits: Limits = field(default_factory=Limits)
    weights: RankWeights = field(default_factory=RankWeights)


class NullQueryPipeline:
    """Rewrites queries that find nothing; every rewrite returned has hits.

    Args:
        backend: The search index that decides "null" and verifies rewrites.
        kiwi: Spacing and typo repairs.
        lm: The LM stage, or None to run rules only.
        config: Thresholds, time budget and ranking.
    """

    def __init__(
        self, *, backend: SearchBackend, kiwi: KiwiRepairs, lm: LmStage | None, config: PipelineConfig
    ) -> None:
        self._backend = backend
        self._kiwi = kiwi
        self._lm = lm
        self._config = config
        self._lexicon = JamoLexicon({})

    async def start(self) -> None:
        """Loads Kiwi and reads the index vocabulary into the correction lexicon."""
        await asyncio.to_thread(self._kiwi.warm)
        await self.refresh_lexicon()

    async def refresh_lexicon(self) -> None:
        """Re-reads the vocabulary (after the index changed)."""
        self._lexicon = JamoLexicon(await self._backend.vocabulary())

    async def run(self, request: RewriteRequest) -> RewriteResult:
        """Checks one query and rewrites it when null.

        Raises:
            InvalidRequestError: a field is invalid.
            UpstreamUnavailableError: the index failed, or the LM failed and rules found nothing.
            DeadlineExceededError: the deadline passed before anything was found.
        """
        validate(request, self._config.limits)
        started = time.monotonic()
        budget = context.remaining(self._config.default_deadline) or 0.0
        deadline = started + budget - self._config.reserve
        hits = await _bounded(self._backend.count(request.query), deadline)
        if hits >= self._config.min_hits:
            return RewriteResult(is_null=False, hits=hits)
        ctx_words = _context_words(request)
        rules = rule_candidates(
            RuleInput(request.query, self._lexicon, self._kiwi, ctx_words), enabled=self._config.rules
        )
        titles = await _bounded(self._backend.search(request.query, self._config.title_hits), deadline)
        rules += title_candidates(request.query, titles)
        verified = await self._verify(rules, request.query, deadline)
        lm, flags = await self._lm_stage(request, verified, budget - (time.monotonic() - started))
        verified = _agree(verified, lm.candidates)
        verified.update(await self._verify(list(lm.candidates), request.query, deadline, skip=verified))
        rewrites = rank(
            list(verified.values()),
            weights=self._config.weights,
            lm_scores=lm.scores,
            context_words=frozenset(w.lower() for w in ctx_words),
            in_lexicon=self._lexicon.__contains__,
            query_length=len(request.query),
        )[: request.max_rewrites]
        if not rewrites and flags:
            raise _nothing_error(flags)
        return RewriteResult(True, hits, tuple(rewrites), degraded=bool(flags), flags=tuple(flags))

    async def run_batch(
        self, requests: Sequence[RewriteRequest], *, concurrency: int = 4
    ) -> list[RewriteResult]:
        """Many queries (offline use), at most `concurrency` at once, in order.

        Every request is validated first, so a bad item fails the batch before any work,
        naming it (``requests[3].query``).
        """
        for i, request in enumerate(requests):
            validate(request, self._config.limits, prefix=f"requests[{i}].")
        gate = asyncio.Semaphore(concurrency)

        async def one(request: RewriteRequest) -> RewriteResult:
            async with gate:
                return await self.run(request)

        return list(await asyncio.gather(*(one(r) for r in requests)))

    async def _verify(
        self,
        candidates: Sequence[Candidate],
        query: str,
        deadline: float,
        *,
        skip: dict[str, Verified] | None = None,
    ) -> dict[str, Verified]:
        original = " ".join(query.split())
        out: dict[str, Verified] = {}
        for text, (best, sources) in merge(candidates).items():
            if text == original or not text or (skip and text in skip):
                continue
            hits = await _bounded(self._backend.count(text), deadline)
            if hits > 0:
                out[text] = Verified(best, sources, hits)
        return out

    async def _lm_stage(
        self, request: RewriteRequest, verified: dict[str, Verified], left: float
    ) -> tuple[LmOutput, list[str]]:
        empty = LmOutput((), {})
        if self._lm is None:
            return empty, []
        wait = min(self._config.lm_timeout, left - self._config.reserve)
        if wait <= 0.01:
            return empty, ["lm_timeout"]
        ordered = sorted(verified, key=lambda t: -verified[t].best.prior)
        try:
            run = self._lm.run(request, ordered, known=lambda w: w.lower() in self._lexicon)
            return await asyncio.wait_for(run, timeout=wait), []
        except (TimeoutError, DeadlineExceededError):
            return empty, ["lm_timeout"]
        except SearchlmError as exc:
            _log.warning("lm stage failed, answering with rules only", extra={"error": str(exc)})
            return empty, ["lm_unavailable"]


async def _bounded(call: Awaitable[_T], deadline: float) -> _T:
    """A search-backend call cut off at the deadline.

    Without the bound a hung backend would hold the request past the caller's deadline (the
    caller sees a bare DEADLINE_EXCEEDED, the worker thread stays busy); with it the caller
    gets UNAVAILABLE naming the backend, and the log says which failure it was.

    Raises:
        UpstreamUnavailableError: the backend failed or did not answer before the deadline.
    """
    try:
        return await asyncio.wait_for(call, timeout=max(0.0, deadline - time.monotonic()))
    except TimeoutError as exc:
        _log.warning("search backend too slow", extra={"cause": "search_timeout"})
        raise UpstreamUnavailableError("search backend did not answer before the deadline") from exc
    except UpstreamUnavailableError as exc:
        _log.warning("search backend unavailable", extra={"cause": "search_unavailable", "error": str(exc)})
        raise


def _agree(verified: dict[str, Verified], lm_candidates: Sequence[Candidate]) -> dict[str, Verified]:
    """An LM candidate that a rule also proposed counts as one more source of it."""
    out = dict(verified)
    for cand in lm_candidates:
        if cand.text in out:
            v = out[cand.text]
            out[cand.text] = Verified(v.best, v.sources + 1, v.hits)
    return out


def _context_words(request: RewriteRequest) -> tuple[str, ...]:
    recent = [*reversed(request.previous_queries), *reversed(request.clicked_titles)]
    return tuple(dict.fromkeys(w for text in recent for w in words(text)))


def _nothing_error(flags: Sequence[str]) -> SearchlmError:
    if "lm_timeout" in flags:
        return DeadlineExceededError("no verified rewrite before the deadline (LM stage timed out)")
    return UpstreamUnavailableError("no verified rewrite from rules, and the LM is unavailable")
