"""Cleaning: validate, normalise, mask personal data, drop empty, duplicate, near-duplicate
and instruction-like reviews. Runs before anything reaches the LM or the logs."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from searchlm.errors import InvalidRequestError
from searchlm.injection import looks_like_instruction
from services.review_summary.types import CleanedReviews, Review
from services.review_summary.validation import validate_reviews

# Ordered: cards before phones before accounts, so a 16-digit card is not read as an
# account. The third item is the fewest digits a match needs (dates and prices stay).
PII_PATTERNS: dict[str, tuple[re.Pattern[str], str, int]] = {
    "email": (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[이메일]", 0),
    "card": (re.compile(r"(?<!\d)\d{4}[- ]?\d{4,6}[- ]?\d{4,5}(?:[- ]?\d{1,4})?(?!\d)"), "[카드번호]", 14),
    "phone": (
        re.compile(
            r"(?<![\d-])(?:\+82[- ]?)?0?1[016789][- .]?\d{3,4}[- .]?\d{4}(?!\d)"
            r"|(?<![\d-])0[2-6]\d?[- .)]\d{3,4}[- .]\d{4}(?!\d)"
        ),
        "[전화번호]",
        9,
    ),
    "account": (
        re.compile(r"(?<![\d-])\d{2,6}(?:-\d{2,7}){1,3}(?![\d-])|(?<!\d)\d{10,14}(?!\d)"),
        "[계좌번호]",
        10,
    ),
}

# Reviews that address the summariser instead of describing the product are dropped:
# delimiting keeps them from changing the instructions, dropping keeps their payload out
# of both the prompt and the NLI premises (where it could "support" itself).

_SPACES = re.compile(r"\s+")
_REPEATS = re.compile(r"(.)\1{4,}")
_NORMALISE_DROP = re.compile(r"[^\w\s]")
_NO_CONTENT = re.compile(r"[\W_ㄱ-ㅎㅏ-ㅣ]+")  # punctuation and bare jamo (ㅋㅋㅋ, ㅠㅠ) say nothing


@dataclass(frozen=True)
class CleaningSettings:
    """Limits and thresholds of cleaning.

    Attributes:
        max_reviews: Most reviews per request.
        max_review_chars: Longest review accepted.
        near_duplicate_jaccard: Character-trigram Jaccard at or above which a review is a
            near-duplicate of one kept earlier.
        min_chars: Reviews shorter than this (after normalising) count as empty.
    """

    max_reviews: int = 200
    max_review_chars: int = 5000
    near_duplicate_jaccard: float = 0.8
    min_chars: int = 2

    def __post_init__(self) -> None:
        if self.max_reviews < 1 or self.max_review_chars < 1:
            raise ValueError("max_reviews and max_review_chars must be >= 1")
        if not 0.0 < self.near_duplicate_jaccard <= 1.0:
            raise ValueError("near_duplicate_jaccard must be in (0, 1]")


def normalise(text: str) -> str:
    """NFC, collapsed whitespace, runs of one character cut to three (ㅋㅋㅋㅋㅋㅋ -> ㅋㅋㅋ)."""
    text = unicodedata.normalize("NFC", text)
    text = _REPEATS.sub(lambda m: m.group(1) * 3, text)
    return _SPACES.sub(" ", text).strip()


def mask_pii(text: str, counts: Counter[str] | None = None) -> str:
    """Replaces phone numbers, e-mail addresses, card and account numbers with placeholders."""
    for kind, (pattern, placeholder, min_digits) in PII_PATTERNS.items():

        def _replace(
            match: re.Match[str], kind: str = kind, placeholder: str = placeholder, need: int = min_digits
        ) -> str:
            if sum(c.isdigit() for c in match.group(0)) < need:
                return match.group(0)
            if counts is not None:
                counts[kind] += 1
            return placeholder

        text = pattern.sub(_replace, text)
    return text


def looks_like_injection(text: str) -> bool:
    """True when a review addresses the summariser (instructions, role tags, delimiters)."""
    return looks_like_instruction(text)


def _trigrams(text: str) -> frozenset[str]:
    key = _NORMALISE_DROP.sub("", text.lower()).replace(" ", "")
    return frozenset(key[i : i + 3] for i in range(max(1, len(key) - 2)))


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


class _Deduplicator:
    """Exact duplicates by normalised key; near-duplicates by trigram Jaccard."""

    def __init__(self, threshold: float) -> None:
        self._threshold = threshold
        self._keys: set[str] = set()
        self._shingles: list[frozenset[str]] = []

    def verdict(self, text: str) -> str | None:
        key = _NORMALISE_DROP.sub("", text.lower()).replace(" ", "")
        if key in self._keys:
            return "duplicate"
        shingles = _trigrams(text)
        if any(_jaccard(shingles, seen) >= self._threshold for seen in self._shingles):
            return "near_duplicate"
        self._keys.add(key)
        self._shingles.append(shingles)
        return None


def clean(reviews: Sequence[Review], settings: CleaningSettings) -> CleanedReviews:
    """Validates, then normalises, masks and filters reviews (first occurrence wins).

    Raises:
        InvalidRequestError: Bad input, or nothing left after cleaning.
    """
    validate_reviews(reviews, max_reviews=settings.max_reviews, max_review_chars=settings.max_review_chars)
    dropped: Counter[str] = Counter()
    masked: Counter[str] = Counter()
    dedup = _Deduplicator(settings.near_duplicate_jaccard)
    kept: list[Review] = []
    for i, review in enumerate(reviews):
        text = mask_pii(normalise(review.text), masked)
        reason = _drop_reason(text, settings, dedup)
        if reason:
            dropped[reason] += 1
            continue
        kept.append(Review(review.id or f"r{i}", text, review.rating))
    if not kept:
        detail = ", ".join(f"{n} {reason}" for reason, n in sorted(dropped.items()))
        raise InvalidRequestError("reviews", f"nothing left after cleaning ({detail})")
    return CleanedReviews(tuple(kept), len(reviews), dict(dropped), dict(masked))


def _drop_reason(text: str, settings: CleaningSettings, dedup: _Deduplicator) -> str | None:
    if len(_NO_CONTENT.sub("", text)) < settings.min_chars:
        return "empty"
    if looks_like_injection(text):
        return "injection"
    return dedup.verdict(text)
