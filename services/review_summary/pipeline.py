"""ReviewSummaryPipeline: clean -> select -> opinion panel (units, groups, NLI support) ->
the realiser's summary of the served statements (which the LM may rephrase, gated: see
`rephrase`); with no served statement, the LM path:
generate candidates -> NLI gate -> choose, regenerate (bounded) or fall back to the most
representative review sentence (flagged)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from searchlm.context import remaining
from searchlm.embed import Embedder
from searchlm.errors import SearchlmError
from searchlm.lm.types import LmCompletion
from services.review_summary.checker import FaithfulnessChecker
from services.review_summary.cleaning import CleaningSettings, clean
from services.review_summary.extractive import representative_sentence
from services.review_summary.faithfulness import TextSplitter
from services.review_summary.generation import CandidateGenerator, RoundFailure
from services.review_summary.panel import OpinionPanel, Panel
from services.review_summary.prompt import (
    PROMPT_STYLES,
    PromptStyle,
    build_prompt,
    clean_candidate,
    echoes_payload,
    quoted_spans,
)
from services.review_summary.rephrase import Rephraser
from services.review_summary.selection import select
from services.review_summary.store import ReviewStore
from services.review_summary.types import (
    CandidateCheck,
    CleanedReviews,
    Review,
    SummaryRequest,
    SummaryResult,
)
from services.review_summary.validation import Limits, validate_request

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PipelineSettings:
    """Defaults and budgets of one summary.

    Attributes:
        default_max_chars: Summary length when the request leaves max_chars at 0.
        max_chars_limit: Largest max_chars a request may ask for.
        default_language: Summary language when the request leaves it empty.
        prompt_budget_chars: Characters of review text in the prompt (fits the LM context).
        prompt_max_reviews: Most reviews in the prompt (and in the NLI premises).
        selection_shortlist_chars: Most characters of review text embedded for the selection
            (0 = all; `selection.shortlist`).
        max_rounds: LM rounds before the extractive fallback (1: no regeneration).
        default_deadline_seconds: Time budget when the caller sends no deadline.
        nli_reserve_seconds: Time kept after generation for the check and the fallback.
    """

    default_max_chars: int = 120
    max_chars_limit: int = 500
    default_language: str = "ko"
    prompt_budget_chars: int = 1500
    prompt_max_reviews: int = 30
    selection_shortlist_chars: int = 4500
    max_rounds: int = 2
    default_deadline_seconds: float = 60.0
    nli_reserve_seconds: float = 5.0

    def __post_init__(self) -> None:
        if self.default_language not in PROMPT_STYLES:
            raise ValueError(f"default_language must be one of {sorted(PROMPT_STYLES)}")
        if self.max_rounds < 1 or self.prompt_budget_chars < 1 or self.prompt_max_reviews < 1:
            raise ValueError("max_rounds, prompt_budget_chars and prompt_max_reviews must be >= 1")
        if self.selection_shortlist_chars < 0:
            raise ValueError("selection_shortlist_chars must be >= 0")


@dataclass
class _Outcome:
    """What generation and checking produced so far."""

    best: CandidateCheck | None = None
    checked: int = 0
    flags: list[str] = field(default_factory=list)
    model: str = ""


class ReviewSummaryPipeline:
    """Transport-free data plane of the service.

    Args:
        generator: Candidate generation through the LM.
        checker: NLI faithfulness gate.
        splitter: Sentence splitting (fallback).
        embedder: Sentence embeddings (selection, fallback).
        store: Stored reviews by product id.
        cleaning: Cleaning limits.
        settings: Defaults and budgets.
        panel: The opinion panel (None: summaries from the LM path only).
        rephraser: The LM's rephrasing of the panel's summary (None: the realiser's sentence).
    """

    def __init__(
        self,
        *,
        generator: CandidateGenerator,
        checker: FaithfulnessChecker,
        splitter: TextSplitter,
        embedder: Embedder,
        store: ReviewStore,
        cleaning: CleaningSettings,
        settings: PipelineSettings,
        panel: OpinionPanel | None = None,
        rephraser: Rephraser | None = None,
    ) -> None:
        self._panel = panel
        self._rephraser = rephraser
        self._generator = generator
        self._checker = checker
        self._splitter = splitter
        self._embedder = embedder
        self._store = store
        self._cleaning = cleaning
        self._settings = settings
        self._limits = Limits(
            languages=frozenset(PROMPT_STYLES),
            default_language=settings.default_language,
            default_max_chars=settings.default_max_chars,
            max_chars_limit=settings.max_chars_limit,
        )

    async def run(self, request: SummaryRequest) -> SummaryResult:
        """Summarises the request's reviews.

        Raises:
            InvalidRequestError: Bad input or nothing left after cleaning.
            NotFoundError: Unknown product id.
        """
        validate_request(request, self._limits)
        deadline = time.monotonic() + (remaining() or self._settings.default_deadline_seconds)
        style, max_chars = self._options(request)
        reviews = self._store.get(request.product_id) if request.product_id else request.reviews
        cleaned = clean(reviews, self._cleaning)
        used = await asyncio.to_thread(
            select,
            cleaned.reviews,
            self._embedder,
            budget_chars=self._settings.prompt_budget_chars,
            max_reviews=self._settings.prompt_max_reviews,
            shortlist_chars=self._settings.selection_shortlist_chars,
        )
        panel = await self._opinions(cleaned.reviews, used, style, max_chars, deadline)
        if panel is not None and panel.summary:
            outcome = _Outcome(best=_panel_check(panel), flags=["opinion_summary"])
            await self._rephrase(outcome, panel, used, max_chars, deadline)
        else:
            outcome = await self._generate(used, style, max_chars, deadline)
        if outcome.best is None:
            await self._fallback(outcome, used, max_chars, deadline)
        return self._result(cleaned, used, outcome, panel)

    async def _opinions(
        self,
        cleaned: Sequence[Review],
        used: Sequence[Review],
        style: PromptStyle,
        max_chars: int,
        deadline: float,
    ) -> Panel | None:
        """The opinion panel (Korean only), or None when off, not Korean, or out of time."""
        if self._panel is None or style is not PROMPT_STYLES["ko"]:
            return None
        try:
            work = asyncio.to_thread(self._panel.build, cleaned, used, max_chars=max_chars)
            budget = max(0.0, deadline - self._settings.nli_reserve_seconds - time.monotonic())
            return await asyncio.wait_for(work, timeout=budget)
        except (TimeoutError, SearchlmError) as exc:
            _log.warning("opinion panel not built: %s", type(exc).__name__)
            return None

    async def _rephrase(
        self, outcome: _Outcome, panel: Panel, used: Sequence[Review], max_chars: int, deadline: float
    ) -> None:
        """Serves the LM's rephrasing of the panel's summary instead of the realiser's sentence
        when one names every aspect said and passes the NLI gate; flags why not otherwise."""
        if self._rephraser is None:
            return
        said = {c.claim for c in panel.claims}
        opinions = [o for o in panel.aspects if o.statement in said]
        budget_end = deadline - self._settings.nli_reserve_seconds
        got = await self._rephraser.rephrase(opinions, len(used), max_chars=max_chars, deadline=budget_end)
        if got is None:
            return
        outcome.model = got.model
        checks = (await self._check(got.texts, used, deadline) or []) if got.texts else []
        outcome.checked += len(checks)
        passing = [c for c in checks if c.passed]
        if passing:
            outcome.best = max(passing, key=lambda c: c.score)
            outcome.flags.append("lm_rephrased")
        else:
            outcome.flags.append(got.flag or "rephrase_rejected")

    def _options(self, request: SummaryRequest) -> tuple[PromptStyle, int]:
        """The prompt style and length limit after defaults (validated by `validate_request`)."""
        language = request.language or self._settings.default_language
        return PROMPT_STYLES[language], request.max_chars or self._settings.default_max_chars

    async def _generate(
        self, used: Sequence[Review], style: PromptStyle, max_chars: int, deadline: float
    ) -> _Outcome:
        outcome = _Outcome()
        prompt = build_prompt(used, style)
        for index in range(self._settings.max_rounds):
            result = await self._generator.round(prompt, index, deadline - self._settings.nli_reserve_seconds)
            if isinstance(result, RoundFailure):
                outcome.flags += ["degraded", result.flag]
                return outcome
            outcome.model = result.model
            texts = self._candidates(result.completions, style, max_chars, used, outcome)
            checks = await self._check(texts, used, deadline)
            if checks is None:
                return outcome
            outcome.checked += len(checks)
            passing = [c for c in checks if c.passed]
            if passing:
                outcome.best = max(passing, key=lambda c: c.score)
                outcome.flags += ["regenerated"] if index else []
                return outcome
        return outcome

    @staticmethod
    def _candidates(
        completions: Sequence[LmCompletion],
        style: PromptStyle,
        max_chars: int,
        used: Sequence[Review],
        outcome: _Outcome,
    ) -> list[str]:
        """Cleaned, distinct candidates; those repeating a review's quoted text are dropped
        (an injection the patterns missed: its own review would "support" it under NLI)."""
        texts = [clean_candidate(c.text, max_chars=max_chars, tag=style.tag) for c in completions]
        payloads = quoted_spans(used)
        kept = [t for t in dict.fromkeys(texts) if t and not echoes_payload(t, payloads)]
        if len(kept) < len({t for t in texts if t}):
            outcome.flags.append("injection_suspected")
        return kept

    async def _check(
        self, texts: Sequence[str], used: Sequence[Review], deadline: float
    ) -> list[CandidateCheck] | None:
        """NLI verdicts, or None when the check cannot finish before the deadline or its scorer
        fails (the LM judge when the LM is down)."""
        if not texts:
            return []
        try:
            work = asyncio.to_thread(self._checker.check, texts, used)
            return await asyncio.wait_for(work, timeout=max(0.0, deadline - time.monotonic()))
        except (TimeoutError, SearchlmError) as exc:
            _log.warning("faithfulness check not done: %s", type(exc).__name__)
            return None

    async def _fallback(
        self, outcome: _Outcome, used: Sequence[Review], max_chars: int, deadline: float
    ) -> None:
        sentence = await asyncio.to_thread(
            representative_sentence,
            used,
            splitter=self._splitter,
            embedder=self._embedder,
            max_chars=max_chars,
        )
        checks = await self._check([sentence], used, deadline)
        outcome.best = checks[0] if checks else CandidateCheck(sentence, (), 0.0, False)
        outcome.flags.append("extractive_fallback")
        if checks is None:
            outcome.flags.append("unchecked")

    def _result(
        self, cleaned: CleanedReviews, used: Sequence[Review], outcome: _Outcome, panel: Panel | None
    ) -> SummaryResult:
        best = outcome.best
        assert best is not None  # the fallback always sets it
        flags = list(dict.fromkeys([*outcome.flags, *(["pii_masked"] if cleaned.masked else [])]))
        _log.info(
            "summary served",
            extra={
                "reviews": cleaned.received,
                "used": len(used),
                "dropped": cleaned.dropped,
                "flags": flags,
            },
        )
        return SummaryResult(
            summary=best.text,
            faithfulness=best.score,
            passed=best.passed,
            claims=best.claims,
            reviews_received=cleaned.received,
            reviews_used=len(used),
            dropped=cleaned.dropped,
            extractive_fallback="extractive_fallback" in flags,
            degraded="degraded" in flags,
            flags=tuple(flags),
            candidates_checked=outcome.checked,
            model=outcome.model,
            aspects=panel.aspects if panel else (),
            reviews_with_opinions=panel.reviews_with_opinions if panel else 0,
        )


def _panel_check(panel: Panel) -> CandidateCheck:
    """The realiser's sentence as a passed check: its claims are the served statements it says
    (each entailed by >= min_support reviews and contradicted by fewer)."""
    score = min((c.entailment for c in panel.claims), default=0.0)
    return CandidateCheck(panel.summary, panel.claims, score, True)
