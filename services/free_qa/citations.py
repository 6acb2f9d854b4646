"""[n] citation markers: parsing, cleaning and mapping to the numbered passages."""

from __future__ import annotations

import re
from collections.abc import Sequence

from services.free_qa.types import Citation, ScoredPassage

# [1], [1, 2], [1][2], 【1】; full-width brackets show up in Korean text.
_MARKER = re.compile(r"[\[【]\s*(\d+(?:\s*[,，]\s*\d+)*)\s*[\]】]")
_SNIPPET_CHARS = 300


def parse_markers(text: str) -> list[int]:
    """Marker numbers in order of first appearance, without duplicates."""
    seen: list[int] = []
    for match in _MARKER.finditer(text):
        for number in re.split(r"[,，]", match.group(1)):
            n = int(number)
            if n not in seen:
                seen.append(n)
    return seen


def clean_markers(text: str, valid: int) -> str:
    """Rewrites markers as ``[n]`` and drops numbers outside 1..valid (the LM invents them)."""

    def keep(match: re.Match[str]) -> str:
        numbers = [int(n) for n in re.split(r"[,，]", match.group(1)) if 1 <= int(n) <= valid]
        return "".join(f"[{n}]" for n in dict.fromkeys(numbers))

    return re.sub(r"\s+([.,!?])", r"\1", _MARKER.sub(keep, text)).strip()


def strip_markers(text: str) -> str:
    """The text without any markers (for support checks and EM/F1)."""
    return re.sub(r"\s{2,}", " ", _MARKER.sub("", text)).strip()


def snippet(passage: ScoredPassage, evidence: str = "") -> str:
    """The evidence shown for a passage (its best chunk by default), cut to a readable length."""
    text = evidence or passage.best_chunk or passage.passage.text
    return text if len(text) <= _SNIPPET_CHARS else text[: _SNIPPET_CHARS - 1] + "…"


def citation(marker: int, passage: ScoredPassage, evidence: str = "") -> Citation:
    """A citation of one passage under a marker number; `evidence` (a sentence) replaces the snippet."""
    return Citation(
        marker=marker,
        passage_id=passage.passage.id,
        title=passage.passage.title,
        snippet=snippet(passage, evidence),
        score=passage.score,
    )


def resolve(text: str, passages: Sequence[ScoredPassage]) -> tuple[Citation, ...]:
    """Citations for the valid markers of `text` ([n] is passages[n-1])."""
    return tuple(citation(n, passages[n - 1]) for n in parse_markers(text) if 1 <= n <= len(passages))
