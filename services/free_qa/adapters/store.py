"""The on-disk index: manifest, passages, chunks, FAISS index and BM25 term lists in one directory.

Every file is written to a temporary name and renamed; the manifest goes last, so a crash
mid-write leaves the previous index readable (counts are checked on load).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

from services.free_qa.adapters import kiwi_text
from services.free_qa.adapters.bm25 import Bm25Index
from services.free_qa.adapters.faiss_index import FaissIndex
from services.free_qa.manifest import IndexMismatchError, Manifest, check_embedder
from services.free_qa.retrieval import Corpus, Embedder, HybridRetriever, RetrievalConfig
from services.free_qa.types import Chunk, Passage

MANIFEST, PASSAGES, CHUNKS, DENSE, SPARSE, SEARCH = (
    "manifest.json",
    "passages.jsonl",
    "chunks.jsonl",
    "dense.faiss",
    "bm25.json",
    "search",
)


def _builtin(root: Path, chunks: Sequence[Chunk]) -> Any:
    path = root / SPARSE
    return Bm25Index.load(path, kiwi_text.terms) if path.exists() else Bm25Index([], kiwi_text.terms)


def _searchlm_embedded(root: Path, chunks: Sequence[Chunk]) -> Any:
    from searchlm.search import BackendConfig
    from services.free_qa.adapters.search_backend import SearchBackendRetriever

    return SearchBackendRetriever(BackendConfig(kind="embedded", path=str(root / SEARCH)), chunks)


SPARSE_KINDS: dict[str, Callable[[Path, Sequence[Chunk]], Any]] = {
    "builtin": _builtin,
    "searchlm-embedded": _searchlm_embedded,
}
"""BM25 implementations: in-package (default) or the shared searchlm.search embedded backend."""


def _write_jsonl(path: Path, rows: Iterable[object]) -> None:
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for row in rows:
            f.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")  # type: ignore[call-overload]
    tmp.replace(path)


def _read_jsonl(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


class IndexStore:
    """One index directory.

    Args:
        root: The directory (created on save).
    """

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def exists(self) -> bool:
        """True when a complete index is there."""
        return (self.root / MANIFEST).exists()

    def manifest(self) -> Manifest:
        """The manifest."""
        return Manifest.load(self.root / MANIFEST)

    def passages(self) -> list[Passage]:
        """Passages in ingest order."""
        return [Passage(**row) for row in _read_jsonl(self.root / PASSAGES)]

    def chunks(self) -> list[Chunk]:
        """Chunks in index order."""
        return [Chunk(**row) for row in _read_jsonl(self.root / CHUNKS)]

    def dense(self, *, use_gpu: bool = True) -> FaissIndex:
        """The FAISS index."""
        return FaissIndex.load(self.root / DENSE, self.manifest().index_params, use_gpu=use_gpu)

    def sparse(self, kind: str | None = None, chunks: Sequence[Chunk] | None = None) -> Any:
        """The BM25 index (`kind` and `chunks` default to the manifest's and the stored ones)."""
        kind = kind or self.manifest().sparse
        if kind not in SPARSE_KINDS:
            raise ValueError(f"unknown sparse index {kind!r}; one of {', '.join(SPARSE_KINDS)}")
        return SPARSE_KINDS[kind](self.root, self.chunks() if chunks is None else chunks)

    def save(
        self,
        *,
        manifest: Manifest,
        passages: Sequence[Passage],
        chunks: Sequence[Chunk],
        dense: FaissIndex,
        sparse: Any,
    ) -> None:
        """Writes everything, manifest last."""
        self.root.mkdir(parents=True, exist_ok=True)
        dense.save(self.root / DENSE)
        sparse.save(self.root / SPARSE)
        _write_jsonl(self.root / CHUNKS, chunks)
        _write_jsonl(self.root / PASSAGES, passages)
        manifest.save(self.root / MANIFEST)

    def open_retriever(
        self, embedder: Embedder, *, config: RetrievalConfig | None = None, use_gpu: bool = True
    ) -> HybridRetriever:
        """A hybrid retriever over this index, after checking the embedder against the manifest.

        Raises:
            IndexMismatchError: Another embedder, or files out of step with the manifest.
        """
        manifest = self.manifest()
        check_embedder(manifest, embedder.model_id, embedder.dims)
        chunks = self.chunks()
        dense, sparse = self.dense(use_gpu=use_gpu), self.sparse(manifest.sparse, chunks)
        if not len(chunks) == dense.ntotal == len(sparse) == manifest.n_chunks:
            raise IndexMismatchError(
                f"{self.root}: manifest says {manifest.n_chunks} chunks, files hold {len(chunks)} / "
                f"{dense.ntotal} / {len(sparse)}; re-run the ingest CLI with --rebuild"
            )
        corpus = Corpus(chunks=chunks, passages={p.id: p for p in self.passages()})
        return HybridRetriever(corpus=corpus, embedder=embedder, dense=dense, sparse=sparse, config=config)
