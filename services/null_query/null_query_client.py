"""A small gRPC client of NullQueryService for offline callers (eval, scripts)."""

from __future__ import annotations

import grpc

from searchlm.null_query.v1 import null_query_service_pb2 as pb
from searchlm.null_query.v1 import null_query_service_pb2_grpc as pb_grpc
from searchlm.serving.settings import DEFAULT_MAX_MESSAGE_BYTES, message_size_options


class NullQueryClient:
    """Calls RewriteQuery; the channel opens on first use (inside the caller's event loop).

    Args:
        target: host:port of the service.
        timeout: Deadline per call, seconds.
        max_rewrites: Rewrites asked for (0: server default).
        max_message_bytes: Largest message sent or received (larger: RESOURCE_EXHAUSTED).
    """

    def __init__(
        self,
        target: str,
        *,
        timeout: float = 10.0,
        max_rewrites: int = 0,
        max_message_bytes: int = DEFAULT_MAX_MESSAGE_BYTES,
    ) -> None:
        self._target = target
        self._options = message_size_options(max_message_bytes)
        self._timeout = timeout
        self._max_rewrites = max_rewrites
        self._stub: pb_grpc.NullQueryServiceStub | None = None

    async def rewrite(self, query: str) -> list[str]:
        """Ranked rewrites of `query` (empty: it has results or nothing verified)."""
        if self._stub is None:
            self._stub = pb_grpc.NullQueryServiceStub(
                grpc.aio.insecure_channel(self._target, options=self._options)
            )
        request = pb.RewriteQueryRequest(query=query, max_rewrites=self._max_rewrites)
        response = await self._stub.RewriteQuery(request, timeout=self._timeout)
        return [r.query for r in response.rewrites]
