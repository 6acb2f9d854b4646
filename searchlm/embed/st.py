"""Any local sentence-transformers model (GPU hosts; the package is not in the cpu extra)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np


class SentenceTransformerEmbedder:
    """sentence-transformers embeddings, L2-normalised; e5-style prefixes when the name says e5.

    Args:
        path: Local model directory.
        device: ``cuda``, ``cpu`` or None (library default).
        cache_dir: Unused; accepted so every embedder is built the same way.
    """

    def __init__(self, path: str, *, device: str | None = None, cache_dir: Path | None = None) -> None:
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ImportError(
                "this embedder needs sentence-transformers: pip install sentence-transformers"
            ) from exc
        self._model: Any = SentenceTransformer(path, device=device, local_files_only=True)
        self.model_id = f"sentence-transformers:{Path(path).name}"
        self.dims = int(self._model.get_sentence_embedding_dimension())
        self._e5 = "e5" in Path(path).name.lower()

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        texts = [prefix + t for t in texts] if self._e5 else list(texts)
        vectors = self._model.encode(texts, normalize_embeddings=True, convert_to_numpy=True)
        return np.asarray(vectors, dtype=np.float32)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Query vectors."""
        return self._encode(texts, "query: ")

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Passage vectors."""
        return self._encode(texts, "passage: ")
