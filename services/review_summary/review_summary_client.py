"""A small gRPC client of ReviewSummaryService for offline callers (eval, scripts)."""

from __future__ import annotations

from collections.abc import Sequence

import grpc

from searchlm.review_summary.v1 import review_summary_service_pb2 as pb
from searchlm.review_summary.v1 import review_summary_service_pb2_grpc as pb_grpc
from searchlm.serving.settings import DEFAULT_MAX_MESSAGE_BYTES, message_size_options
from services.review_summary import convert
from services.review_summary.offline import as_reviews, guess_language
from services.review_summary.types import SummaryRequest


class ReviewSummaryClient:
    """Calls SummarizeReviews; the channel opens on first use (inside the caller's event loop).

    Args:
        target: host:port of the service.
        timeout: Deadline per call, seconds.
        max_message_bytes: Largest message sent or received (larger: RESOURCE_EXHAUSTED).
    """

    def __init__(
        self, target: str, *, timeout: float = 120.0, max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES
    ) -> None:
        self._target = target
        self._options = message_size_options(max_message_bytes)
        self._timeout = timeout
        self._stub: pb_grpc.ReviewSummaryServiceStub | None = None

    async def call(self, request: SummaryRequest) -> pb.SummarizeReviewsResponse:
        """The full response of one request."""
        if self._stub is None:
            self._stub = pb_grpc.ReviewSummaryServiceStub(
                grpc.aio.insecure_channel(self._target, options=self._options)
            )
        response: pb.SummarizeReviewsResponse = await self._stub.SummarizeReviews(
            convert.to_message(request), timeout=self._timeout
        )
        return response

    async def summarize(self, texts: Sequence[str]) -> str:
        """The served summary of review texts (language guessed from the texts)."""
        request = SummaryRequest(reviews=as_reviews(texts), language=guess_language(texts))
        return (await self.call(request)).summary
