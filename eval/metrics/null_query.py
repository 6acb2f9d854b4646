"""Null-query rewriting: recovery of the intended query and false rewrites."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass


def normalize_query(text: str) -> str:
    """NFC, trimmed, runs of whitespace collapsed: spacing itself still counts.

    NFC matters because jamo-split noise (``ㅇㅏㅣ``) and composed syllables
    must not compare equal by accident of encoding.
    """
    return " ".join(unicodedata.normalize("NFC", text).split())


@dataclass(frozen=True)
class RewriteJudgement:
    """How one item's ranked rewrites compare with the gold query.

    Attributes:
        needs_rewrite: The noisy query differs from the gold one.
        proposed: The top rewrite differs from the query (a rewrite was made).
        rank: 1-based rank of the gold query among the rewrites, or ``None``.
    """

    needs_rewrite: bool
    proposed: bool
    rank: int | None

    @property
    def top1(self) -> bool:
        """The first rewrite is the gold query."""
        return self.rank == 1

    @property
    def top3(self) -> bool:
        """The gold query is among the first three rewrites."""
        return self.rank is not None and self.rank <= 3

    @property
    def false_rewrite(self) -> bool:
        """A rewrite was proposed for a query that needed none."""
        return self.proposed and not self.needs_rewrite

    @property
    def wrong_rewrite(self) -> bool:
        """A rewrite was proposed for a noisy query, and it is not the gold one."""
        return self.proposed and self.needs_rewrite and not self.top1


def judge_rewrites(query: str, gold: str, rewrites: Sequence[str]) -> RewriteJudgement:
    """Compare ranked ``rewrites`` (best first; empty = no rewrite) with ``gold``."""
    norm_query, norm_gold = normalize_query(query), normalize_query(gold)
    ranked = [normalize_query(r) for r in rewrites]
    rank = ranked.index(norm_gold) + 1 if norm_gold in ranked else None
    proposed = bool(ranked) and ranked[0] != norm_query
    return RewriteJudgement(needs_rewrite=norm_query != norm_gold, proposed=proposed, rank=rank)
