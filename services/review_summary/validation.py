"""Request checks of review_summary, run first by `ReviewSummaryPipeline.run` (so gRPC and
in-process callers get the same ones); every violation names its field."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from searchlm.errors import InvalidRequestError
from services.review_summary.types import Review, SummaryRequest

# Identifier bounds: the pipeline would otherwise look up, or quote back in an error, a
# product id, review id or language code megabytes long.
MAX_ID_CHARS = 128
MAX_LANGUAGE_CHARS = 16


@dataclass(frozen=True)
class Limits:
    """What a request may ask for.

    Attributes:
        languages: Supported summary languages.
        default_language: Used when the request leaves `language` empty.
        default_max_chars: Used when the request leaves `max_chars` at 0.
        max_chars_limit: Largest `max_chars`.
    """

    languages: frozenset[str]
    default_language: str = "ko"
    default_max_chars: int = 60
    max_chars_limit: int = 500


def _check_length(field: str, value: str, limit: int) -> None:
    if len(value) > limit:
        raise InvalidRequestError(field, f"must be at most {limit} characters, got {len(value)}")


def validate_reviews(reviews: Sequence[Review], *, max_reviews: int, max_review_chars: int) -> None:
    """Rejects review lists the service will not summarise (inline or from the store).

    Raises:
        InvalidRequestError: No reviews, too many, a too-long one, a bad rating or a repeated id.
    """
    if not reviews:
        raise InvalidRequestError("reviews", "no reviews to summarise")
    if len(reviews) > max_reviews:
        raise InvalidRequestError("reviews", f"at most {max_reviews} reviews, got {len(reviews)}")
    seen: set[str] = set()
    for i, review in enumerate(reviews):
        if len(review.text) > max_review_chars:
            raise InvalidRequestError(
                f"reviews[{i}].text", f"{len(review.text)} characters, at most {max_review_chars}"
            )
        if not 0 <= review.rating <= 5:
            raise InvalidRequestError(f"reviews[{i}].rating", f"must be 0..5, got {review.rating}")
        if review.id and review.id in seen:
            raise InvalidRequestError(f"reviews[{i}].id", f"repeated id {review.id!r}")
        seen.add(review.id)


def validate_identifiers(request: SummaryRequest) -> SummaryRequest:
    """Bounds the identifiers; returns the request.

    `convert` calls it as a request arrives (before an id is looked up or quoted in a log), and
    `validate_request` again for in-process callers.
    """
    _check_length("product_id", request.product_id, MAX_ID_CHARS)
    _check_length("language", request.language, MAX_LANGUAGE_CHARS)
    for i, review in enumerate(request.reviews):
        _check_length(f"reviews[{i}].id", review.id, MAX_ID_CHARS)
    return request


def validate_request(request: SummaryRequest, limits: Limits) -> None:
    """Raises `InvalidRequestError` naming the first invalid field of `request`.

    Identifier lengths first, then language and max_chars (after defaults). The reviews,
    inline or from the store, are checked once, by `validate_reviews` when they are cleaned.
    """
    validate_identifiers(request)
    language = request.language or limits.default_language
    if language not in limits.languages:
        raise InvalidRequestError("language", f"unsupported {language!r}; one of {sorted(limits.languages)}")
    max_chars = request.max_chars or limits.default_max_chars
    if not 10 <= max_chars <= limits.max_chars_limit:
        raise InvalidRequestError("max_chars", f"must be 10..{limits.max_chars_limit}, got {max_chars}")
