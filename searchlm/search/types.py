"""Domain types of search backends (standard library only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Document:
    """One indexable document.

    Attributes:
        id: Unique id; indexing a document with an existing id replaces it.
        title: Title (entity or product name); what null-query rewriting matches best.
        text: Body text (may be empty).
        extra: Any other JSON fields of the source record, kept as they are.
    """

    id: str
    title: str
    text: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("document id must be non-empty")


@dataclass(frozen=True)
class SearchHit:
    """One ranked search result.

    Attributes:
        id: Document id.
        title: Document title.
        score: Backend relevance score (BM25); comparable only within one result list.
    """

    id: str
    title: str
    score: float
