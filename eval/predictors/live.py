"""Predictions from live code: each service's offline adapter in process, or its gRPC client.

``inprocess`` builds the service's pipeline from its own settings
(``services.<service>.offline``, ``SEARCHLM_<SERVICE>_*``); ``grpc`` asks a running service
at ``--target`` through its client (never its servicer). Either is wrapped in an object
with an async ``predict(item)`` (see :mod:`eval.predictors.protocols`) that turns the
service's answer into eval's prediction type; services never import eval. Tasks call
predictors through :func:`eval.concurrency.bounded_map` with ``--concurrency``.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from eval.data.null_query import NullQueryItem
from eval.data.qa import QaItem
from eval.data.summaries import SummaryItem
from eval.errors import PredictorUnavailableError
from eval.predictors import PredictorRequest
from eval.predictors.types import QaPrediction, RewritePrediction, SummaryPrediction


class _Answer(Protocol):
    """What free_qa's offline adapter and client return (``services.free_qa.types.PlainAnswer``)."""

    @property
    def text(self) -> str | None: ...

    @property
    def retrieved_ids(self) -> tuple[str, ...]: ...

    @property
    def abstained(self) -> bool: ...


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


class _QaPredictor:
    """Wraps an async ``answer(question) -> PlainAnswer`` as a ``QaPredictor``."""

    def __init__(self, answer: Callable[[str], Awaitable[_Answer]]) -> None:
        self._answer = answer

    async def predict(self, item: QaItem) -> QaPrediction:
        got = await self._answer(item.question)
        return QaPrediction(
            answer=got.text,
            retrieved_ids=got.retrieved_ids,
            abstained=got.abstained,
            confidence=getattr(got, "confidence", None),
        )


def _rewrite_inprocess() -> Any:
    from services.null_query.offline import InProcessRewriter  # settings from SEARCHLM_NULL_QUERY_*

    return _RewritePredictor(InProcessRewriter().rewrite)


def _qa_inprocess() -> Any:
    from services.free_qa.offline import InProcessAnswerer  # settings from SEARCHLM_FREE_QA_*

    return _QaPredictor(InProcessAnswerer().answer)


def _summary_inprocess() -> Any:
    from services.review_summary.offline import InProcessSummarizer  # SEARCHLM_REVIEW_SUMMARY_*

    return _SummaryPredictor(InProcessSummarizer().summarize)


def _rewrite_grpc(target: str) -> Any:
    from services.null_query.null_query_client import NullQueryClient

    return _RewritePredictor(NullQueryClient(target).rewrite)


def _qa_grpc(target: str) -> Any:
    from services.free_qa.free_qa_client import FreeQaClient

    return _QaPredictor(FreeQaClient(target).answer)


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
