"""mTLS and bearer-token authentication on a real server process, certificates made here."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from searchlm.errors import UpstreamUnavailableError
from searchlm.lm import LmSampling
from searchlm.lm.grpc_client import GrpcLmClient
from searchlm.model.v1 import model_service_pb2 as pb
from searchlm.model.v1 import model_service_pb2_grpc as pb_grpc
from tests.integration.harness import ServerProcess, health_status, start_server

pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed (pip install .[cpu])")

PREFIX = "SEARCHLM_MODEL_SERVER_"
TOKEN = "s3cret-token-for-tests"


def _openssl(*args: str) -> None:
    subprocess.run(["openssl", *args], check=True, capture_output=True)


def _make_certs(d: Path) -> dict[str, Path]:
    """A CA, a server certificate for 127.0.0.1/localhost and a client certificate."""
    _openssl(
        "req",
        "-x509",
        "-newkey",
        "rsa:2048",
        "-nodes",
        "-days",
        "1",
        "-subj",
        "/CN=searchlm-test-ca",
        "-keyout",
        str(d / "ca.key"),
        "-out",
        str(d / "ca.pem"),
    )
    (d / "san.cnf").write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\n")
    for name in ("server", "client"):
        _openssl(
            "req",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-subj",
            f"/CN={name}",
            "-keyout",
            str(d / f"{name}.key"),
            "-out",
            str(d / f"{name}.csr"),
        )
        _openssl(
            "x509",
            "-req",
            "-in",
            str(d / f"{name}.csr"),
            "-CA",
            str(d / "ca.pem"),
            "-CAkey",
            str(d / "ca.key"),
            "-CAcreateserial",
            "-days",
            "1",
            "-extfile",
            str(d / "san.cnf"),
            "-out",
            str(d / f"{name}.pem"),
        )
    return {p.stem + p.suffix.replace(".", "_"): p for p in d.iterdir()}


def _creds(d: Path, *, client_cert: bool = True) -> grpc.ChannelCredentials:
    key = (d / "client.key").read_bytes() if client_cert else None
    chain = (d / "client.pem").read_bytes() if client_cert else None
    return grpc.ssl_channel_credentials((d / "ca.pem").read_bytes(), key, chain)


@pytest.fixture(scope="module")
def certs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("certs")
    _make_certs(d)
    return d


@pytest.fixture(scope="module")
def server(certs: Path) -> Iterator[ServerProcess]:
    env = {
        f"{PREFIX}CONTEXT_LENGTH": "256",
        f"{PREFIX}TLS_CERT": str(certs / "server.pem"),
        f"{PREFIX}TLS_KEY": str(certs / "server.key"),
        f"{PREFIX}TLS_CLIENT_CA": str(certs / "ca.pem"),
        f"{PREFIX}AUTH_TOKENS": f"null_query:{TOKEN},free_qa:other-token",
    }
    proc = start_server("model_server", PREFIX, env, credentials=_creds(certs))
    yield proc
    proc.stop()


def _generate(target: str, creds: grpc.ChannelCredentials | None, token: str | None) -> pb.GenerateResponse:
    channel = grpc.secure_channel(target, creds) if creds else grpc.insecure_channel(target)
    metadata = (("authorization", f"Bearer {token}"),) if token else ()
    with channel:
        request = pb.GenerateRequest(prompt="안녕", sampling=pb.SamplingParams(max_tokens=2))
        return pb_grpc.ModelServiceStub(channel).Generate(request, timeout=30, metadata=metadata)


def test_mtls_client_with_token_is_served(server: ServerProcess, certs: Path) -> None:
    assert _generate(server.target, _creds(certs), TOKEN).completions


@pytest.mark.parametrize("token", [None, "wrong-token"])
def test_missing_or_wrong_token_is_unauthenticated(
    server: ServerProcess, certs: Path, token: str | None
) -> None:
    with pytest.raises(grpc.RpcError) as info:
        _generate(server.target, _creds(certs), token)
    assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED


def test_client_without_certificate_or_plaintext_is_refused(server: ServerProcess, certs: Path) -> None:
    for creds in (_creds(certs, client_cert=False), None):
        with pytest.raises(grpc.RpcError) as info:
            _generate(server.target, creds, TOKEN)
        assert info.value.code() == grpc.StatusCode.UNAVAILABLE


def test_health_needs_no_token(server: ServerProcess, certs: Path) -> None:
    assert health_status(server.target, credentials=_creds(certs)) == 1


async def test_lm_client_sends_token_over_mtls(server: ServerProcess, certs: Path) -> None:
    client = GrpcLmClient(server.target, credentials=_creds(certs), token=TOKEN)
    try:
        assert (await client.generate("안녕", LmSampling(max_tokens=2))).completions
    finally:
        await client.close()
    anonymous = GrpcLmClient(server.target, credentials=_creds(certs), default_timeout=10)
    try:
        with pytest.raises(UpstreamUnavailableError, match="UNAUTHENTICATED"):
            await anonymous.generate("안녕", LmSampling(max_tokens=2))
    finally:
        await anonymous.close()


def test_rate_limit_is_per_client() -> None:
    env = {
        f"{PREFIX}CONTEXT_LENGTH": "256",
        f"{PREFIX}RATE_LIMIT_PER_CLIENT": "0.01",
        f"{PREFIX}RATE_LIMIT_BURST": "2",
    }
    proc = start_server("model_server", PREFIX, env)
    try:
        with grpc.insecure_channel(proc.target) as channel:
            stub = pb_grpc.ModelServiceStub(channel)
            request = pb.CountTokensRequest(text="안녕")

            def call(client: str) -> str:
                try:
                    stub.CountTokens(request, timeout=10, metadata=(("x-client-id", client),))
                    return "OK"
                except grpc.RpcError as exc:
                    return exc.code().name

            assert [call("greedy") for _ in range(4)] == [
                "OK",
                "OK",
                "RESOURCE_EXHAUSTED",
                "RESOURCE_EXHAUSTED",
            ]
            assert call("polite") == "OK"
    finally:
        proc.stop()
