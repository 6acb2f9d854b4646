"""Request checks: every violation names the offending field."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from searchlm.errors import InvalidRequestError
from services.null_query.types import RewriteRequest


@dataclass(frozen=True)
class Limits:
    """Request limits.

    Attributes:
        max_query_chars: Longest query (and context entry) accepted.
        max_context_items: Most previous queries, and most clicks, accepted.
        max_rewrites: Largest `max_rewrites` accepted.
    """

    max_query_chars: int = 256
    max_context_items: int = 20
    max_rewrites: int = 10


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) in ("Cc", "Cf") and ch not in "\u200b\u200c\u200d" for ch in text)


def _check_text(field: str, text: str, limits: Limits, *, required: bool) -> None:
    if required and not text.strip():
        raise InvalidRequestError(field, "must not be empty or whitespace only")
    if len(text) > limits.max_query_chars:
        raise InvalidRequestError(
            field, f"must be at most {limits.max_query_chars} characters, got {len(text)}"
        )
    if _has_control(text):
        raise InvalidRequestError(field, "must not contain control characters")


def validate(request: RewriteRequest, limits: Limits, *, prefix: str = "") -> None:
    """Raises `InvalidRequestError` naming the first invalid field of `request`.

    Args:
        request: The request to check.
        limits: Limits to check against.
        prefix: Field-name prefix, e.g. "requests[3]." in a batch.
    """
    _check_text(f"{prefix}query", request.query, limits, required=True)
    for name, suffix, items in (
        ("previous_queries", "", request.previous_queries),
        ("previous_clicks", ".title", request.clicked_titles),
    ):
        if len(items) > limits.max_context_items:
            raise InvalidRequestError(
                f"{prefix}{name}", f"at most {limits.max_context_items} items, got {len(items)}"
            )
        for i, item in enumerate(items):
            _check_text(f"{prefix}{name}[{i}]{suffix}", item, limits, required=False)
    if not 1 <= request.max_rewrites <= limits.max_rewrites:
        raise InvalidRequestError(
            f"{prefix}max_rewrites", f"must be in 1..{limits.max_rewrites}, got {request.max_rewrites}"
        )
