"""Domain types of null-query rewriting (standard library only)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum


class RewriteType(StrEnum):
    """Which kind of error a rewrite fixes (and so which stage proposed it)."""

    SPACING = "spacing"
    JAMO = "jamo"
    KEYBOARD = "keyboard"
    TYPO = "typo"
    CONTEXT = "context"
    LM = "lm"


@dataclass(frozen=True)
class RewriteRequest:
    """One query to check and, if it finds nothing, rewrite.

    Attributes:
        query: The query as typed.
        previous_queries: Earlier queries of the session, most recent last.
        clicked_titles: Titles of results clicked earlier in the session, most recent last.
        max_rewrites: Most rewrites to return (1..10).
    """

    query: str
    previous_queries: tuple[str, ...] = ()
    clicked_titles: tuple[str, ...] = ()
    max_rewrites: int = 3


@dataclass(frozen=True)
class Candidate:
    """An unverified rewrite proposed by a rule or the LM.

    Attributes:
        text: The rewritten query.
        type: What it fixes.
        distance: Keystroke edits it makes to the words it changes (0 for pure re-typing:
            layout conversion, jamo recomposition, respacing).
        prior: How much the proposing rule is trusted, in [0, 1].
    """

    text: str
    type: RewriteType
    distance: int = 0
    prior: float = 0.5


@dataclass(frozen=True)
class Rewrite:
    """A verified rewrite, as returned.

    Attributes:
        text: The rewritten query.
        type: What it fixes.
        score: Ranking score, higher is better (comparable within one response).
        hits: Search hits of `text` (always > 0).
    """

    text: str
    type: RewriteType
    score: float
    hits: int


@dataclass(frozen=True)
class RewriteResult:
    """The answer for one query.

    Attributes:
        is_null: The query found fewer than the configured minimum of hits.
        hits: Hits of the query as typed.
        rewrites: Verified rewrites, best first (empty when not null).
        degraded: The LM stage was skipped, failed or ran out of time; rules only.
        flags: Why it is degraded (e.g. "lm_timeout", "lm_unavailable", "lm_disabled").
    """

    is_null: bool
    hits: int
    rewrites: tuple[Rewrite, ...] = ()
    degraded: bool = False
    flags: tuple[str, ...] = field(default_factory=tuple)
