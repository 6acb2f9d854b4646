"""e5's input convention, shared by the torch embedders: "query: " and "passage: " prefixes."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


class E5Prefixes:
    """`embed_queries` / `embed_passages` for a subclass that encodes prefixed texts in `_encode`."""

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Query vectors, shape (n, dims)."""
        return self._encode([f"query: {t}" for t in texts])

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Passage vectors, shape (n, dims)."""
        return self._encode([f"passage: {t}" for t in texts])

    def _encode(self, texts: list[str]) -> np.ndarray:
        raise NotImplementedError
