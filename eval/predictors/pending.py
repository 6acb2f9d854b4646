"""Extension points for predictions from live code: not available yet.

When a service lands, replace the body of the matching factory: for
``inprocess`` build its pipeline and wrap it in an object with an async
``predict(item)`` (see :mod:`eval.predictors.protocols`); for ``grpc`` wrap the
service's client (never its servicer) the same way. Tasks already call
predictors through :func:`eval.concurrency.bounded_map` with ``--concurrency``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from eval.data.null_query import NullQueryItem
from eval.data.summaries import SummaryItem
from eval.errors import PredictorUnavailableError
from eval.predictors import PredictorRequest
from eval.predictors.types import RewritePrediction, SummaryPrediction


class _RewritePredictor:
    """Wraps an async ``rewrite(query) -> list[str]`` as a ``RewritePredictor``."""

    def __init__(self, rewrite: Callable[[str], Awaitable[list[str]]]) -> None:
        self._rewrite = rewrite

    async def predict(self, item: NullQueryItem) -> RewritePrediction:
        return RewritePrediction(tuple(await self._rewrite(item.query)))


class _SummaryPredictor:
    """Wraps an async ``summarize(reviews) -> str`` as a ``SummaryPredictor``."""

    def __init__(self, summarize: Callable[[list[str]], Awaitable[str]]) -> None:
        self._summarize = summarize

    async def predict(self, item: SummaryItem) -> SummaryPrediction:
        return SummaryPrediction(await self._summarize(list(item.reviews)))


def build_inprocess_predictor(request: PredictorRequest) -> Any:
    """Source factory registered as ``inprocess`` (null_query: settings from SEARCHLM_NULL_QUERY_*)."""
    if request.kind == "rewrite":
        from services.null_query.offline import InProcessRewriter

        return _RewritePredictor(InProcessRewriter().rewrite)
    if request.kind == "qa":
        from services.free_qa.offline import InProcessAnswerer

        return InProcessAnswerer()
    if request.kind == "summary":
        from services.review_summary.offline import InProcessSummarizer

        return _SummaryPredictor(InProcessSummarizer().summarize)
    raise PredictorUnavailableError(
        f"not available yet: service {request.service} not implemented "
        f"(in-process source for {request.kind!r}; use --source file with --predictions)"
    )


def build_grpc_predictor(request: PredictorRequest) -> Any:
    """Source factory registered as ``grpc`` (null_query: its RewriteQuery at ``--target``)."""
    if request.kind == "rewrite" and request.target:
        from services.null_query.rewrite_client import NullQueryClient

        return _RewritePredictor(NullQueryClient(request.target).rewrite)
    if request.kind == "qa" and request.target:
        from services.free_qa.qa_client import FreeQaClient

        return FreeQaClient(request.target)
    if request.kind == "summary" and request.target:
        from services.review_summary.review_summary_client import ReviewSummaryClient

        return _SummaryPredictor(ReviewSummaryClient(request.target).summarize)
    target = request.target or "<no --target>"
    raise PredictorUnavailableError(
        f"not available yet: service {request.service} not implemented "
        f"(gRPC source at {target}; use --source file with --predictions)"
    )
