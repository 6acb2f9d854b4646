"""Representative reviews when they exceed the LM's budget, keeping the rating distribution.

Centrality is the mean cosine of a review to every other review (e5 embeddings): the
reviews most like the rest say what many say. Ratings are kept by filling the budget in
the order a proportional quota gives: each step takes the most central remaining review of
the rating furthest below its share.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np

from searchlm.embed import Embedder
from services.review_summary.types import Review

# Embedding cost is quadratic in length; the opening of a review says what it is about.
EMBED_CHARS = 300


def review_vectors(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """(n, d) float32 passage vectors of the texts' first `EMBED_CHARS` characters, rows L2-normalised."""
    if not texts:
        return np.zeros((0, embedder.dims), dtype=np.float32)
    matrix = np.asarray(embedder.embed_passages([t[:EMBED_CHARS] for t in texts]), dtype=np.float32)
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)


def centrality(vectors: np.ndarray) -> np.ndarray:
    """Mean cosine of each row to the other rows (0 for a single row)."""
    n = len(vectors)
    if n < 2:
        return np.zeros(n, dtype=np.float32)
    sims = vectors @ vectors.T
    return (sims.sum(axis=1) - np.diag(sims)) / (n - 1)


def _queues(reviews: Sequence[Review], scores: np.ndarray) -> dict[int, list[int]]:
    buckets: dict[int, list[int]] = defaultdict(list)
    for i in np.argsort(-scores, kind="stable"):
        buckets[reviews[int(i)].rating].append(int(i))
    return buckets


def proportional_order(reviews: Sequence[Review], scores: np.ndarray) -> list[int]:
    """Review indices in the order that keeps each rating near its share at every prefix."""
    queues = _queues(reviews, scores)
    share = {rating: len(q) / len(reviews) for rating, q in queues.items()}
    taken = dict.fromkeys(queues, 0)
    order: list[int] = []
    for step in range(1, len(reviews) + 1):
        live = [r for r in queues if taken[r] < len(queues[r])]
        rating = max(live, key=lambda r: (share[r] * step - taken[r], share[r], -r))
        order.append(queues[rating][taken[rating]])
        taken[rating] += 1
    return order


def select(
    reviews: Sequence[Review], embedder: Embedder, *, budget_chars: int, max_reviews: int
) -> list[Review]:
    """Representative reviews whose texts fit `budget_chars`, in input order.

    Reviews are embedded only when they do not all fit.

    Args:
        reviews: Cleaned reviews.
        embedder: Sentence embeddings.
        budget_chars: Characters of review text the prompt can hold.
        max_reviews: Most reviews in the prompt.
    """
    if sum(len(r.text) for r in reviews) <= budget_chars and len(reviews) <= max_reviews:
        return list(reviews)
    scores = centrality(review_vectors(embedder, [r.text for r in reviews]))
    chosen: list[int] = []
    used = 0
    for i in proportional_order(reviews, scores):
        cost = len(reviews[i].text)
        if used + cost <= budget_chars and len(chosen) < max_reviews:
            chosen.append(i)
            used += cost
    if not chosen:  # every review alone is over budget: the most central one, cut to fit
        best = reviews[int(np.argmax(scores))]
        return [Review(best.id, best.text[:budget_chars], best.rating)]
    return [reviews[i] for i in sorted(chosen)]
