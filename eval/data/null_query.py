"""Null-query rewriting items: a noisy query, its intended form and the noise type.

JSONL, one object per line::

    {"id": "n1", "query": "아이폰케이스", "gold": "아이폰 케이스", "noise_type": "spacing"}

A query whose ``gold`` equals ``query`` (``noise_type`` ``none``) needs no
rewrite; proposing one there is a false rewrite. The ``kiwi-space`` format is
Kiwi's spacing benchmark (``▁`` marks a spurious space, ``▔`` a missing one).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from eval.data import check_unique_ids
from eval.readers import read_jsonl, read_text

CLEAN = "none"
_SPURIOUS_SPACE = "\u2581"
_MISSING_SPACE = "\u2594"


@dataclass(frozen=True)
class NullQueryItem:
    """A query that may need rewriting.

    Attributes:
        id: Unique id.
        query: What the user typed.
        gold: What they meant (equal to ``query`` when no rewrite is needed).
        noise_type: ``spacing``, ``typo``, ``jamo``, ``keyboard``, ... or ``none``.
        line: Line in the data file.
    """

    id: str
    query: str
    gold: str
    noise_type: str
    line: int | None = None


def load_jsonl(path: Path) -> list[NullQueryItem]:
    """Read the project's null-query JSONL format."""
    items = []
    for record in read_jsonl(path):
        query, gold = record.text("query"), record.text("gold")
        noise_type = record.optional_text("noise_type") or (CLEAN if query == gold else "unknown")
        items.append(NullQueryItem(record.ident(), query, gold, noise_type, record.line))
    return check_unique_ids(path, items)


def load_kiwi_space(path: Path) -> list[NullQueryItem]:
    """Read Kiwi's spacing benchmark: noisy and gold strings come from the markers."""
    items = []
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        noisy = line.replace(_SPURIOUS_SPACE, " ").replace(_MISSING_SPACE, "")
        gold = line.replace(_SPURIOUS_SPACE, "").replace(_MISSING_SPACE, " ")
        noise_type = "spacing" if noisy != gold else CLEAN
        items.append(NullQueryItem(f"L{number}", noisy, gold, noise_type, number))
    return check_unique_ids(path, items)


FORMATS = {"jsonl": load_jsonl, "kiwi-space": load_kiwi_space}
SUFFIX_FORMATS = {".jsonl": "jsonl", ".txt": "kiwi-space"}
