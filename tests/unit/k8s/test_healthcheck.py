"""`python -m searchlm.serving.healthcheck` against an in-process gRPC health server."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent import futures

import grpc
import pytest
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from searchlm.serving import healthcheck


@pytest.fixture
def health_server() -> Iterator[tuple[int, health.HealthServicer]]:
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    servicer = health.HealthServicer()
    health_pb2_grpc.add_HealthServicer_to_server(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    yield port, servicer
    server.stop(None)


def test_exit_zero_when_serving(health_server: tuple[int, health.HealthServicer]) -> None:
    port, servicer = health_server
    servicer.set("", health_pb2.HealthCheckResponse.SERVING)
    assert healthcheck.main(["--address", f"127.0.0.1:{port}"]) == 0


def test_exit_one_when_not_serving(health_server: tuple[int, health.HealthServicer]) -> None:
    port, servicer = health_server
    servicer.set("", health_pb2.HealthCheckResponse.NOT_SERVING)
    assert healthcheck.main(["--address", f"127.0.0.1:{port}"]) == 1


def test_exit_one_for_unknown_service(health_server: tuple[int, health.HealthServicer]) -> None:
    port, _ = health_server
    assert healthcheck.main(["--address", f"127.0.0.1:{port}", "--service", "nope"]) == 1


def test_exit_one_when_unreachable(health_server: tuple[int, health.HealthServicer]) -> None:
    port, _ = health_server
    assert (
        healthcheck.main(["--address", f"127.0.0.1:{port + 1 if port < 65535 else 1}", "--timeout", "0.5"])
        == 1
    )


def test_exit_two_for_cert_without_key() -> None:
    assert healthcheck.main(["--tls-ca", "ca.pem", "--tls-cert", "c.pem"]) == 2
