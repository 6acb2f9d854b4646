"""What a predictor returns for each task (standard library only).

The protocols that produce them are in :mod:`eval.predictors.protocols`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class SummaryPrediction:
    """A generated summary.

    Attributes:
        summary: The summary text.
        model: Model id that produced it, when known.
    """

    summary: str
    model: str | None = None


@dataclass(frozen=True)
class QaPrediction:
    """An answer with the passages the system retrieved.

    Attributes:
        answer: Answer text (``None`` when the system abstained).
        retrieved_ids: Ranked passage ids, or ``None`` if not reported.
        abstained: The system declined to answer.
        model: Model id that produced it, when known.
        confidence: The system's confidence in the answer (0-1), when it reports one.
    """

    answer: str | None
    retrieved_ids: tuple[str, ...] | None = None
    abstained: bool = False
    model: str | None = None
    confidence: float | None = None


@dataclass(frozen=True)
class RewritePrediction:
    """Ranked rewrites of a query (empty: the system proposed none).

    Attributes:
        rewrites: Best first.
        model: Model id that produced them, when known.
    """

    rewrites: tuple[str, ...]
    model: str | None = None
