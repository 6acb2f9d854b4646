"""`python -m searchlm.suite` (what `make run` starts): the whole suite on localhost.

Starts the model server, then every service that exists in this checkout, each as its own
process on embedded defaults; waits until each reports SERVING on gRPC health; prints the
endpoints and an example call; stops them all with SIGTERM on Ctrl-C.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc


@dataclass(frozen=True)
class Component:
    """One process of the suite."""

    name: str
    module: str
    env_prefix: str
    port: int
    metrics_port: int
    example: str


COMPONENTS = (
    Component(
        "model_server",
        "model_server",
        "SEARCHLM_MODEL_SERVER_",
        50051,
        9090,
        'searchlm generate "한국의 수도는 어디인가요?" --target localhost:50051',
    ),
    Component(
        "null_query",
        "services.null_query",
        "SEARCHLM_NULL_QUERY_",
        50052,
        9091,
        'searchlm rewrite "tkatjd roffjrtl" --target localhost:50052',
    ),
    Component(
        "review_summary",
        "services.review_summary",
        "SEARCHLM_REVIEW_SUMMARY_",
        50053,
        9092,
        "searchlm summarize --product-id demo-earbuds-01 --target localhost:50053",
    ),
    Component(
        "free_qa",
        "services.free_qa",
        "SEARCHLM_FREE_QA_",
        50054,
        9093,
        'searchlm ask "한글을 만든 사람은 누구야?" --target localhost:50054',
    ),
)


def available(components: tuple[Component, ...] = COMPONENTS) -> list[Component]:
    """Components whose package has a `__main__` in this checkout."""
    return [c for c in components if importlib.util.find_spec(f"{c.module}.__main__") is not None]


def _env(component: Component, port_file: Path, model_target: str) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault(f"{component.env_prefix}PORT", str(component.port))
    env.setdefault(f"{component.env_prefix}METRICS_PORT", str(component.metrics_port))
    env.setdefault(f"{component.env_prefix}JSON_LOGS", "false")
    env.setdefault(f"{component.env_prefix}LM_TARGET", model_target)
    env[f"{component.env_prefix}PORT_FILE"] = str(port_file)
    return env


def wait_serving(port_file: Path, process: subprocess.Popen[bytes], timeout: float) -> dict[str, int]:
    """Waits for the port file and a SERVING health answer; returns the ports."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited with {process.returncode}")
        if port_file.exists():
            ports: dict[str, int] = json.loads(port_file.read_text())
            if _healthy(ports["grpc_port"]):
                return ports
        time.sleep(0.2)
    raise TimeoutError(f"not serving after {timeout:.0f} s")


def _healthy(port: int) -> bool:
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        try:
            reply = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=2)
        except grpc.RpcError:
            return False
    return bool(reply.status == health_pb2.HealthCheckResponse.SERVING)


def _stop_all(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(0)  # unwinds through main's finally, which stops the children


def main() -> int:
    """Starts the suite and blocks until Ctrl-C, SIGTERM or a process dies."""
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    workdir = Path(tempfile.mkdtemp(prefix="searchlm-suite-"))
    model_target = f"127.0.0.1:{COMPONENTS[0].port}"
    processes: list[subprocess.Popen[bytes]] = []
    rows = []
    try:
        for component in available():
            port_file = workdir / f"{component.name}.json"
            env = _env(component, port_file, model_target)
            print(f"starting {component.name} ...", flush=True)
            process = subprocess.Popen([sys.executable, "-m", component.module], env=env)
            processes.append(process)
            ports = wait_serving(port_file, process, timeout=600)
            rows.append((component, ports))
        _print_banner(rows)
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        print("a process exited; stopping the suite", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        _stop_all(processes)


def _print_banner(rows: list[tuple[Component, dict[str, int]]]) -> None:
    print("\nsearchlm is serving on localhost:\n")
    for component, ports in rows:
        print(
            f"  {component.name:<15} grpc 127.0.0.1:{ports['grpc_port']:<6} "
            f"metrics http://127.0.0.1:{ports['metrics_port']}/metrics"
        )
    print("\nExample calls (in another terminal):\n")
    for component, _ in rows:
        print(f"  .venv/bin/{component.example}")
    print("\nCtrl-C stops everything.\n", flush=True)


if __name__ == "__main__":
    sys.exit(main())
