"""Review store: reviews per product, loaded from JSONL at start (one review a line:
`{"product_id", "id", "text", "rating"}`). Text is stored raw and cleaned per request,
like inline reviews, so masking rules apply to stored reviews too."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from searchlm.errors import NotFoundError
from services.review_summary.types import Review

DEMO_STORE = Path(__file__).parent / "data" / "demo_reviews.jsonl"


class ReviewStore:
    """Reviews by product id, in memory.

    Args:
        reviews: (product_id, review) pairs.
    """

    def __init__(self, reviews: Iterable[tuple[str, Review]] = ()) -> None:
        self._by_product: dict[str, list[Review]] = defaultdict(list)
        for product_id, review in reviews:
            self._by_product[product_id].append(review)

    @classmethod
    def load(cls, path: Path | str) -> ReviewStore:
        """Reads a JSONL file (blank lines skipped).

        Raises:
            ValueError: A line is not a review object, naming the line.
        """
        pairs = []
        for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                pairs.append((str(record["product_id"]), _review(record, number)))
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}:{number}: not a review record ({exc})") from exc
        return cls(pairs)

    def get(self, product_id: str) -> tuple[Review, ...]:
        """Reviews of a product.

        Raises:
            NotFoundError: Unknown product id.
        """
        if product_id not in self._by_product:
            raise NotFoundError(f"product_id: no reviews stored for {product_id!r}")
        return tuple(self._by_product[product_id])

    def products(self) -> list[str]:
        """Stored product ids, sorted."""
        return sorted(self._by_product)


def _review(record: dict[str, object], number: int) -> Review:
    rating = record.get("rating", 0)
    return Review(str(record.get("id") or f"l{number}"), str(record["text"]), int(rating))  # type: ignore[call-overload]
