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
from services.free_qa.evidence import Splitter
from services.free_qa.types import ScoredPassage

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
        min_confidence: The reader's best span answers from this confidence on (0-1); below it
            the feature-ranked spans answer. 0.3 was chosen on the training side (the tune
            articles, `bench/reader.py --split tune`: it maximised the served EM there);
            docs/free_qa.md has the held-out coverage-vs-EM curve.
        min_null_margin: The best span's score must exceed its window's null ("no answer")
            score by this much (0: the null score must not win).
    """

    passages: int = 3
    min_confidence: float = 0.3
    min_null_margin: float = 0.0

    def __post_init__(self) -> None:
        if self.passages < 1:
            raise ValueError(f"reader passages must be >= 1, got {self.passages}")
        if not 0.0 <= self.min_confidence <= 1.0:
            raise ValueError(f"reader min_confidence must be in [0, 1], got {self.min_confidence}")


@dataclass(frozen=True)
class ReadSpan:
    """An answer the reader is sure of.

    Attributes:
        text: The span (a substring of the passage).
        passage: The passage it was read from.
        sentence: The sentence around it ("" when the splitter does not find it).
        confidence: The reader's confidence, 0-1.
    """

    text: str
    passage: ScoredPassage
    sentence: str
    confidence: float


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


def verdict(best: SpanAnswer | None, config: ReaderConfig) -> str:
    """The fallback flag for the reader's best span ("": it answers). Shared with `bench/reader.py`."""
    if best is None or not best.text.strip() or best.score - best.null_score < config.min_null_margin:
        return "reader_no_answer"
    if best.confidence < config.min_confidence:
        return "reader_unsure"
    return ""


class ReaderAnswerer:
    """Answers factoid questions with the reader's best span over the top passages.

    Args:
        reader: The span reader.
        split: Sentence splitter (the citation's snippet is the answer's sentence).
        config: How many passages are read and when the reader answers.
    """

    def __init__(self, *, reader: SpanReader, split: Splitter, config: ReaderConfig | None = None) -> None:
        self._reader, self._split = reader, split
        self._config = config or ReaderConfig()

    def answer(self, question: str, passages: Sequence[ScoredPassage]) -> ReaderOutcome:
        """The reader's answer over the first `config.passages` passages, or why there is none.

        A failing reader is a fallback, not a failed request: its error is logged and flagged.
        """
        shown = list(passages[: self._config.passages])
        try:
            answers = self._reader.read(question, [p.passage.text for p in shown], top_k=1)
            best = answers[0] if answers else None
            if best is not None and not 0 <= best.passage_index < len(shown):
                raise IndexError(f"reader answered from passage {best.passage_index} of {len(shown)}")
        except Exception:
            _log.warning("reader failed; answering with spans", exc_info=True, extra=_request())
            return ReaderOutcome(None, "reader_error")
        flag = verdict(best, self._config)
        if flag or best is None:
            return ReaderOutcome(None, flag)
        passage = shown[best.passage_index]
        sentence = _sentence_at(passage.passage.text, best.start, best.end, self._split)
        return ReaderOutcome(ReadSpan(best.text, passage, sentence, best.confidence))


def _request() -> dict[str, str]:
    return {"request_id": context.request_id()}


def _sentence_at(text: str, start: int, end: int, split: Splitter) -> str:
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
