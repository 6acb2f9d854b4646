"""The `Embedder` protocol (numpy in its signature, so not a stdlib-only types module)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np


class Embedder(Protocol):
    """Turns text into L2-normalised vectors; queries and passages may be embedded differently.

    Attributes:
        model_id: What produced the vectors (an index manifest refuses another model's vectors).
        dims: Vector size.
    """

    model_id: str
    dims: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Query vectors, shape (n, dims), float32."""
        ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        """Passage vectors, shape (n, dims), float32."""
        ...
