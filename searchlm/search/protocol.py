"""The `SearchBackend` protocol: what null_query and free_qa need from a search index."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Protocol

from searchlm.search.types import Document, SearchHit


class SearchBackend(Protocol):
    """A keyword index of documents with Korean morpheme-aware matching.

    `count` and `search` use the same analysis: a document matches when it contains every
    content morpheme of the query (AND), which is what "zero results" means to a user.
    Implementations raise `searchlm.errors.UpstreamUnavailableError` when unreachable.
    """

    async def count(self, query: str) -> int:
        """Number of documents matching every content morpheme of `query`."""
        ...

    async def search(self, query: str, k: int = 10) -> list[SearchHit]:
        """Top-`k` documents by BM25 (any morpheme may match), best first."""
        ...

    async def index(self, documents: Iterable[Document]) -> int:
        """Adds or replaces documents; returns how many were written."""
        ...

    async def vocabulary(self) -> Mapping[str, int]:
        """Surface words of the indexed titles with their document frequencies."""
        ...

    async def close(self) -> None:
        """Releases connections and files."""
        ...
