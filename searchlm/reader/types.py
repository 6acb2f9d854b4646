"""Domain types of the extractive reader (standard library only)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SpanAnswer:
    """One answer span read out of a passage.

    Attributes:
        text: the answer as it stands in the passage, trailing particles stripped
            ("프레디 머큐리가" -> "프레디 머큐리").
        passage_index: index of the passage in the ``passages`` the reader was given.
        start: character offset of the answer in that passage.
        end: character offset just past the answer (``passage[start:end] == text``).
        score: start logit + end logit of the span (unbounded; comparable within one call).
        confidence: share of the answer in a softmax over the n-best spans of every
            window of the call (spans that strip to the same text are summed); 0-1.
        null_score: start + end logit of the window's ``<s>`` token ("no answer
            here"); ``score - null_score`` < 0 means the model prefers no span in it.
    """

    text: str
    passage_index: int
    start: int
    end: int
    score: float
    confidence: float
    null_score: float
