"""Property-based bad-input tests over every NullQueryService RPC, against the real process.

The model server is unreachable (a closed port), so every null query runs the LM stage's
prompt building and then degrades to rules, as it would in an outage. Every answer must be OK,
INVALID_ARGUMENT naming the field, or the documented degraded outcome (UNAVAILABLE / DEADLINE_
EXCEEDED when neither rules nor the LM produced a rewrite); never INTERNAL or UNKNOWN; and the
process is still SERVING at the end.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import grpc
import pytest
from grpc_health.v1 import health_pb2
from hypothesis import given, settings
from hypothesis import strategies as st

from searchlm.null_query.v1 import null_query_service_pb2 as pb
from searchlm.null_query.v1 import null_query_service_pb2_grpc as pb_grpc
from tests.integration.fuzz import (
    FUZZ,
    SMALL_OR_ANY_INT32,
    Tally,
    acceptable_text,
    check_outcome,
    field_pattern,
    hostile_text,
    raw_call,
    send_all,
    surrogate_text,
    wire_bytes,
    wire_int,
)
from tests.integration.harness import ServerProcess, closed_port, health_status, start_server

PREFIX = "SEARCHLM_NULL_QUERY_"
SERVICE = "/searchlm.null_query.v1.NullQueryService/"
MAX_MESSAGE_BYTES = 2 * 1024 * 1024
BATCH = 25  # requests sent at once per hypothesis example

_ITEM = r"(?:query|previous_queries(?:\[\d+\])?|previous_clicks(?:\[\d+\]\.title)?|max_rewrites)"
FIELDS = field_pattern([_ITEM, rf"requests\[\d+\]\.{_ITEM}", "requests", "request"])
DEGRADED = (
    (grpc.StatusCode.UNAVAILABLE, re.compile(r"no verified rewrite from rules, and the LM is unavailable")),
    (grpc.StatusCode.DEADLINE_EXCEEDED, re.compile(r"no verified rewrite before the deadline")),
    (grpc.StatusCode.RESOURCE_EXHAUSTED, re.compile(r"larger than max")),
)
TALLY = Tally()


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    env = {
        f"{PREFIX}LM_TARGET": f"127.0.0.1:{closed_port()}",
        f"{PREFIX}MAX_BATCH": "16",
        # An outage answers within this; a short wait keeps a thousand cases inside a minute.
        f"{PREFIX}LM_TIMEOUT_SECONDS": "0.3",
        f"{PREFIX}MAX_MESSAGE_BYTES": str(MAX_MESSAGE_BYTES),
        f"{PREFIX}JSON_LOGS": "true",
    }
    proc = start_server("services.null_query", PREFIX, env)
    yield proc
    assert proc.stop() == 0, proc.logs()[-3000:]
    assert "Traceback" not in proc.logs(), proc.logs()[-3000:]


@pytest.fixture(scope="module")
def channel(server: ServerProcess) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(server.target) as chan:
        yield chan


@st.composite
def rewrite_request(draw: st.DrawFn, *, huge: int = 100_000) -> pb.RewriteQueryRequest:
    """Half hostile (most get rejected, naming a field), half acceptable (reach the pipeline)."""
    if draw(st.booleans()):
        small, text, count, number = (
            hostile_text(max_size=80, huge=300),
            hostile_text(huge=huge),
            24,
            SMALL_OR_ANY_INT32,
        )
    else:
        small, text, count, number = acceptable_text(), acceptable_text(min_size=1), 5, st.integers(0, 10)
    clicks = st.builds(pb.PreviousClick, doc_id=small, title=small)
    return pb.RewriteQueryRequest(
        query=draw(text),
        previous_queries=draw(st.lists(small, max_size=count)),
        previous_clicks=draw(st.lists(clicks, max_size=count)),
        max_rewrites=draw(number),
    )


def _check_all(requests: Sequence[object], errors: list[grpc.RpcError | None]) -> None:
    for request, error in zip(requests, errors, strict=True):
        TALLY.add(check_outcome(error, FIELDS, allowed=DEGRADED, request=request))


@settings(FUZZ, max_examples=32)
@given(requests=st.lists(rewrite_request(), min_size=BATCH, max_size=BATCH))
def test_fuzz_rewrite_query_never_internal(
    channel: grpc.Channel, requests: list[pb.RewriteQueryRequest]
) -> None:
    stub = pb_grpc.NullQueryServiceStub(channel)
    _check_all(requests, send_all(lambda r: stub.RewriteQuery(r, timeout=20), requests))


@settings(FUZZ, max_examples=10)
@given(
    batches=st.lists(
        st.builds(pb.RewriteQueriesRequest, requests=st.lists(rewrite_request(huge=2000), max_size=18)),
        min_size=8,
        max_size=8,
    )
)
def test_fuzz_rewrite_queries_never_internal(
    channel: grpc.Channel, batches: list[pb.RewriteQueriesRequest]
) -> None:
    stub = pb_grpc.NullQueryServiceStub(channel)
    _check_all(batches, send_all(lambda r: stub.RewriteQueries(r, timeout=30), batches))


@settings(FUZZ, max_examples=30)
@given(
    fields=st.lists(
        st.tuples(st.sampled_from([1, 2, 3]), surrogate_text())
        | st.tuples(st.just(4), st.binary(max_size=12)),
        min_size=1,
        max_size=4,
    ),
    garbage=st.binary(max_size=64),
)
def test_fuzz_invalid_utf8_and_raw_bytes_are_invalid_argument(
    channel: grpc.Channel, fields: list[tuple[int, bytes]], garbage: bytes
) -> None:
    """Lone surrogates and broken UTF-8 (which the protobuf client refuses to encode) in every
    string field, and random bytes as the whole request."""

    def encode(number: int, payload: bytes) -> bytes:
        if number == 3:  # previous_clicks: the string is the click's title
            return wire_bytes(3, wire_bytes(2, payload))
        return (
            wire_bytes(number, payload) if number != 4 else wire_int(4, int.from_bytes(payload[:4] or b"\1"))
        )

    message = b"".join(encode(n, p) for n, p in fields)
    batch = wire_bytes(1, message)
    calls = [
        (raw_call(channel, SERVICE + "RewriteQuery"), message),
        (raw_call(channel, SERVICE + "RewriteQuery"), garbage),
        (raw_call(channel, SERVICE + "RewriteQueries"), batch),
        (raw_call(channel, SERVICE + "RewriteQueries"), garbage),
    ]
    _check_all(calls, send_all(lambda c: c[0](c[1], timeout=20), calls))  # type: ignore[index,operator]


def test_oversized_message_is_resource_exhausted_and_server_keeps_serving(channel: grpc.Channel) -> None:
    stub = pb_grpc.NullQueryServiceStub(channel)
    big = pb.RewriteQueryRequest(query="가" * (MAX_MESSAGE_BYTES // 3 + 10))
    with pytest.raises(grpc.RpcError) as info:
        stub.RewriteQuery(big, timeout=20)
    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, info.value.details()
    assert stub.RewriteQuery(pb.RewriteQueryRequest(query="아이폰 케이스"), timeout=10).has_results


def test_server_still_serving_after_fuzzing(server: ServerProcess, channel: grpc.Channel) -> None:
    assert health_status(server.target) == health_pb2.HealthCheckResponse.SERVING
    reply = pb_grpc.NullQueryServiceStub(channel).RewriteQuery(
        pb.RewriteQueryRequest(query="ㅅㅏㅁ성 갤럭시"), timeout=10
    )
    assert reply.rewrites[0].query == "삼성 갤럭시"
    print(f"null_query fuzz: {TALLY.cases} cases, codes {TALLY.codes}")
    assert TALLY.cases >= 1000 or TALLY.cases == 0  # 0 when run alone with -k
