"""Factoid answers read by the trained extractive reader, kept only when it is sure (issue 17).

The reader (`searchlm.reader`) reads the top passages and returns answer spans with a
confidence (a softmax over its n-best spans) and the null score of the span's window (how
strongly the model says "no answer in here"). Its best span is the answer when its confidence
reaches `min_confidence` and it beats the null score by `min_null_margin`; otherwise, or when
the reader fails, the caller falls back to the feature-ranked spans (`span_answerer`) and the
outcome's flag says why. The answer cites the passage the span was read from, with the
sentence around it as the snippet.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from searchlm import context
from searchlm.reader.types import SpanAnswer
from services.free_qa import citations
from services.free_qa.evidence import Splitter, Terms, lexical_overlap
from services.free_qa.reader_confidence import AnswerConfidence, AnswerSignals
from services.free_qa.reader_context import SentenceTerms, focus_contexts, split_terms
from services.free_qa.slot_check import Slot, judge_slot
from services.free_qa.types import QaAnswer, QuestionKind, ScoredPassage

# The reader's own confidence from which it answers when no calibration is loaded: chosen on the
# training side (the tune articles, `bench/reader.py --split tune`: it maximised the served EM).
READER_ONLY_MIN_CONFIDENCE = 0.3
# Characters of each passage the reader reads (its sentences nearest the question): chosen on the
# tune articles, where 250 gave the best EM of 0-600 (`bench/reader.py --context-chars`), and
# the shipped calibration was fitted on reads cut so (`bench/reader_confidence.py --context-chars 250`).
READER_CONTEXT_CHARS = 250
# Characters the reader reads over all its passages together (0: no shared budget): the sentences
# nearest the question across the passages. Chosen on the tune articles as the best EM among the
# budgets read at p50 <= 150 ms (issue 17's latency target): 250 (EM 0.656, p50 139 ms; 200: 0.644,
# 115 ms; 300: 0.644, 166 ms; per-passage budget alone: 0.625, 250 ms), `bench/reader.py
# --context-chars 250/N`; the shipped calibration was refitted on reads cut so.
READER_CONTEXT_TOTAL_CHARS = 250

_log = logging.getLogger(__name__)


class SpanReader(Protocol):
    """Reads answer spans out of passages (`searchlm.reader.ExtractiveReader` in production)."""

    def read(self, question: str, passages: Sequence[str], top_k: int = ...) -> list[SpanAnswer]:
        """The best spans by confidence; `SpanAnswer.passage_index` indexes `passages`."""
        ...


@dataclass(frozen=True)
class ReaderConfig:
    """When the reader answers.

    Attributes:
        passages: Top retrieved passages the reader reads.
        min_confidence: The answer's confidence from which the reader's span answers (0-1);
            below it the feature-ranked spans answer. None: the calibration's own threshold,
            or `READER_ONLY_MIN_CONFIDENCE` on the reader's confidence without one (both chosen
            on the tune articles; docs/free_qa.md has the held-out coverage-vs-EM curves).
        min_null_margin: The best span's score must exceed its window's null ("no answer")
            score by this much (0: the null score must not win).
        calibration: The model that turns reader, retrieval and support signals into one
            confidence (`reader_confidence`); None: the reader's own confidence.
        context_chars: Each passage is cut to its sentences nearest the question within this
            many characters before it is read (`reader_context`); 0 reads whole passages.
        context_total_chars: The passages share this many characters: the sentences nearest
            the question across all of them (`reader_context`); 0: only the per-passage budget.
    """

    passages: int = 3
    min_confidence: float | None = None
    min_null_margin: float = 0.0
    calibration: AnswerConfidence | None = None
    context_chars: int = READER_CONTEXT_CHARS
    context_total_chars: int = READER_CONTEXT_TOTAL_CHARS

    def __post_init__(self) -> None:
        if self.passages < 1:
            raise ValueError(f"reader passages must be >= 1, got {self.passages}")
        if self.min_confidence is not None and not 0.0 <= self.min_confidence <= 1.0:
            raise ValueError(f"reader min_confidence must be in [0, 1], got {self.min_confidence}")
        if self.context_chars < 0 or self.context_total_chars < 0:
            raise ValueError(
                f"reader context_chars ({self.context_chars}) and context_total_chars "
                f"({self.context_total_chars}) must be >= 0"
            )

    def threshold(self) -> float:
        """The confidence from which the reader answers."""
        if self.min_confidence is not None:
            return self.min_confidence
        return self.calibration.threshold if self.calibration else READER_ONLY_MIN_CONFIDENCE


@dataclass(frozen=True)
class ReadSpan:
    """An answer the reader is sure of.

    Attributes:
        text: The span (a substring of the passage).
        passage: The passage it was read from.
        sentence: The sentence around it ("" when the splitter does not find it).
        confidence: The answer's confidence, 0-1 (calibrated when `ReaderConfig.calibration` is set).
    """

    text: str
    passage: ScoredPassage
    sentence: str
    confidence: float

    def answer(self, kind: QuestionKind) -> QaAnswer:
        """The span as an answer citing the passage (and sentence) it was read from."""
        cited = (citations.citation(1, self.passage, self.sentence),)
        return QaAnswer(answer=f"{self.text} [1]", kind=kind, citations=cited, confidence=self.confidence)


@dataclass(frozen=True)
class ReaderOutcome:
    """What the reader made of a question: an answer, or the flag saying why not.

    Attributes:
        span: The answer (None: fall back).
        flag: ``reader_unsure`` (below `min_confidence`), ``reader_no_answer`` (no span, or the
            null score wins) or ``reader_error`` (the reader failed); "" with an answer.
    """

    span: ReadSpan | None
    flag: str = ""


@dataclass(frozen=True)
class SlotAnswer:
    """The reader's yes/no on a claim's slot (`slot_check`), with the sentence it read it from.

    Attributes:
        yes: Whether the reader's best span for the slot's question is the slot.
        confidence: The reader's confidence in that span, 0-1.
        passage: The passage the span was read from.
        sentence: The sentence around the span ("" when the splitter does not find it).
    """

    yes: bool
    confidence: float
    passage: ScoredPassage
    sentence: str


def verdict(best: SpanAnswer | None, config: ReaderConfig, confidence: float | None = None) -> str:
    """The fallback flag for the reader's best span ("": it answers). Shared with the benchmarks.

    Args:
        best: The reader's best span.
        config: The thresholds.
        confidence: The answer's calibrated confidence (None: the reader's own).
    """
    if best is None or not best.text.strip() or best.score - best.null_score < config.min_null_margin:
        return "reader_no_answer"
    if (best.confidence if confidence is None else confidence) < config.threshold():
        return "reader_unsure"
    return ""


def answer_signals(
    question: str,
    answers: Sequence[SpanAnswer],
    shown: Sequence[ScoredPassage],
    sentence: str,
    terms: Terms,
) -> AnswerSignals:
    """What the service knows about the reader's best answer (``answers[0]``), for calibration."""
    best = answers[0]
    passage = shown[best.passage_index]
    return AnswerSignals(
        best=best,
        runner_up_confidence=answers[1].confidence if len(answers) > 1 else 0.0,
        passage_rank=best.passage_index,
        dense_score=passage.dense_score,
        question_coverage=lexical_overlap(question, sentence or passage.passage.text, terms),
        in_question=best.text.replace(" ", "") in question.replace(" ", ""),
    )


class ReaderAnswerer:
    """Answers factoid questions with the reader's best span over the top passages.

    Args:
        reader: The span reader.
        split: Sentence splitter (the citation's snippet is the answer's sentence).
        terms: Content-term tokenizer (the calibration's question coverage).
        config: How many passages are read and when the reader answers.
        sentence_terms: Passages' sentences with their terms in one batch, for the context
            budget (`kiwi_text.sentence_terms`); None: `split` and `terms` sentence by sentence.
    """

    def __init__(
        self,
        *,
        reader: SpanReader,
        split: Splitter,
        terms: Terms,
        config: ReaderConfig | None = None,
        sentence_terms: SentenceTerms | None = None,
    ) -> None:
        self._reader, self._split, self._terms = reader, split, terms
        self._config = config or ReaderConfig()
        self._sentence_terms = sentence_terms or split_terms(split, terms)

    def answer(self, question: str, passages: Sequence[ScoredPassage]) -> ReaderOutcome:
        """The reader's answer over the first `config.passages` passages, or why there is none.

        A failing reader is a fallback, not a failed request: its error is logged and flagged.
        """
        shown = list(passages[: self._config.passages])
        texts = self._texts(question, shown)
        try:
            answers = self._reader.read(question, texts, top_k=2)
            best = answers[0] if answers else None
            if best is not None and not 0 <= best.passage_index < len(shown):
                raise IndexError(f"reader answered from passage {best.passage_index} of {len(shown)}")
        except Exception:
            _log.warning("reader failed; answering with spans", exc_info=True, extra=_request())
            return ReaderOutcome(None, "reader_error")
        if best is None:
            return ReaderOutcome(None, "reader_no_answer")
        passage = shown[best.passage_index]
        sentence = sentence_at(texts[best.passage_index], best.start, best.end, self._split)
        confidence = self._confidence(question, answers, shown, sentence)
        flag = verdict(best, self._config, confidence)
        if flag:
            return ReaderOutcome(None, flag)
        return ReaderOutcome(ReadSpan(best.text, passage, sentence, confidence))

    def check_slot(
        self, slot: Slot, passages: Sequence[ScoredPassage], min_confidence: float
    ) -> SlotAnswer | None:
        """The reader's yes/no on a copular claim's slot over the first `config.passages` passages.

        None when the reader reads no span from `min_confidence` on, or fails (logged: the
        caller falls back as for any unsure check).
        """
        shown = list(passages[: self._config.passages])
        texts = self._texts(slot.question, shown, shared=False)
        try:
            found = judge_slot(self._reader.read, slot, texts, min_confidence)
            if found is not None and not 0 <= found.answer.passage_index < len(shown):
                raise IndexError(f"reader answered from passage {found.answer.passage_index} of {len(shown)}")
        except Exception:
            _log.warning("reader failed on a yes/no slot", exc_info=True, extra=_request())
            return None
        if found is None:
            return None
        index = found.answer.passage_index
        sentence = sentence_at(texts[index], found.answer.start, found.answer.end, self._split)
        return SlotAnswer(found.yes, found.confidence, shown[index], sentence)

    def _texts(self, question: str, shown: Sequence[ScoredPassage], *, shared: bool = True) -> list[str]:
        """What the reader reads of each passage (`ReaderConfig.context_chars`, and
        `context_total_chars` when `shared`: the yes/no slot check reads each passage's own
        budget, which answered more claims on the tune items, 0.992 against 0.968)."""
        texts = [p.passage.text for p in shown]
        return focus_contexts(
            question,
            texts,
            analyse=self._sentence_terms,
            terms=self._terms,
            max_chars=self._config.context_chars,
            total_chars=self._config.context_total_chars if shared else 0,
        )

    def _confidence(
        self, question: str, answers: Sequence[SpanAnswer], shown: Sequence[ScoredPassage], sentence: str
    ) -> float:
        """The calibrated confidence of the best answer (the reader's own without a calibration)."""
        model = self._config.calibration
        if model is None:
            return answers[0].confidence
        return model.probability(answer_signals(question, answers, shown, sentence, self._terms))


def _request() -> dict[str, str]:
    return {"request_id": context.request_id()}


def sentence_at(text: str, start: int, end: int, split: Splitter) -> str:
    """The sentence of `text` holding `text[start:end]` ("" when no split sentence covers it)."""
    cursor = 0
    for sentence in split(text):
        at = text.find(sentence, cursor)
        if at < 0:
            continue
        if at <= start and end <= at + len(sentence):
            return sentence
        cursor = at + len(sentence)
    return ""
