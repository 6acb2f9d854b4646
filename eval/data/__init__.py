"""Evaluation items and the readers that load them, one module per task family.

Each module exposes ``FORMATS`` (format name -> loader) and ``SUFFIX_FORMATS``
(file suffix -> default format) so the CLI can pick a reader without if/elif.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Protocol, TypeVar

from eval.errors import InputFormatError


class HasId(Protocol):
    """Anything with an ``id`` and the line it came from."""

    @property
    def id(self) -> str:
        """The item's id, unique within its file."""
        ...

    @property
    def line(self) -> int | None:
        """1-based line in the data file, when the format has lines."""
        ...


ItemT = TypeVar("ItemT", bound=HasId)
Loader = Callable[[Path], list[ItemT]]


def choose_format(path: Path, fmt: str, formats: Mapping[str, object], by_suffix: Mapping[str, str]) -> str:
    """Return the format to read ``path`` with: ``fmt`` or, for ``auto``, by suffix."""
    if fmt != "auto":
        if fmt not in formats:
            raise InputFormatError(path, f"unknown format {fmt!r}; use one of {', '.join(formats)}")
        return fmt
    suffix = path.suffix.lower()
    if suffix not in by_suffix:
        known = ", ".join(f"{s} ({f})" for s, f in by_suffix.items())
        raise InputFormatError(path, f"cannot tell the format from {suffix!r}; known: {known}; pass --format")
    return by_suffix[suffix]


def check_unique_ids(path: Path, items: Sequence[ItemT]) -> list[ItemT]:
    """Reject duplicate ids (they would make predictions ambiguous)."""
    seen: dict[str, int | None] = {}
    for item in items:
        if item.id in seen:
            raise InputFormatError(
                path, f"duplicate id {item.id!r} (first seen on line {seen[item.id]})", line=item.line
            )
        seen[item.id] = item.line
    if not items:
        raise InputFormatError(path, "no items found")
    return list(items)
