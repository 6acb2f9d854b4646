"""ElasticsearchBackend against noida-db, a local server speaking the Elasticsearch REST API.

noida-db is an emulator, not Elasticsearch: these tests assert behaviour (which documents
match, ordering of clearly different matches), never exact scores.
"""

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

from searchlm.search.elastic import ElasticsearchBackend
from searchlm.search.types import Document

DOCS = [
    Document("a", "삼성 갤럭시 S24"),
    Document("b", "삼성 갤럭시 노트 5"),
    Document("c", "아이폰 15 케이스"),
]


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


async def test_bulk_count_search_and_vocabulary(es_url: str) -> None:
    backend = ElasticsearchBackend(es_url, "catalog-test")
    try:
        assert await backend.index(DOCS) == 3
        assert await backend.count("삼성 갤럭시") == 2
        assert await backend.count("삼성의 노트") == 1
        assert await backend.count("삼성 아이폰") == 0
        assert await backend.count("삼성갤럭시") == 0
        hits = await backend.search("갤럭시 노트", k=2)
        assert hits[0].id == "b" and hits[0].title == "삼성 갤럭시 노트 5"
        vocab = await backend.vocabulary()
        assert vocab["삼성"] == 2 and vocab["케이스"] == 1
        await backend.index([Document("a", "삼성 갤럭시 S25")])
        assert await backend.count("s24") == 0 and await backend.count("s25") == 1
    finally:
        await backend.close()


async def test_unreachable_cluster_is_upstream_unavailable() -> None:
    from searchlm.errors import UpstreamUnavailableError

    backend = ElasticsearchBackend(f"http://127.0.0.1:{_free_port()}", "nothing")
    with pytest.raises(UpstreamUnavailableError):
        await backend.count("삼성")
    await backend.close()
