"""The on-disk index: manifest, passages, chunks, FAISS index and (embedded) BM25 index in one directory.

Every file is written to a temporary name and renamed; the manifest goes last, so a crash
mid-write leaves the previous index readable (counts are checked on load).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, replace
from pathlib import Path

from searchlm.embed import Embedder
from searchlm.search import BackendConfig
from services.free_qa.adapters.faiss_index import FaissIndex
from services.free_qa.adapters.search_backend import SearchBackendRetriever
from services.free_qa.manifest import IndexMismatchError, Manifest, check_embedder
from services.free_qa.retrieval import Corpus, HybridRetriever, RetrievalConfig
from services.free_qa.types import Chunk, Passage

MANIFEST, PASSAGES, CHUNKS, DENSE, SEARCH = (
    "manifest.json",
    "passages.jsonl",
    "chunks.jsonl",
    "dense.faiss",
    "search",
)


PASSAGE_SEARCH = BackendConfig(kind="embedded", analyzer="content", k1=1.2, b=0.75)
"""free_qa's BM25: content morphemes of whole chunks, Okapi k1 1.2 / b 0.75 (Elasticsearch's defaults)."""

SPARSE_KINDS: dict[str, str] = {
    "searchlm-embedded": "embedded",
    "searchlm-elasticsearch": "elasticsearch",
}
"""Manifest names of the BM25 side -> `searchlm.search` backend kinds (one BM25 implementation:
the embedded index lives in `<index>/search`, the Elasticsearch one in the cluster)."""


_MANIFEST_NAMES = {kind: name for name, kind in SPARSE_KINDS.items()}


def sparse_kind(backend: str) -> str:
    """The manifest name for a `searchlm.search` backend kind."""
    if backend not in _MANIFEST_NAMES:
        raise ValueError(f"unknown search backend {backend!r}; one of {', '.join(_MANIFEST_NAMES)}")
    return _MANIFEST_NAMES[backend]


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
        search: Where the BM25 side lives when it is not embedded in `root` (the
            Elasticsearch URL and index); its analyzer and BM25 parameters are free_qa's.
    """

    def __init__(self, root: str | Path, *, search: BackendConfig | None = None) -> None:
        self.root = Path(root)
        self._search = search or PASSAGE_SEARCH

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

    def search_config(self, kind: str) -> BackendConfig:
        """The `searchlm.search` backend of a manifest's sparse kind.

        Raises:
            IndexMismatchError: A sparse kind this version does not read (rebuild the index).
        """
        if kind not in SPARSE_KINDS:
            raise IndexMismatchError(
                f"{self.root}: BM25 side {kind!r} is not one of {', '.join(SPARSE_KINDS)}; "
                "re-run the ingest CLI with --rebuild"
            )
        if SPARSE_KINDS[kind] == "embedded":
            return replace(PASSAGE_SEARCH, path=str(self.root / SEARCH))
        return replace(self._search, kind=SPARSE_KINDS[kind], path="", analyzer=PASSAGE_SEARCH.analyzer)

    def sparse(
        self, kind: str | None = None, chunks: Sequence[Chunk] | None = None
    ) -> SearchBackendRetriever:
        """The BM25 side (`kind` and `chunks` default to the manifest's and the stored ones)."""
        config = self.search_config(kind or self.manifest().sparse)
        return SearchBackendRetriever(config, self.chunks() if chunks is None else chunks)

    def save(
        self,
        *,
        manifest: Manifest,
        passages: Sequence[Passage],
        chunks: Sequence[Chunk],
        dense: FaissIndex,
        sparse: SearchBackendRetriever,
    ) -> None:
        """Writes everything, manifest last."""
        self.root.mkdir(parents=True, exist_ok=True)
        dense.save(self.root / DENSE)
        sparse.save()
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
