"""Extractive fallback: the review sentence closest to what all used reviews say."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from searchlm.embed import Embedder
from services.review_summary.faithfulness import TextSplitter
from services.review_summary.selection import review_vectors
from services.review_summary.types import Review

_MIN_CHARS = 8


def representative_sentence(
    reviews: Sequence[Review], *, splitter: TextSplitter, embedder: Embedder, max_chars: int
) -> str:
    """The sentence whose embedding is closest to the centroid of the reviews.

    Sentences are drawn from every review; those shorter than a few characters are skipped
    unless nothing else is left, and the winner is cut to `max_chars` at a word boundary.
    """
    sentences = list(dict.fromkeys(s for r in reviews for s in splitter.sentences(r.text)))
    usable = [s for s in sentences if len(s) >= _MIN_CHARS] or sentences or [reviews[0].text]
    centroid = review_vectors(embedder, [r.text for r in reviews]).mean(axis=0)
    scores = review_vectors(embedder, usable) @ centroid
    # prefer sentences that fit: a cut sentence reads worse than a slightly less central one
    fits = np.array([len(s) <= max_chars for s in usable])
    best = usable[int(np.argmax(np.where(fits, scores, scores - 10.0)))]
    return _cut(best, max_chars)


def _cut(text: str, max_chars: int) -> str:
    if len(text) <= max_chars:
        return text
    head = text[:max_chars]
    return head.rsplit(" ", 1)[0] if " " in head else head
