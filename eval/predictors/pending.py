"""Predictions from live code: the services' pipelines in process, or their gRPC clients.

For ``inprocess`` each service builds its pipeline from its own settings and is
wrapped in an object with an async ``predict(item)`` (see
:mod:`eval.predictors.protocols`); for ``grpc`` the service's client (never its
servicer) is wrapped the same way. Tasks call predictors through
:func:`eval.concurrency.bounded_map` with ``--concurrency``.
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


def _rewrite_inprocess() -> Any:
    from services.null_query.offline import InProcessRewriter  # settings from SEARCHLM_NULL_QUERY_*

    return _RewritePredictor(InProcessRewriter().rewrite)


def _qa_inprocess() -> Any:
    from services.free_qa.offline import InProcessAnswerer  # settings from SEARCHLM_FREE_QA_*

    return InProcessAnswerer()


def _summary_inprocess() -> Any:
    from services.review_summary.offline import InProcessSummarizer  # SEARCHLM_REVIEW_SUMMARY_*

    return _SummaryPredictor(InProcessSummarizer().summarize)


def _rewrite_grpc(target: str) -> Any:
    from services.null_query.null_query_client import NullQueryClient

    return _RewritePredictor(NullQueryClient(target).rewrite)


def _qa_grpc(target: str) -> Any:
    from services.free_qa.qa_client import FreeQaClient

    return FreeQaClient(target)


def _summary_grpc(target: str) -> Any:
    from services.review_summary.review_summary_client import ReviewSummaryClient

    return _SummaryPredictor(ReviewSummaryClient(target).summarize)


# Prediction kind -> factory; the service modules are imported only when chosen.
INPROCESS: dict[str, Callable[[], Any]] = {
    "rewrite": _rewrite_inprocess,
    "qa": _qa_inprocess,
    "summary": _summary_inprocess,
}
GRPC: dict[str, Callable[[str], Any]] = {"rewrite": _rewrite_grpc, "qa": _qa_grpc, "summary": _summary_grpc}


def build_inprocess_predictor(request: PredictorRequest) -> Any:
    """Source factory registered as ``inprocess``: the service's pipeline in this process."""
    factory = INPROCESS.get(request.kind)
    if factory is None:
        raise PredictorUnavailableError(
            f"no in-process source for {request.kind!r} (service {request.service}); "
            "use --source file with --predictions"
        )
    return factory()


def build_grpc_predictor(request: PredictorRequest) -> Any:
    """Source factory registered as ``grpc``: the service's client at ``--target``."""
    if not request.target:
        raise PredictorUnavailableError(f"the grpc source needs --target host:port of {request.service}")
    factory = GRPC.get(request.kind)
    if factory is None:
        raise PredictorUnavailableError(f"no gRPC source for {request.kind!r} (service {request.service})")
    return factory(request.target)
