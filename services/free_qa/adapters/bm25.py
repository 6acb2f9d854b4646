"""Okapi BM25 over Kiwi morphemes, in process, persisted as the chunks' term lists.

A fallback for when `searchlm.search` is not wired in: small (tens of thousands of chunks),
exact, no extra dependency. Term lists are stored so reloading never re-runs Kiwi.
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path

from services.free_qa.types import Chunk, Hit

Tokenizer = Callable[[str], list[str]]


class Bm25Index:
    """BM25 (k1, b) over pre-tokenised documents.

    Args:
        docs: Terms of each document (chunk), in index order.
        tokenize: Query tokenizer (must match how `docs` were tokenised).
        k1: Term-frequency saturation.
        b: Length normalisation.
    """

    def __init__(
        self, docs: Sequence[Sequence[str]], tokenize: Tokenizer, *, k1: float = 1.2, b: float = 0.75
    ):
        self._docs = [list(d) for d in docs]
        self._tokenize, self._k1, self._b = tokenize, k1, b
        self._postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self._lengths: list[int] = []
        for doc in self._docs:
            self._index(doc)

    def _index(self, doc: list[str]) -> None:
        row = len(self._lengths)
        self._lengths.append(len(doc))
        for term, tf in Counter(doc).items():
            self._postings[term].append((row, tf))

    def add(self, docs: Sequence[Sequence[str]]) -> None:
        """Appends documents (incremental ingest)."""
        for doc in docs:
            self._docs.append(list(doc))
            self._index(list(doc))

    def add_chunks(self, chunks: Sequence[Chunk]) -> None:
        """Tokenises and appends chunks (title + text)."""
        self.add([self._tokenize(c.indexed_text) for c in chunks])

    def __len__(self) -> int:
        return len(self._lengths)

    def search(self, query: str, k: int) -> list[Hit]:
        """Top-k documents sharing at least one term with the query, best first."""
        n = len(self._lengths)
        if n == 0:
            return []
        avg = sum(self._lengths) / n
        scores: dict[int, float] = defaultdict(float)
        for term in set(self._tokenize(query)):
            postings = self._postings.get(term, [])
            idf = math.log(1 + (n - len(postings) + 0.5) / (len(postings) + 0.5))
            for row, tf in postings:
                norm = self._k1 * (1 - self._b + self._b * self._lengths[row] / avg)
                scores[row] += idf * tf * (self._k1 + 1) / (tf + norm)
        best = sorted(scores.items(), key=lambda item: -item[1])[:k]
        return [Hit(chunk_index=row, score=score) for row, score in best]

    def save(self, path: Path) -> None:
        """Writes the term lists atomically."""
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self._docs, ensure_ascii=False))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path, tokenize: Tokenizer) -> Bm25Index:
        """Reads term lists written by `save`."""
        return cls(json.loads(path.read_text()), tokenize)
