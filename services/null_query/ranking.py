"""Ranking of verified candidates: rule trust, edit distance, hits, LM score, context match."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from services.null_query.types import Candidate, Rewrite


@dataclass(frozen=True)
class RankWeights:
    """Weights of the ranking terms (score = prior + sum of weighted terms).

    Attributes:
        distance: Penalty per keystroke edit (normalised by the query's length in syllables).
        agreement: Bonus per extra rule that proposed the same text.
        hits: Weight of log(1 + hits): popular rewrites first among equals.
        lm: Weight of the LM's relative likelihood, exp(mean logprob - best), in (0, 1].
        context: Weight of the share of the rewrite's words seen earlier in the session.
        lexicon: Weight of the share of the rewrite's words that are index vocabulary words
            (separates 무선청소기 from 무선 청소기 when both find the same documents).
    """

    distance: float = 0.25
    agreement: float = 0.1
    hits: float = 0.03
    lm: float = 0.15
    context: float = 0.3
    lexicon: float = 0.2


@dataclass(frozen=True)
class Verified:
    """A candidate, every rule that proposed it, and its hits."""

    best: Candidate
    sources: int
    hits: int


def merge(candidates: Sequence[Candidate]) -> dict[str, tuple[Candidate, int]]:
    """Identical texts merged: the most trusted candidate and how many proposed it."""
    merged: dict[str, tuple[Candidate, int]] = {}
    for cand in candidates:
        if cand.text in merged:
            kept, count = merged[cand.text]
            better = cand if (cand.prior - cand.distance * 0.1) > (kept.prior - kept.distance * 0.1) else kept
            merged[cand.text] = (better, count + 1)
        else:
            merged[cand.text] = (cand, 1)
    return merged


def _share(text: str, known: Callable[[str], bool]) -> float:
    words = text.lower().split()
    return sum(known(w) for w in words) / len(words) if words else 0.0


def rank(
    verified: Sequence[Verified],
    *,
    weights: RankWeights,
    lm_scores: Mapping[str, float],
    context_words: frozenset[str],
    in_lexicon: Callable[[str], bool],
    query_length: int,
) -> list[Rewrite]:
    """Rewrites best first."""
    best_lm = max(lm_scores.values(), default=0.0)
    scale = max(1.0, query_length / 3)
    out = []
    for v in verified:
        c = v.best
        score = (
            c.prior
            - weights.distance * c.distance / scale
            + weights.agreement * (v.sources - 1)
            + weights.hits * math.log1p(v.hits)
            + weights.context * _share(c.text, context_words.__contains__)
            + weights.lexicon * _share(c.text, in_lexicon)
        )
        if c.text in lm_scores:
            score += weights.lm * math.exp(lm_scores[c.text] - best_lm)
        out.append(Rewrite(c.text, c.type, round(score, 4), v.hits))
    out.sort(key=lambda r: (-r.score, -r.hits, r.text))
    return out
