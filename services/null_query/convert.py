"""All protobuf <-> domain conversion of the null_query service."""

from __future__ import annotations

from searchlm.errors import InvalidRequestError
from searchlm.null_query.v1 import null_query_service_pb2 as pb
from services.null_query.types import RewriteRequest, RewriteResult, RewriteType

_TYPES = {
    RewriteType.SPACING: pb.REWRITE_TYPE_SPACING,
    RewriteType.JAMO: pb.REWRITE_TYPE_JAMO,
    RewriteType.KEYBOARD: pb.REWRITE_TYPE_KEYBOARD,
    RewriteType.TYPO: pb.REWRITE_TYPE_TYPO,
    RewriteType.CONTEXT: pb.REWRITE_TYPE_CONTEXT,
    RewriteType.LM: pb.REWRITE_TYPE_LM,
}


def to_request(message: pb.RewriteQueryRequest, *, default_max_rewrites: int) -> RewriteRequest:
    """Domain request; max_rewrites 0 (unset in proto3) means the server default.

    Click titles are kept one for one, empty ones too, so a validation error's index
    (``previous_clicks[3].title``) points at the caller's own list.
    """
    return RewriteRequest(
        query=message.query,
        previous_queries=tuple(message.previous_queries),
        clicked_titles=tuple(c.title for c in message.previous_clicks),
        max_rewrites=message.max_rewrites or default_max_rewrites,
    )


def to_requests(
    message: pb.RewriteQueriesRequest, *, default_max_rewrites: int, max_batch: int
) -> list[RewriteRequest]:
    """Domain requests of a batch."""
    if not message.requests:
        raise InvalidRequestError("requests", "must not be empty")
    if len(message.requests) > max_batch:
        raise InvalidRequestError("requests", f"at most {max_batch} items, got {len(message.requests)}")
    return [to_request(r, default_max_rewrites=default_max_rewrites) for r in message.requests]


def to_response(result: RewriteResult) -> pb.RewriteQueryResponse:
    """Protobuf response of one result."""
    return pb.RewriteQueryResponse(
        original_hit_count=result.hits,
        has_results=not result.is_null,
        is_null=result.is_null,
        degraded=result.degraded,
        flags=list(result.flags),
        rewrites=[
            pb.Rewrite(
                query=r.text,
                source=pb.REWRITE_SOURCE_LM if r.type is RewriteType.LM else pb.REWRITE_SOURCE_RULE,
                kind=r.type.value,
                type=_TYPES[r.type],
                hit_count=r.hits,
                score=r.score,
            )
            for r in result.rewrites
        ],
    )


def to_batch_response(results: list[RewriteResult]) -> pb.RewriteQueriesResponse:
    """Protobuf response of a batch."""
    return pb.RewriteQueriesResponse(responses=[to_response(r) for r in results])
