"""Integration tier: real processes on free ports."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/integration/" in str(item.fspath):
            item.add_marker(pytest.mark.integration)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait(url: str, process: subprocess.Popen[bytes], timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=1) as reply:
                return bool(reply.headers.get("X-Elastic-Product") == "Elasticsearch")
        except OSError:
            time.sleep(0.2)
    return False


@pytest.fixture(scope="module")
def es_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    # The venv's bin folder is not on PATH when tests run as .venv/bin/python -m pytest.
    beside = Path(sys.executable).with_name("noida-db")
    binary = str(beside) if beside.exists() else shutil.which("noida-db")
    if binary is None:
        pytest.skip(
            "noida-db is not installed (pip install noida-db): no Elasticsearch-API server to test against"
        )
    port, data = _free_port(), tmp_path_factory.mktemp("noida")
    command = [binary, "start", "--data-dir", str(data), "--host", "127.0.0.1", "--only", "elasticsearch"]
    log = (Path(data) / "noida.log").open("wb")
    # Own process group: noida-db wraps a child server, and both must go at the end.
    process = subprocess.Popen(
        [*command, "--elasticsearch-port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        if not _wait(url, process):
            pytest.skip(
                f"noida-db did not start: {(Path(data) / 'noida.log').read_text(errors='replace')[-500:]}"
            )
        yield url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        log.close()
