"""Hybrid retrieval: dense (embeddings + ANN index) and sparse (BM25) over chunks, fused per passage.

Each retriever's chunk hits are first rolled up to passages (a passage scores as its best
chunk), then the two passage rankings are fused with reciprocal rank fusion. Rolling up first
keeps a passage cut into many chunks from filling a ranking on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

from searchlm.embed import Embedder
from services.free_qa.fusion import reciprocal_rank_fusion
from services.free_qa.types import Chunk, Hit, Passage, ScoredPassage


class DenseIndex(Protocol):
    """Nearest neighbours by inner product over chunk vectors."""

    def search(self, vectors: np.ndarray, k: int) -> list[list[Hit]]:
        """Top-k chunk hits per query vector, best first."""
        ...


class SparseRetriever(Protocol):
    """Lexical (BM25) search over chunk texts."""

    def search(self, query: str, k: int) -> list[Hit]:
        """Top-k chunk hits, best first; only chunks sharing a term with the query."""
        ...


@dataclass(frozen=True)
class Corpus:
    """Chunks in index order and the passages they came from."""

    chunks: Sequence[Chunk]
    passages: dict[str, Passage]


@dataclass(frozen=True)
class RetrievalConfig:
    """Fusion settings.

    Attributes:
        candidates: Chunk hits taken from each retriever before fusion.
        dense_weight: RRF weight of the dense ranking.
        sparse_weight: RRF weight of the BM25 ranking.
        rrf_k: RRF constant.
    """

    candidates: int = 50
    dense_weight: float = 1.0
    sparse_weight: float = 1.0
    rrf_k: int = 60


@dataclass
class _Best:
    score: float
    chunk: int


def _roll_up(hits: Sequence[Hit], corpus: Corpus) -> dict[str, _Best]:
    """Best chunk per passage, in the hits' order (dicts keep insertion order)."""
    best: dict[str, _Best] = {}
    for hit in hits:
        pid = corpus.chunks[hit.chunk_index].passage_id
        current = best.get(pid)
        if current is None or hit.score > current.score:
            best[pid] = _Best(hit.score, hit.chunk_index)
    return best


class HybridRetriever:
    """Dense + BM25 retrieval with RRF (either side may be absent).

    Args:
        corpus: The indexed chunks and passages.
        embedder: Query embedder (must match the index; the store checks the manifest).
        dense: ANN index over chunk vectors, or None for BM25 only.
        sparse: BM25 retriever, or None for dense only.
        config: Fusion settings.
    """

    def __init__(
        self,
        *,
        corpus: Corpus,
        embedder: Embedder | None,
        dense: DenseIndex | None,
        sparse: SparseRetriever | None,
        config: RetrievalConfig | None = None,
    ) -> None:
        if dense is None and sparse is None:
            raise ValueError("at least one of dense and sparse is needed")
        if dense is not None and embedder is None:
            raise ValueError("a dense index needs an embedder")
        self._corpus, self._embedder, self._dense, self._sparse = corpus, embedder, dense, sparse
        self._config = config or RetrievalConfig()

    @property
    def corpus(self) -> Corpus:
        """The indexed corpus."""
        return self._corpus

    def retrieve(self, query: str, k: int) -> list[ScoredPassage]:
        """Top-k passages for a query, best first."""
        vectors = self._embedder.embed_queries([query]) if self._embedder and self._dense else None
        return self.retrieve_with_vector(query, vectors[0] if vectors is not None else None, k)

    def retrieve_with_vector(self, query: str, vector: np.ndarray | None, k: int) -> list[ScoredPassage]:
        """Like `retrieve` with the query vector already computed (batch evaluation)."""
        n = self._config.candidates
        dense = {}
        if self._dense is not None and vector is not None:
            dense = _roll_up(self._dense.search(vector[None, :], n)[0], self._corpus)
        sparse = _roll_up(self._sparse.search(query, n), self._corpus) if self._sparse else {}
        fused = reciprocal_rank_fusion(
            [list(dense), list(sparse)],
            k=self._config.rrf_k,
            weights=[self._config.dense_weight, self._config.sparse_weight],
        )
        return [self._scored(pid, score, dense, sparse) for pid, score in fused[:k]]

    def _scored(
        self, pid: str, score: float, dense: dict[str, _Best], sparse: dict[str, _Best]
    ) -> ScoredPassage:
        best = dense.get(pid) or sparse[pid]
        return ScoredPassage(
            passage=self._corpus.passages[pid],
            score=score,
            dense_score=dense[pid].score if pid in dense else -1.0,
            sparse_score=sparse[pid].score if pid in sparse else 0.0,
            best_chunk=self._corpus.chunks[best.chunk].text,
        )
