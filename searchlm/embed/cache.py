"""`CachingEmbedder`: an `Embedder` that remembers vectors by text (bounded, thread-safe).

A product's reviews are summarised again and again; their vectors do not change. The cache
keys on (kind, text), so query and passage vectors never mix, and it evicts the least
recently used entries past `max_items`.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from searchlm.embed.protocol import Embedder


class CachingEmbedder:
    """Wraps an embedder; embeds only the texts it has not seen (in one batch).

    Args:
        inner: The embedder that computes vectors.
        max_items: Vectors kept (least recently used evicted).
    """

    def __init__(self, inner: Embedder, *, max_items: int = 50_000) -> None:
        if max_items < 1:
            raise ValueError("max_items must be >= 1")
        self._inner = inner
        self._max = max_items
        self._cache: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.model_id = inner.model_id
        self.dims = inner.dims
        self.hits = 0
        self.misses = 0

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Query vectors, shape (n, dims), float32."""
        return self._embed("query", texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Passage vectors, shape (n, dims), float32."""
        return self._embed("passage", texts)

    def __len__(self) -> int:
        return len(self._cache)

    def clear(self) -> None:
        """Forgets every vector (a benchmark's cold run; counters are kept)."""
        with self._lock:
            self._cache.clear()

    def _embed(self, kind: str, texts: Sequence[str]) -> np.ndarray:
        found = self._lookup(kind, texts)
        missing = list(dict.fromkeys(t for t in texts if t not in found))
        if missing:
            compute = self._inner.embed_queries if kind == "query" else self._inner.embed_passages
            fresh = np.asarray(compute(missing), dtype=np.float32)
            found.update(zip(missing, fresh, strict=True))
            self._store(kind, missing, fresh)
        if not texts:
            return np.zeros((0, self.dims), dtype=np.float32)
        return np.stack([found[t] for t in texts])

    def _lookup(self, kind: str, texts: Sequence[str]) -> dict[str, np.ndarray]:
        found: dict[str, np.ndarray] = {}
        with self._lock:
            for text in texts:
                vector = self._cache.get((kind, text))
                if vector is not None:
                    self._cache.move_to_end((kind, text))
                    found[text] = vector
            self.hits += len(found)
            self.misses += len(set(texts)) - len(found)
        return found

    def _store(self, kind: str, texts: Sequence[str], vectors: np.ndarray) -> None:
        with self._lock:
            for text, vector in zip(texts, vectors, strict=True):
                self._cache[(kind, text)] = vector
            while len(self._cache) > self._max:
                self._cache.popitem(last=False)
