"""Faithfulness of a multi-review summary: is each claim supported by a review?

A summary is split into claims (sentences). Each review is cut into premise
chunks of whole sentences. Every (chunk, claim) pair is scored by an
:class:`~searchlm.nli.types.EntailmentScorer`; a claim's support is its best chunk.

A claim passes when the best chunk entails it (``entailment >= threshold``)
and that same chunk does not contradict it (``contradiction < threshold``).
Contradiction is read at the best chunk, not as a maximum over all reviews,
because reviews disagree with each other: "배송이 빨라요" supported by one
review must not fail because another review complains about delivery.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from eval.types import NliScoresLike

if TYPE_CHECKING:
    from searchlm.nli.types import EntailmentScorer

SentenceSplitter = Callable[[str], list[str]]


@dataclass(frozen=True)
class ClaimCheckSettings:
    """Thresholds and chunking for the faithfulness check.

    Attributes:
        entailment_threshold: Minimum entailment probability for support.
        contradiction_threshold: Contradiction at the best chunk must stay below.
        chunk_chars: Maximum characters per premise chunk (a longer single
            sentence becomes its own chunk rather than being cut mid-sentence).
    """

    entailment_threshold: float = 0.5
    contradiction_threshold: float = 0.5
    chunk_chars: int = 400

    def __post_init__(self) -> None:
        for name in ("entailment_threshold", "contradiction_threshold"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {value}")
        if self.chunk_chars < 1:
            raise ValueError(f"chunk_chars must be >= 1, got {self.chunk_chars}")


@dataclass(frozen=True)
class PremiseChunk:
    """Consecutive sentences of one review.

    Attributes:
        review_index: Index of the review in the item's ``reviews``.
        text: The sentences joined by a space.
    """

    review_index: int
    text: str


@dataclass(frozen=True)
class ClaimVerdict:
    """How well one claim is supported.

    Attributes:
        claim: The summary sentence.
        entailment: Best entailment over all chunks.
        contradiction: Contradiction of that best chunk.
        supporting_reviews: Distinct reviews with a chunk at or above the
            entailment threshold.
        passed: Supported and not contradicted.
        best_premise: Text of the best chunk.
    """

    claim: str
    entailment: float
    contradiction: float
    supporting_reviews: int
    passed: bool
    best_premise: str


def chunk_reviews(reviews: Sequence[str], split: SentenceSplitter, max_chars: int) -> list[PremiseChunk]:
    """Pack each review's sentences greedily into chunks of at most ``max_chars``."""
    chunks: list[PremiseChunk] = []
    for index, review in enumerate(reviews):
        current: list[str] = []
        for sentence in split(review):
            if current and len(" ".join([*current, sentence])) > max_chars:
                chunks.append(PremiseChunk(index, " ".join(current)))
                current = []
            current.append(sentence)
        if current:
            chunks.append(PremiseChunk(index, " ".join(current)))
    return chunks


def judge_claim(
    claim: str,
    chunks: Sequence[PremiseChunk],
    scores: Sequence[NliScoresLike],
    settings: ClaimCheckSettings,
) -> ClaimVerdict:
    """Turn one claim's scores (one per chunk, same order) into a verdict."""
    if not chunks:
        return ClaimVerdict(claim, 0.0, math.nan, 0, False, "")
    best = max(range(len(chunks)), key=lambda i: scores[i].entailment)
    supporting = {
        chunk.review_index
        for chunk, score in zip(chunks, scores, strict=True)
        if score.entailment >= settings.entailment_threshold
    }
    entailment = scores[best].entailment
    contradiction = scores[best].contradiction
    passed = entailment >= settings.entailment_threshold and contradiction < settings.contradiction_threshold
    return ClaimVerdict(claim, entailment, contradiction, len(supporting), passed, chunks[best].text)


def verify_summary(
    summary: str,
    reviews: Sequence[str],
    scorer: EntailmentScorer,
    *,
    split: SentenceSplitter,
    settings: ClaimCheckSettings,
) -> list[ClaimVerdict]:
    """Score every claim of ``summary`` against premise chunks of ``reviews``.

    All pairs of one summary go to the scorer in a single call so a batching
    scorer sees a full batch.

    Raises:
        ValueError: The scorer returned the wrong number of results.
    """
    claims = split(summary)
    chunks = chunk_reviews(reviews, split, settings.chunk_chars)
    pairs = [(chunk.text, claim) for claim in claims for chunk in chunks]
    scores = list(scorer.score(pairs)) if pairs else []
    if len(scores) != len(pairs):
        raise ValueError(f"scorer returned {len(scores)} results for {len(pairs)} pairs")
    width = len(chunks)
    return [
        judge_claim(claim, chunks, scores[i * width : (i + 1) * width], settings)
        for i, claim in enumerate(claims)
    ]
