"""gRPC face of the review_summary service: convert, call the pipeline (which validates), convert."""

from __future__ import annotations

from collections.abc import Callable

import grpc

from searchlm.review_summary.v1 import review_summary_service_pb2 as pb
from searchlm.review_summary.v1 import review_summary_service_pb2_grpc as pb_grpc
from services.review_summary import convert
from services.review_summary.pipeline import ReviewSummaryPipeline


class ReviewSummaryServicer(pb_grpc.ReviewSummaryServiceServicer):
    """Thin servicer; errors are mapped by the shared error interceptor.

    Args:
        pipeline: Returns the summary pipeline (loaded after the server binds, before SERVING).
    """

    def __init__(self, pipeline: Callable[[], ReviewSummaryPipeline]) -> None:
        self._pipeline = pipeline

    async def SummarizeReviews(
        self, request: pb.SummarizeReviewsRequest, context: grpc.aio.ServicerContext
    ) -> pb.SummarizeReviewsResponse:
        """One summary of inline or stored reviews."""
        result = await self._pipeline().run(convert.to_request(request))
        return convert.to_response(result)
