"""ElasticsearchBackend against noida-db, a local server speaking the Elasticsearch REST API.

noida-db is an emulator, not Elasticsearch: these tests assert behaviour (which documents
match, ordering of clearly different matches), never exact scores. The `es_url` fixture
(tests/integration/conftest.py) starts it.
"""

from __future__ import annotations

import socket

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
