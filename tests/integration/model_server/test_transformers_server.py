"""The model server process with the transformers engine on a tiny model built in the test."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc
import pytest

from searchlm.model.v1 import model_service_pb2 as pb
from searchlm.model.v1 import model_service_pb2_grpc as pb_grpc
from tests.integration.harness import ServerProcess, start_server

pytest.importorskip("transformers")
from tests.tiny_model import build_tiny_model

PREFIX = "SEARCHLM_MODEL_SERVER_"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    model_dir = build_tiny_model(tmp_path_factory.mktemp("tiny"))
    env = {
        f"{PREFIX}ENGINE": "transformers",
        f"{PREFIX}MODEL_PATH": str(model_dir),
        f"{PREFIX}DEVICE": "cpu",
        f"{PREFIX}THREADS": "1",
        f"{PREFIX}MAX_BATCH_SIZE": "8",
        f"{PREFIX}CONTEXT_LENGTH": "256",
    }
    proc = start_server("model_server", PREFIX, env)
    yield proc
    assert proc.stop() == 0


@pytest.fixture(scope="module")
def stub(server: ServerProcess) -> Iterator[pb_grpc.ModelServiceStub]:
    with grpc.insecure_channel(server.target) as channel:
        yield pb_grpc.ModelServiceStub(channel)


def _request(prompt: str, max_tokens: int = 10) -> pb.GenerateRequest:
    return pb.GenerateRequest(
        prompt=prompt, sampling=pb.SamplingParams(max_tokens=max_tokens, temperature=0.0)
    )


def test_info_reports_transformers_batching(stub: pb_grpc.ModelServiceStub, tmp_path: Path) -> None:
    info = stub.GetModelInfo(pb.GetModelInfoRequest(), timeout=10)
    assert (info.engine, info.max_batch_size, info.context_length, info.device) == (
        "transformers",
        8,
        256,
        "cpu",
    )


def test_concurrent_requests_equal_sequential_when_greedy(stub: pb_grpc.ModelServiceStub) -> None:
    prompts = [f"질문 {i}: 대한민국의 수도는" for i in range(12)]
    sequential = [stub.Generate(_request(p), timeout=60).completions[0].text for p in prompts]
    with ThreadPoolExecutor(12) as pool:
        concurrent = [
            r.completions[0].text for r in pool.map(lambda p: stub.Generate(_request(p), timeout=60), prompts)
        ]
    assert concurrent == sequential


def test_stream_and_score_and_count(stub: pb_grpc.ModelServiceStub) -> None:
    greedy = pb.SamplingParams(max_tokens=8, temperature=0.0)
    events = list(stub.GenerateStream(pb.GenerateStreamRequest(prompt="한글은", sampling=greedy), timeout=60))
    assert events[-1].HasField("final")
    # Random weights may emit invalid byte sequences, so only consistency is checked here;
    # Korean-safe streaming is covered by the detokenizer tests and the llama.cpp server.
    unary = (
        stub.Generate(pb.GenerateRequest(prompt="한글은", sampling=greedy), timeout=60).completions[0].text
    )
    assert "".join(e.delta.text for e in events[:-1]) == unary
    scores = stub.Score(
        pb.ScoreRequest(prompt="한글은", continuations=["세종", "서울 부산"]), timeout=30
    ).scores
    assert [s.index for s in scores] == [0, 1] and all(s.logprob < 0 for s in scores)
    assert stub.CountTokens(pb.CountTokensRequest(text="대한민국"), timeout=10).token_count > 0


def test_bad_input_named_on_transformers_engine(stub: pb_grpc.ModelServiceStub) -> None:
    with pytest.raises(grpc.RpcError) as info:
        stub.Generate(pb.GenerateRequest(prompt="가" * 2000), timeout=10)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT and info.value.details().startswith("prompt")
