"""The index manifest: what an index was built with, checked again at query time."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from searchlm.errors import SearchlmError
from services.free_qa.types import Passage

FORMAT_VERSION = 1


class IndexMismatchError(SearchlmError):
    """The index was built with another embedder (or format) than the one given at query time."""


@dataclass(frozen=True)
class Manifest:
    """Everything needed to trust an index directory.

    Attributes:
        embedder_model: Model id of the passage embedder.
        dims: Embedding dimensions.
        index_type: ``flat``, ``hnsw`` or ``ivfpq``.
        index_params: Parameters of that index type.
        corpus_sha256: Hash over the ids and texts of all passages, in ingest order.
        n_passages: Passages indexed.
        n_chunks: Chunks indexed.
        chunking: ``max_chars`` and ``overlap_sentences``.
        sparse: Where the BM25 side lives (`searchlm.search`): ``searchlm-embedded`` (in the
            index directory) or ``searchlm-elasticsearch`` (in a cluster).
        format_version: Layout version of the directory.
    """

    embedder_model: str
    dims: int
    index_type: str
    index_params: dict[str, int] = field(default_factory=dict)
    corpus_sha256: str = ""
    n_passages: int = 0
    n_chunks: int = 0
    chunking: dict[str, int] = field(default_factory=dict)
    sparse: str = "searchlm-embedded"
    format_version: int = FORMAT_VERSION

    def save(self, path: Path) -> None:
        """Writes the manifest atomically."""
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2))
        tmp.replace(path)

    @classmethod
    def load(cls, path: Path) -> Manifest:
        """Reads a manifest written by `save`."""
        return cls(**json.loads(path.read_text()))

    def with_counts(self, *, corpus_sha256: str, n_passages: int, n_chunks: int) -> Manifest:
        """A copy with new corpus figures (after an incremental add)."""
        return replace(self, corpus_sha256=corpus_sha256, n_passages=n_passages, n_chunks=n_chunks)


def corpus_hash(passages: Iterable[Passage]) -> str:
    """SHA-256 over (id, title, text) of every passage, order-sensitive."""
    digest = hashlib.sha256()
    for p in passages:
        digest.update("\x1f".join((p.id, p.title, p.text)).encode())
        digest.update(b"\x1e")
    return digest.hexdigest()


def check_embedder(manifest: Manifest, model_id: str, dims: int) -> None:
    """Refuses a query-time embedder that differs from the one the index was built with.

    Raises:
        IndexMismatchError: With both model ids and dimensions, and how to fix it.
    """
    if manifest.format_version != FORMAT_VERSION:
        raise IndexMismatchError(
            f"index format {manifest.format_version} is not {FORMAT_VERSION}; re-run the ingest CLI"
        )
    if (manifest.embedder_model, manifest.dims) != (model_id, dims):
        raise IndexMismatchError(
            f"index was built with embedder {manifest.embedder_model!r} ({manifest.dims} dims) but the "
            f"query embedder is {model_id!r} ({dims} dims); use the same embedder or rebuild the index "
            "with `python -m services.free_qa.ingest --rebuild`"
        )
