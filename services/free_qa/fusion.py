"""Reciprocal rank fusion (Cormack et al., 2009): score = sum of w / (k + rank)."""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from typing import TypeVar

K = TypeVar("K", bound=Hashable)

RRF_K = 60
"""The constant of the original paper; it damps the head so one list cannot dominate."""


def reciprocal_rank_fusion(
    rankings: Sequence[Sequence[K]], *, k: int = RRF_K, weights: Sequence[float] | None = None
) -> list[tuple[K, float]]:
    """Fuses ranked lists into one.

    Args:
        rankings: Each a list of keys, best first (duplicates inside one list count once).
        k: RRF constant (> 0).
        weights: One weight per list (default 1 each).

    Returns:
        (key, fused score) pairs, best first; ties keep first-seen order.

    Raises:
        ValueError: `k` not positive or weights of the wrong length.
    """
    if k <= 0:
        raise ValueError("k must be positive")
    weights = list(weights) if weights is not None else [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    scores: dict[K, float] = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        seen: set[K] = set()
        for rank, key in enumerate(ranking, start=1):
            if key in seen:
                continue
            seen.add(key)
            scores[key] = scores.get(key, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda item: -item[1])
