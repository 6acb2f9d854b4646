"""BM25 through the shared `searchlm.search` backends (embedded bm25s index or Elasticsearch).

Chunks are indexed as `Document(id=chunk id, title, text)`. The backends are async while
retrieval runs in a worker thread, so the adapter owns one event loop on a daemon thread and
submits every call to it: an Elasticsearch client stays bound to a single loop.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Sequence
from typing import Any, TypeVar

from searchlm.search import BackendConfig, Document, SearchBackend, open_backend
from services.free_qa.types import Chunk, Hit

_T = TypeVar("_T")


class SearchBackendRetriever:
    """A `SparseRetriever` over a `searchlm.search` backend holding the chunks.

    Args:
        config: Which backend (embedded folder or Elasticsearch index).
        chunks: Chunks in index order (hit ids are mapped back to rows).
        timeout: Seconds one search of a remote backend may take (indexing has no limit; the
            embedded backend runs in process, where the first search also builds Kiwi and the
            BM25 matrix, so it is not cut off).
    """

    def __init__(self, config: BackendConfig, chunks: Sequence[Chunk], *, timeout: float = 10.0) -> None:
        self._loop = asyncio.new_event_loop()
        threading.Thread(target=self._loop.run_forever, name="free-qa-search", daemon=True).start()
        self._backend: SearchBackend = open_backend(config)
        self._rows = {c.id: i for i, c in enumerate(chunks)}
        self._timeout = None if config.kind == "embedded" else timeout

    def _run(self, coroutine: Coroutine[Any, Any, _T], timeout: float | None = None) -> _T:
        return asyncio.run_coroutine_threadsafe(coroutine, self._loop).result(timeout)

    def add_chunks(self, chunks: Sequence[Chunk]) -> int:
        """Indexes chunks (ingest) and remembers their rows."""
        for chunk in chunks:
            self._rows.setdefault(chunk.id, len(self._rows))
        docs = [Document(id=c.id, title=c.title, text=c.text) for c in chunks]
        return self._run(self._backend.index(docs))

    def search(self, query: str, k: int) -> list[Hit]:
        """Top-k chunks by the backend's BM25, best first."""
        hits = self._run(self._backend.search(query, k), self._timeout)
        return [Hit(self._rows[h.id], h.score) for h in hits if h.id in self._rows]

    def __len__(self) -> int:
        return len(self._rows)

    def save(self, path: object = None) -> None:
        """Flushes the backend's writes (the embedded backend persists its own folder)."""
        self._run(self._backend.close())

    def close(self) -> None:
        """Flushes the backend and stops the loop."""
        self._run(self._backend.close())
        self._loop.call_soon_threadsafe(self._loop.stop)
