"""GrpcLmClient against the real model server: deadlines, request ids, error mapping."""

from __future__ import annotations

import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest

from searchlm import context
from searchlm.errors import DeadlineExceededError, InvalidRequestError, UpstreamUnavailableError
from searchlm.lm import LmSampling
from searchlm.lm.grpc_client import GrpcLmClient
from tests.integration.harness import ServerProcess, start_server

pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed (pip install .[cpu])")

PREFIX = "SEARCHLM_MODEL_SERVER_"


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    proc = start_server("model_server", PREFIX, {f"{PREFIX}CONTEXT_LENGTH": "512"})
    yield proc
    proc.stop()


async def test_client_generate_stream_score_count(server: ServerProcess) -> None:
    client = GrpcLmClient(server.target)
    try:
        result = await client.generate("대한민국의 수도는", LmSampling(max_tokens=8, temperature=0.0, n=2))
        assert [c.index for c in result.completions] == [0, 1]
        assert result.completions[0].text == result.completions[1].text  # greedy
        assert result.model.startswith("gemma-3-270m")
        deltas = [
            d async for d in client.stream("대한민국의 수도는", LmSampling(max_tokens=8, temperature=0.0))
        ]
        assert deltas[-1].final is not None
        assert "".join(d.text for d in deltas[:-1]) == result.completions[0].text
        scores = await client.score("대한민국의 수도는", [" 서울", " 부산"])
        assert len(scores) == 2 and all(s.num_tokens > 0 for s in scores)
        assert await client.count_tokens("한국어") > 0
    finally:
        await client.close()


async def test_client_propagates_request_id_and_deadline(server: ServerProcess) -> None:
    client = GrpcLmClient(server.target)
    try:
        context.set_request("rid-from-service-7", timeout=0.2)
        with pytest.raises(DeadlineExceededError):
            await client.generate("긴 이야기를 써 줘:", LmSampling(max_tokens=500, temperature=1.0))
        context.set_request("rid-from-service-8", timeout=30)
        with pytest.raises(InvalidRequestError) as info:
            await client.generate("", LmSampling())
        assert info.value.field == "lm.prompt"
        assert "rid-from-service-8" in server.logs()
    finally:
        context.set_request("", None)
        await client.close()


async def test_client_maps_unreachable_server_to_unavailable() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = GrpcLmClient(f"127.0.0.1:{port}", default_timeout=5)
    try:
        with pytest.raises(UpstreamUnavailableError):
            await client.generate("안녕", LmSampling(max_tokens=2))
    finally:
        await client.close()


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "searchlm", *args], capture_output=True, text=True, timeout=120, check=False
    )


def test_cli_calls_the_model_server(server: ServerProcess) -> None:
    info = _cli("info", "--target", server.target)
    assert info.returncode == 0 and '"engine": "llamacpp"' in info.stdout
    generated = _cli("generate", "대한민국의 수도는", "--max-tokens", "4", "--target", server.target)
    assert generated.returncode == 0 and "tokens, ttft" in generated.stderr
    bad = _cli("generate", "", "--target", server.target)
    assert bad.returncode == 1 and "INVALID_ARGUMENT: prompt" in bad.stderr
