"""The real null_query process over gRPC, with the real model server and the embedded index."""

from __future__ import annotations

import time
from collections.abc import Iterator

import grpc
import pytest

from searchlm.null_query.v1 import null_query_service_pb2 as pb
from searchlm.null_query.v1 import null_query_service_pb2_grpc as pb_grpc
from tests.integration.harness import ServerProcess, start_server

# One thread: llama.cpp with two threads slows down ~50x when the other core is busy.
MODEL_ENV = {"SEARCHLM_MODEL_SERVER_THREADS": "1", "SEARCHLM_MODEL_SERVER_CONTEXT_LENGTH": "1024"}
SERVICE_ENV = {"SEARCHLM_NULL_QUERY_LM_MAX_TOKENS": "8", "SEARCHLM_NULL_QUERY_LM_CANDIDATES": "2"}


@pytest.fixture(scope="module")
def model_server() -> Iterator[ServerProcess]:
    server = start_server("model_server", "SEARCHLM_MODEL_SERVER_", MODEL_ENV)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def stub(model_server: ServerProcess) -> Iterator[pb_grpc.NullQueryServiceStub]:
    env = {**SERVICE_ENV, "SEARCHLM_NULL_QUERY_LM_TARGET": model_server.target}
    server = start_server("services.null_query", "SEARCHLM_NULL_QUERY_", env)
    with grpc.insecure_channel(server.target) as channel:
        yield pb_grpc.NullQueryServiceStub(channel)
    assert server.stop() == 0, server.logs()


def test_split_jamo_query_is_rewritten_and_verified(stub: pb_grpc.NullQueryServiceStub) -> None:
    reply = stub.RewriteQuery(pb.RewriteQueryRequest(query="ㅅㅏㅁ성 갤럭시", max_rewrites=3), timeout=10)
    assert reply.is_null and not reply.has_results and reply.original_hit_count == 0
    assert reply.rewrites[0].query == "삼성 갤럭시"
    assert reply.rewrites[0].type == pb.REWRITE_TYPE_JAMO
    assert all(r.hit_count > 0 for r in reply.rewrites)
    assert len(reply.rewrites) <= 3


def test_query_with_results_is_not_rewritten(stub: pb_grpc.NullQueryServiceStub) -> None:
    reply = stub.RewriteQuery(pb.RewriteQueryRequest(query="아이폰 케이스"), timeout=10)
    assert reply.has_results and not reply.is_null and reply.original_hit_count > 0
    assert list(reply.rewrites) == []


def test_keyboard_layout_query_within_a_short_deadline(stub: pb_grpc.NullQueryServiceStub) -> None:
    started = time.monotonic()
    reply = stub.RewriteQuery(pb.RewriteQueryRequest(query="tkatjd roffjrtl"), timeout=0.5)
    assert time.monotonic() - started < 0.5
    assert reply.rewrites[0].query == "삼성 갤럭시"


def test_invalid_request_names_the_field(stub: pb_grpc.NullQueryServiceStub) -> None:
    with pytest.raises(grpc.RpcError) as info:
        stub.RewriteQuery(pb.RewriteQueryRequest(query="삼성", max_rewrites=11), timeout=5)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert info.value.details().startswith("max_rewrites")


def test_batch_answers_in_order(stub: pb_grpc.NullQueryServiceStub) -> None:
    requests = [pb.RewriteQueryRequest(query=q) for q in ("dkdlvhs 15", "아이폰 케이스", "삼성갤럭시")]
    reply = stub.RewriteQueries(pb.RewriteQueriesRequest(requests=requests), timeout=20)
    assert [r.is_null for r in reply.responses] == [True, False, True]
    assert reply.responses[0].rewrites[0].query == "아이폰 15"
    assert reply.responses[2].rewrites[0].query == "삼성 갤럭시"


def test_model_server_down_degrades_to_rules() -> None:
    env = {"SEARCHLM_NULL_QUERY_LM_TARGET": "127.0.0.1:1", "SEARCHLM_NULL_QUERY_TYPO_MODEL": ""}
    server = start_server("services.null_query", "SEARCHLM_NULL_QUERY_", env)
    try:
        with grpc.insecure_channel(server.target) as channel:
            stub = pb_grpc.NullQueryServiceStub(channel)
            reply = stub.RewriteQuery(pb.RewriteQueryRequest(query="ㅅㅏㅁ성 갤럭시"), timeout=3)
            assert reply.degraded and reply.flags
            assert reply.rewrites[0].query == "삼성 갤럭시"
            with pytest.raises(grpc.RpcError) as info:
                stub.RewriteQuery(pb.RewriteQueryRequest(query="완전히 엉뚱한 말"), timeout=3)
            assert info.value.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)
    finally:
        server.stop()
