"""gRPC face of the null_query service: convert, call the pipeline (which validates), convert."""

from __future__ import annotations

from collections.abc import Callable

import grpc

from searchlm.null_query.v1 import null_query_service_pb2 as pb
from searchlm.null_query.v1 import null_query_service_pb2_grpc as pb_grpc
from services.null_query import convert
from services.null_query.pipeline import NullQueryPipeline


class NullQueryServicer(pb_grpc.NullQueryServiceServicer):
    """Thin servicer; errors are mapped by the shared error interceptor.

    Args:
        pipeline: Returns the rewriting pipeline (loaded after the server binds, before SERVING).
        default_max_rewrites: Used when a request leaves max_rewrites at 0.
        max_batch: Most queries in one RewriteQueries call.
        batch_concurrency: Queries of a batch worked on at once.
    """

    def __init__(
        self,
        pipeline: Callable[[], NullQueryPipeline],
        *,
        default_max_rewrites: int,
        max_batch: int,
        batch_concurrency: int,
    ) -> None:
        self._pipeline = pipeline
        self._default = default_max_rewrites
        self._max_batch = max_batch
        self._concurrency = batch_concurrency

    async def RewriteQuery(
        self, request: pb.RewriteQueryRequest, context: grpc.aio.ServicerContext
    ) -> pb.RewriteQueryResponse:
        """One query."""
        result = await self._pipeline().run(convert.to_request(request, default_max_rewrites=self._default))
        return convert.to_response(result)

    async def RewriteQueries(
        self, request: pb.RewriteQueriesRequest, context: grpc.aio.ServicerContext
    ) -> pb.RewriteQueriesResponse:
        """A batch; an invalid item fails the whole call, naming it (requests[i].field)."""
        requests = convert.to_requests(request, default_max_rewrites=self._default, max_batch=self._max_batch)
        results = await self._pipeline().run_batch(requests, concurrency=self._concurrency)
        return convert.to_batch_response(results)
