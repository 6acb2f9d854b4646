"""QaPipeline: retrieve, classify, answer by kind with citations, check support, abstain or degrade.

Answer strategies are a registry keyed by question kind. Factoid questions (and multi-hop ones
without a bridge) are answered by the trained extractive reader when one is loaded and sure
(`reader_answerer`), else with the best feature-ranked span of the top passages, which the LM
only reranks (`Score`), so the answer is always a substring of a cited passage. Other kinds are
generated. The LM is called only with the caller's remaining deadline (minus a reserve to send
the best passages back): when it is slow or down, a span answer keeps its feature ranking and a
generated one is degraded (best passages, no text) instead of failing. A generated answer the
cited passages do not support is replaced by the best extractive sentence when retrieval is
confident, and abstained on otherwise.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import TypeVar

from searchlm import context
from searchlm.errors import DeadlineExceededError, OverloadedError, UpstreamUnavailableError
from searchlm.lm.types import LmClient, LmSampling
from searchlm.nli.types import EntailmentScorer
from searchlm.nli.verdict import SHIPPED_THRESHOLDS, Thresholds
from services.free_qa import citations
from services.free_qa import prompt as qa_prompt
from services.free_qa.evidence import YES_NO_MIN_CONFIDENCE, Splitter, SupportChecker, Terms, best_sentences
from services.free_qa.kinds import KindClassifier
from services.free_qa.multihop import MultiHopResolver
from services.free_qa.reader_answerer import ReaderAnswerer, ReaderConfig, SpanReader
from services.free_qa.reader_context import SentenceTerms
from services.free_qa.retrieval import HybridRetriever
from services.free_qa.slot_check import SLOT_MIN_CONFIDENCE
from services.free_qa.span_answerer import ScoredSpan, SpanAnswerer, SpanConfig, confidence
from services.free_qa.spans import Tagger
from services.free_qa.types import ABSTAIN_TEXT, AnswerDelta, QaAnswer, QaRequest, QuestionKind, ScoredPassage
from services.free_qa.validation import validate_request
from services.free_qa.yes_no import YesNoConfig, YesNoFound, YesNoJudge

_log = logging.getLogger(__name__)
_T = TypeVar("_T")

_LM_FAILURES: dict[type[BaseException], str] = {
    TimeoutError: "lm_timeout",
    DeadlineExceededError: "lm_timeout",
    UpstreamUnavailableError: "lm_unavailable",
    OverloadedError: "lm_overloaded",
}


class _LmFailedError(Exception):
    def __init__(self, flag: str) -> None:
        super().__init__(flag)
        self.flag = flag


@dataclass(frozen=True)
class PipelineConfig:
    """Answering policy.

    Attributes:
        default_passages: Passages retrieved when the request leaves max_passages at 0.
        prompt_passages: Passages shown to the LM (the best ones).
        min_dense_score: Abstain when the best passage's cosine is below this and BM25 found nothing.
        confident_dense_score: Cosine from which an extractive fallback may replace an unsupported answer.
        lm_timeout: Longest wait for the LM in seconds (the caller's deadline may cut it shorter).
        deadline_reserve: Seconds kept back from the caller's deadline to return a degraded answer.
        max_tokens: Generation budget by kind.
        min_yes_no_confidence: Below it, the LM's yes/no answer is abstained on.
        yes_no_nli_confidence: Below it, the NLI yes/no verdict (after the reader's slot check,
            `yes_no`) gives way to the LM (or abstains).
        yes_no_slot_confidence: Reader confidence from which its slot check answers a copular
            yes/no claim (None: no slot check).
        nli_thresholds: Pair thresholds of the NLI verdict rule (support checks).
        use_lm: False: never call the LM (span answers keep their feature ranking, generated
            answers are degraded to the best passages).
        span_answers: Answer factoid questions with extractive spans (False: LM generation).
        spans: Span candidate selection, scoring and LM reranking.
        reader: Passages the extractive reader reads and when its answer is kept.
    """

    default_passages: int = 5
    prompt_passages: int = 3
    min_dense_score: float = 0.80
    confident_dense_score: float = 0.84
    lm_timeout: float = 20.0
    deadline_reserve: float = 0.3
    max_tokens: tuple[tuple[QuestionKind, int], ...] = (
        (QuestionKind.FACTOID, 32),
        (QuestionKind.MULTI_HOP, 48),
        (QuestionKind.YES_NO, 8),
        (QuestionKind.LONG_FORM, 160),
    )
    min_yes_no_confidence: float = 0.55
    yes_no_nli_confidence: float = YES_NO_MIN_CONFIDENCE
    yes_no_slot_confidence: float | None = SLOT_MIN_CONFIDENCE
    nli_thresholds: Thresholds = SHIPPED_THRESHOLDS
    use_lm: bool = True
    span_answers: bool = True
    spans: SpanConfig = field(default_factory=SpanConfig)
    reader: ReaderConfig = field(default_factory=ReaderConfig)


Strategy = Callable[[str, QuestionKind, list[ScoredPassage]], Awaitable[QaAnswer]]


class QaPipeline:
    """Answers questions from the indexed encyclopedia.

    Args:
        retriever: Hybrid retriever over the index.
        lm: Model-server client (None behaves like an LM that is down).
        scorer: NLI scorer for support and yes/no checks (None: lexical checks and the LM).
        split: Sentence splitter.
        terms: Content-term tokenizer.
        config: Answering policy.
        classifier: Question-kind classifier (default: rules only).
        tag: Morpheme tagger for span answers (None: factoid answers are generated).
        reader: Extractive reader for factoid answers (None: spans or generation only).
        sentence_terms: Sentences with their terms of many passages in one batch (the reader's
            context budget); None: `split` and `terms` sentence by sentence.
    """

    def __init__(
        self,
        *,
        retriever: HybridRetriever,
        lm: LmClient | None,
        scorer: EntailmentScorer | None,
        split: Splitter,
        terms: Terms,
        config: PipelineConfig | None = None,
        classifier: KindClassifier | None = None,
        tag: Tagger | None = None,
        reader: SpanReader | None = None,
        sentence_terms: SentenceTerms | None = None,
    ) -> None:
        self._retriever, self._lm, self._scorer = retriever, lm, scorer
        self._split, self._terms = split, terms
        self._config = config or PipelineConfig()
        self._classifier = classifier or KindClassifier()
        self._support = SupportChecker(scorer, terms, thresholds=self._config.nli_thresholds)
        titles = [p.title for p in retriever.corpus.passages.values()]
        self._multihop = MultiHopResolver(retriever.retrieve, titles, terms)
        self._spans = (
            SpanAnswerer(tag=tag, split=split, terms=terms, config=self._config.spans)
            if tag is not None and self._config.span_answers
            else None
        )
        self._reader = (
            None
            if reader is None
            else ReaderAnswerer(
                reader=reader,
                split=split,
                terms=terms,
                config=self._config.reader,
                sentence_terms=sentence_terms,
            )
        )
        self._yes_no_judge = YesNoJudge(
            scorer=scorer,
            reader=self._reader,
            split=split,
            tag=tag,
            config=YesNoConfig(self._config.yes_no_nli_confidence, self._config.yes_no_slot_confidence),
        )
        self._strategies: dict[QuestionKind, Strategy] = {
            QuestionKind.FACTOID: self._factoid,
            QuestionKind.LONG_FORM: self._generate,
            QuestionKind.YES_NO: self._yes_no,
            QuestionKind.MULTI_HOP: self._multi_hop,
        }

    async def run(self, request: QaRequest) -> QaAnswer:
        """Answers one request after `validate_request` (gRPC and in-process callers alike).

        Raises:
            InvalidRequestError: a field is invalid.
        """
        return await self._answer(validate_request(request))

    async def _answer(self, request: QaRequest) -> QaAnswer:
        kind = await self._classifier.classify(request.question, request.kind_hint)
        k = request.max_passages or self._config.default_passages
        passages = await asyncio.to_thread(self._retriever.retrieve, request.question, k)
        if self._too_weak(passages):
            return self._abstain(kind, passages, "low_retrieval")
        answer = await self._strategies[kind](request.question, kind, passages)
        return replace(answer, retrieved_ids=tuple(p.passage.id for p in passages))

    def stream(self, request: QaRequest) -> AsyncIterator[AnswerDelta]:
        """The answer's text in pieces, then the whole answer; the request is validated at once.

        Text is streamed only after the support check, so no unsupported text ever reaches a user.

        Raises:
            InvalidRequestError: a field is invalid (before anything is streamed).
        """
        return self._stream(validate_request(request))

    async def _stream(self, request: QaRequest) -> AsyncIterator[AnswerDelta]:
        answer = await self._answer(request)
        for piece in _pieces(answer.answer):
            yield AnswerDelta(text=piece)
        yield AnswerDelta(final=answer)

    def _too_weak(self, passages: Sequence[ScoredPassage]) -> bool:
        if not passages:
            return True
        top = passages[0]
        return top.dense_score < self._config.min_dense_score and top.sparse_score <= 0.0

    def _abstain(self, kind: QuestionKind, passages: Sequence[ScoredPassage], flag: str) -> QaAnswer:
        return QaAnswer(
            answer=ABSTAIN_TEXT,
            kind=kind,
            abstained=True,
            retrieved_ids=tuple(p.passage.id for p in passages),
            flags=(flag,),
        )

    def _degraded(self, kind: QuestionKind, passages: Sequence[ScoredPassage], flag: str) -> QaAnswer:
        _log.warning("free_qa degraded: %s", flag, extra={"flag": flag, "request_id": context.request_id()})
        cited = tuple(citations.citation(n, p) for n, p in enumerate(passages, start=1))
        return QaAnswer(answer="", kind=kind, citations=cited, degraded=True, flags=(flag,))

    def _lm_budget(self) -> float:
        left = context.remaining(default=math.inf)
        return min(self._config.lm_timeout, (left or 0.0) - self._config.deadline_reserve)

    async def _call_lm(self, call: Callable[[LmClient], Awaitable[_T]]) -> _T:
        """Runs an LM call inside the budget; failures become `_LmFailedError` with a flag."""
        if self._lm is None or not self._config.use_lm:
            raise _LmFailedError("lm_disabled")
        budget = self._lm_budget()
        if budget <= 0:
            raise _LmFailedError("lm_timeout")
        try:
            return await asyncio.wait_for(call(self._lm), budget)
        except tuple(_LM_FAILURES) as exc:
            flag = next(flag for kind, flag in _LM_FAILURES.items() if isinstance(exc, kind))
            raise _LmFailedError(flag) from exc

    def _max_tokens(self, kind: QuestionKind) -> int:
        return dict(self._config.max_tokens).get(kind, 64)

    async def _generate(self, question: str, kind: QuestionKind, passages: list[ScoredPassage]) -> QaAnswer:
        shown = passages[: self._config.prompt_passages]
        prompt = qa_prompt.answer_prompt(question, kind, shown)
        sampling = LmSampling(max_tokens=self._max_tokens(kind), temperature=0.0, stop=qa_prompt.STOP)
        try:
            result = await self._call_lm(lambda lm: lm.generate(prompt, sampling))
        except _LmFailedError as failure:
            return self._degraded(kind, passages, failure.flag)
        text = citations.clean_markers(result.completions[0].text.split("\n")[0], len(shown))
        return await self._validated(question, kind, text, shown)

    async def _factoid(self, question: str, kind: QuestionKind, passages: list[ScoredPassage]) -> QaAnswer:
        """The reader's answer when it is sure, else the span (or generated) answer flagged with why."""
        if self._reader is None:
            return await self._span_factoid(question, kind, passages)
        outcome = await asyncio.to_thread(self._reader.answer, question, passages)
        if outcome.span is not None:
            return outcome.span.answer(kind)
        answer = await self._span_factoid(question, kind, passages)
        return replace(answer, flags=(outcome.flag, *answer.flags))

    async def _span_factoid(
        self, question: str, kind: QuestionKind, passages: list[ScoredPassage]
    ) -> QaAnswer:
        """The best extractive span (LM-reranked when it answers in time); abstains without one."""
        if self._spans is None:
            return await self._generate(question, kind, passages)
        shown = passages[: self._config.prompt_passages]
        ranked = await asyncio.to_thread(self._spans.rank, question, shown)
        if not ranked:
            return self._abstain(kind, passages, "unsupported")
        ranked, flags = await self._reranked(question, ranked)
        best = ranked[0]
        return QaAnswer(
            answer=f"{best.text} [1]",
            kind=kind,
            citations=(citations.citation(1, best.passage, best.sentence),),
            confidence=confidence(ranked),
            flags=flags,
        )

    async def _reranked(
        self, question: str, ranked: list[ScoredSpan]
    ) -> tuple[list[ScoredSpan], tuple[str, ...]]:
        """Spans reranked by the LM; the feature ranking (and why) when the LM cannot help."""
        assert self._spans is not None
        if self._spans.config.rerank < 2 or len(ranked) < 2:
            return ranked, ()
        prompt, continuations = self._spans.rerank_prompt(question, ranked)
        try:
            scores = await self._call_lm(lambda lm: lm.score(prompt, continuations))
        except _LmFailedError as failure:
            return ranked, (() if failure.flag == "lm_disabled" else (failure.flag,))
        return self._spans.rerank(ranked, scores), ()

    async def _validated(
        self, question: str, kind: QuestionKind, text: str, shown: list[ScoredPassage]
    ) -> QaAnswer:
        """Keeps a supported LM answer; else falls back to an extractive one or abstains."""
        claim = citations.strip_markers(text)
        cited = citations.resolve(text, shown) or self._attribute(claim, shown)
        premises = [p.passage.text for p in shown if p.passage.id in {c.passage_id for c in cited}]
        support = await asyncio.to_thread(self._support.check, claim, premises)
        if support.supported:
            if not citations.parse_markers(text):
                text = f"{claim} " + "".join(f"[{c.marker}]" for c in cited)
            return QaAnswer(answer=text, kind=kind, citations=cited, confidence=support.confidence)
        if shown and shown[0].dense_score >= self._config.confident_dense_score and shown[0].sparse_score > 0:
            return self._extractive(question, kind, shown[0], "extractive_fallback")
        return self._abstain(kind, shown, "unsupported")

    def _attribute(self, claim: str, shown: Sequence[ScoredPassage]) -> tuple[citations.Citation, ...]:
        """Citations for an answer the LM gave without markers: the passages that contain it."""
        squashed = claim.replace(" ", "")
        return tuple(
            citations.citation(n, p)
            for n, p in enumerate(shown, start=1)
            if squashed and squashed in p.passage.text.replace(" ", "")
        )

    def _extractive(self, question: str, kind: QuestionKind, passage: ScoredPassage, flag: str) -> QaAnswer:
        n = 2 if kind is QuestionKind.LONG_FORM else 1
        text = " ".join(
            best_sentences(question, passage.passage.text, split=self._split, terms=self._terms, n=n)
        )
        return QaAnswer(
            answer=f"{text} [1]",
            kind=kind,
            citations=(citations.citation(1, passage),),
            confidence=0.5,
            flags=(flag,),
        )

    async def _yes_no(self, question: str, kind: QuestionKind, passages: list[ScoredPassage]) -> QaAnswer:
        shown = passages[: self._config.prompt_passages]
        found = await asyncio.to_thread(self._yes_no_judge.judge, question, shown)
        if found is None:
            try:
                yes, confidence = await self._lm_yes_no(question, shown)
            except _LmFailedError as failure:
                return self._degraded(kind, passages, failure.flag)
            if confidence < self._config.min_yes_no_confidence:
                return self._abstain(kind, passages, "uncertain")
            text = shown[0].best_chunk or shown[0].passage.text
            evidence = " ".join(best_sentences(question, text, split=self._split, terms=self._terms))
            found = YesNoFound(yes, confidence, shown[0], evidence, "lm")
        answer = f"{'예' if found.yes else '아니오'}. {found.evidence} [1]".strip()
        cited = (citations.citation(1, found.passage),)
        return QaAnswer(answer=answer, kind=kind, citations=cited, confidence=found.confidence)

    async def _lm_yes_no(self, question: str, shown: list[ScoredPassage]) -> tuple[bool, float]:
        prompt = qa_prompt.answer_prompt(question, QuestionKind.YES_NO, shown)
        scores = await self._call_lm(lambda lm: lm.score(prompt, [" 예", " 아니오"]))
        yes_lp, no_lp = (s.mean_logprob for s in sorted(scores, key=lambda s: s.index))
        p_yes = 1 / (1 + math.exp(no_lp - yes_lp))
        return p_yes >= 0.5, max(p_yes, 1 - p_yes)

    async def _multi_hop(self, question: str, kind: QuestionKind, passages: list[ScoredPassage]) -> QaAnswer:
        k = max(len(passages), self._config.default_passages)
        result = await asyncio.to_thread(self._multihop.resolve, question, k)
        if not result.bridges:
            answer = await self._factoid(question, kind, passages)
            return replace(answer, hops=result.hops)
        evidence = list(result.passages)
        cited = tuple(citations.citation(n, p) for n, p in enumerate(evidence, start=1))
        parts = [f"{bridge} [1][{n}]" for n, bridge in enumerate(result.bridges, start=2)]
        return QaAnswer(answer=", ".join(parts), kind=kind, citations=cited, hops=result.hops, confidence=0.7)


def _pieces(text: str, size: int = 12) -> list[str]:
    """Cuts text into word-aligned pieces of about `size` characters (streaming)."""
    pieces, current = [], ""
    for word in text.split(" "):
        current = f"{current} {word}" if current else word
        if len(current) >= size:
            pieces.append(current + " ")
            current = ""
    if current:
        pieces.append(current)
    if pieces:
        pieces[-1] = pieces[-1].rstrip()
    return pieces
