"""Start real server processes on free ports and wait until they are SERVING."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class ServerProcess:
    """A server subprocess with its ports and log file."""

    process: subprocess.Popen[bytes]
    grpc_port: int
    metrics_port: int
    log_path: Path
    workdir: Path = field(default_factory=Path)

    @property
    def target(self) -> str:
        """gRPC target of the server."""
        return f"127.0.0.1:{self.grpc_port}"

    def logs(self) -> str:
        """Everything the process logged so far."""
        return self.log_path.read_text(errors="replace")

    def stop(self, timeout: float = 30) -> int:
        """SIGTERM, then wait; returns the exit code."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return int(self.process.returncode)


def health_status(
    target: str, service: str = "", credentials: grpc.ChannelCredentials | None = None
) -> int | None:
    """Health status of a service, or None when unreachable."""
    channel = grpc.secure_channel(target, credentials) if credentials else grpc.insecure_channel(target)
    with channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(
                health_pb2.HealthCheckRequest(service=service), timeout=2
            )
        except grpc.RpcError:
            return None
    return int(reply.status)


def start_server(
    module: str,
    env_prefix: str,
    env: dict[str, str],
    *,
    timeout: float = 180,
    credentials: grpc.ChannelCredentials | None = None,
) -> ServerProcess:
    """Starts `python -m module` on free ports and waits for SERVING.

    Raises:
        RuntimeError: with the process log, when it exits or does not become ready.
    """
    workdir = Path(tempfile.mkdtemp(prefix=f"{module.replace('.', '_')}-"))
    port_file = workdir / "ports.json"
    log_path = workdir / "server.log"
    full_env = {
        **os.environ,
        f"{env_prefix}PORT": "0",
        f"{env_prefix}METRICS_PORT": "0",
        f"{env_prefix}PORT_FILE": str(port_file),
        f"{env_prefix}GRACE_SECONDS": "10",
        **env,
    }
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", module], cwd=ROOT, env=full_env, stdout=log, stderr=subprocess.STDOUT
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{module} exited with {process.returncode}:\n{log_path.read_text()}")
        if port_file.exists():
            ports = json.loads(port_file.read_text())
            server = ServerProcess(process, ports["grpc_port"], ports["metrics_port"], log_path, workdir)
            if (
                health_status(server.target, credentials=credentials)
                == health_pb2.HealthCheckResponse.SERVING
            ):
                return server
        time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"{module} not serving after {timeout} s:\n{log_path.read_text()}")


def closed_port() -> int:
    """A loopback port nothing listens on (an unreachable dependency)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
