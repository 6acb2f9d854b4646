"""Property-based bad-input tests over ReviewSummaryService, against the real process.

The model server is unreachable (a closed port) and the NLI gate is the LM judge, so every
accepted request runs cleaning, PII masking, selection, prompt building and the extractive
fallback, flagged degraded, as it would in an outage. Every answer must be OK,
INVALID_ARGUMENT naming the field, or NOT_FOUND for an unknown product id; never INTERNAL or
UNKNOWN; and the process is still SERVING at the end.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

import grpc
import pytest
from grpc_health.v1 import health_pb2
from hypothesis import given, settings
from hypothesis import strategies as st

from searchlm.review_summary.v1 import review_summary_service_pb2 as pb
from searchlm.review_summary.v1 import review_summary_service_pb2_grpc as pb_grpc
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

PREFIX = "SEARCHLM_REVIEW_SUMMARY_"
METHOD = "/searchlm.review_summary.v1.ReviewSummaryService/SummarizeReviews"
MAX_MESSAGE_BYTES = 4 * 1024 * 1024
BATCH = 20
STORED = "demo-earbuds-01"

FIELDS = field_pattern(
    [r"reviews(?:\[\d+\]\.(?:id|text|rating))?", "product_id", "source", "language", "max_chars", "request"]
)
ALLOWED = (
    (grpc.StatusCode.NOT_FOUND, re.compile(r"^product_id: ")),
    (grpc.StatusCode.RESOURCE_EXHAUSTED, re.compile(r"larger than max")),
)
TALLY = Tally()


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    env = {
        f"{PREFIX}LM_TARGET": f"127.0.0.1:{closed_port()}",
        f"{PREFIX}LM_TIMEOUT_SECONDS": "0.3",
        f"{PREFIX}NLI_SCORER": "lm_judge",
        f"{PREFIX}MAX_ROUNDS": "1",
        f"{PREFIX}REVIEW_LIMIT": "40",
        f"{PREFIX}MAX_REVIEW_CHARS": "2000",
        f"{PREFIX}MAX_MESSAGE_BYTES": str(MAX_MESSAGE_BYTES),
        f"{PREFIX}JSON_LOGS": "true",
    }
    proc = start_server("services.review_summary", PREFIX, env)
    yield proc
    assert proc.stop() == 0, proc.logs()[-3000:]
    assert "Traceback" not in proc.logs(), proc.logs()[-3000:]


@pytest.fixture(scope="module")
def channel(server: ServerProcess) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(server.target) as chan:
        yield chan


def _review(text: st.SearchStrategy[str], rating: st.SearchStrategy[int]) -> st.SearchStrategy[pb.Review]:
    ids = st.one_of(st.sampled_from(["", "r1", "r2", "r1"]), hostile_text(max_size=20, huge=200))
    return st.builds(pb.Review, id=ids, text=text, rating=rating)


@st.composite
def summarize_request(draw: st.DrawFn) -> pb.SummarizeReviewsRequest:
    """Half hostile, a third product ids, a sixth acceptable inline reviews (an accepted
    request costs ~1 s of CPU: selection, Kiwi and e5 for the extractive fallback)."""
    kind = draw(st.sampled_from(["hostile", "hostile", "hostile", "product", "product", "acceptable"]))
    languages = st.sampled_from(["", "ko", "en", " KO "])
    common = {
        "max_chars": draw(st.sampled_from([0, 10, 80, 200]) if kind != "hostile" else SMALL_OR_ANY_INT32),
        "language": draw(
            languages if kind != "hostile" else languages | hostile_text(max_size=20, huge=50_000)
        ),
    }
    if kind == "product":
        product = draw(
            st.sampled_from([STORED, "", "  ", "no-such-product", "x"]) | hostile_text(huge=50_000)
        )
        return pb.SummarizeReviewsRequest(product_id=product, **common)
    if kind == "hostile":
        reviews = draw(st.lists(_review(hostile_text(huge=3000), SMALL_OR_ANY_INT32), max_size=45))
    else:
        reviews = draw(
            st.lists(_review(acceptable_text(min_size=2, max_size=120), st.integers(0, 5)), max_size=12)
        )
    if kind == "hostile" and draw(st.booleans()):
        return pb.SummarizeReviewsRequest(**common)  # no source at all
    return pb.SummarizeReviewsRequest(reviews=pb.ReviewList(reviews=reviews), **common)


def _check_all(requests: Sequence[object], errors: list[grpc.RpcError | None]) -> None:
    for request, error in zip(requests, errors, strict=True):
        TALLY.add(check_outcome(error, FIELDS, allowed=ALLOWED, request=request))


@settings(FUZZ, max_examples=45)
@given(requests=st.lists(summarize_request(), min_size=BATCH, max_size=BATCH))
def test_fuzz_summarize_reviews_never_internal(
    channel: grpc.Channel, requests: list[pb.SummarizeReviewsRequest]
) -> None:
    stub = pb_grpc.ReviewSummaryServiceStub(channel)
    _check_all(requests, send_all(lambda r: stub.SummarizeReviews(r, timeout=30), requests))


@settings(FUZZ, max_examples=25)
@given(
    id_=surrogate_text() | st.just(b"r1"),
    text=surrogate_text(),
    product=surrogate_text(),
    language=surrogate_text() | st.just(b"ko"),
    rating=st.integers(0, 2**64 - 1),
    garbage=st.binary(max_size=64),
)
def test_fuzz_invalid_utf8_and_raw_bytes_are_invalid_argument(
    channel: grpc.Channel,
    id_: bytes,
    text: bytes,
    product: bytes,
    language: bytes,
    rating: int,
    garbage: bytes,
) -> None:
    """Lone surrogates and broken UTF-8 in every string field, any varint as the rating, and
    random bytes as the whole request."""
    review = wire_bytes(1, id_) + wire_bytes(2, text) + wire_int(3, rating)
    inline = wire_bytes(1, wire_bytes(1, review)) + wire_bytes(4, language)
    stored = wire_bytes(2, product) + wire_int(3, rating)
    call = raw_call(channel, METHOD)
    bodies = [
        inline,
        stored,
        garbage,
        wire_bytes(1, wire_bytes(1, wire_bytes(2, "좋아요".encode()) + wire_int(3, rating))),
    ]
    _check_all(bodies, send_all(lambda b: call(b, timeout=30), bodies))


def test_oversized_message_is_resource_exhausted_and_server_keeps_serving(channel: grpc.Channel) -> None:
    stub = pb_grpc.ReviewSummaryServiceStub(channel)
    big = pb.SummarizeReviewsRequest(product_id="가" * (MAX_MESSAGE_BYTES // 3 + 10))
    with pytest.raises(grpc.RpcError) as info:
        stub.SummarizeReviews(big, timeout=20)
    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, info.value.details()
    assert stub.SummarizeReviews(pb.SummarizeReviewsRequest(product_id=STORED), timeout=30).summary


def test_server_still_serving_after_fuzzing(server: ServerProcess, channel: grpc.Channel) -> None:
    assert health_status(server.target) == health_pb2.HealthCheckResponse.SERVING
    reply = pb_grpc.ReviewSummaryServiceStub(channel).SummarizeReviews(
        pb.SummarizeReviewsRequest(product_id=STORED), timeout=30
    )
    assert reply.summary and reply.extractive_fallback and reply.degraded
    print(f"review_summary fuzz: {TALLY.cases} cases, codes {TALLY.codes}")
    assert TALLY.cases >= 1000 or TALLY.cases == 0  # 0 when run alone with -k
