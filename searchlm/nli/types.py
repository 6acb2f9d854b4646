"""Public NLI types (standard library only, so any service can import them)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

LABELS: tuple[str, str, str] = ("entailment", "neutral", "contradiction")


@dataclass(frozen=True)
class NliScores:
    """Class probabilities for one (premise, hypothesis) pair; they sum to 1.

    Attributes:
        entailment: probability that the premise entails the hypothesis.
        neutral: probability that the premise neither entails nor contradicts it.
        contradiction: probability that the premise contradicts the hypothesis.
    """

    entailment: float
    neutral: float
    contradiction: float

    @property
    def label(self) -> str:
        """The most probable label name."""
        values = (self.entailment, self.neutral, self.contradiction)
        return LABELS[values.index(max(values))]


@runtime_checkable
class EntailmentScorer(Protocol):
    """Anything that scores (premise, hypothesis) pairs for entailment."""

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[NliScores]:
        """Score pairs.

        Args:
            pairs: ``(premise, hypothesis)`` tuples.

        Returns:
            One :class:`NliScores` per pair, in the same order.
        """
        ...
