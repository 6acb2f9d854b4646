"""One small predictor protocol per task.

The ``file`` source implements all three; the live sources (in-process pipelines and
gRPC clients, :mod:`eval.predictors.live`) implement the one of their service. They are
async so that remote sources can run many calls under :func:`eval.concurrency.bounded_map`.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from eval.data.null_query import NullQueryItem
from eval.data.qa import QaItem
from eval.data.summaries import SummaryItem
from eval.predictors.types import QaPrediction, RewritePrediction, SummaryPrediction


@runtime_checkable
class SummaryPredictor(Protocol):
    """Summarises the reviews of one item (review_summary service)."""

    async def predict(self, item: SummaryItem) -> SummaryPrediction:
        """Return the summary for ``item``."""
        ...


@runtime_checkable
class QaPredictor(Protocol):
    """Answers one question (free_qa service)."""

    async def predict(self, item: QaItem) -> QaPrediction:
        """Return the answer for ``item``."""
        ...


@runtime_checkable
class RewritePredictor(Protocol):
    """Proposes rewrites for one query (null_query service)."""

    async def predict(self, item: NullQueryItem) -> RewritePrediction:
        """Return ranked rewrites for ``item``."""
        ...
