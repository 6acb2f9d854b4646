"""Selection of representative reviews keeps the rating distribution and the budget."""

from __future__ import annotations

from collections import Counter

from services.review_summary.selection import centrality, proportional_order, select
from services.review_summary.types import Review
from tests.unit.review_summary.fakes import HashEmbedder


def _many() -> list[Review]:
    texts = {
        5: "배송 빠르고 음질 좋아요 만족",
        4: "음질 괜찮고 배터리 오래가요",
        1: "불량이라 소리가 안 나요 환불",
    }
    counts = {5: 30, 4: 20, 1: 10}
    return [
        Review(f"{rating}-{i}", f"{texts[rating]} {i}번째 후기입니다", rating)
        for rating, n in counts.items()
        for i in range(n)
    ]


def test_select_keeps_every_review_within_budget_without_embedding() -> None:
    embedder = HashEmbedder()
    reviews = _many()[:5]
    assert select(reviews, embedder, budget_chars=10_000, max_reviews=30) == reviews
    assert embedder.calls == 0


def test_select_keeps_rating_distribution_under_budget() -> None:
    chosen = select(_many(), HashEmbedder(), budget_chars=10_000, max_reviews=12)
    assert len(chosen) == 12
    assert Counter(r.rating for r in chosen) == {5: 6, 4: 4, 1: 2}


def test_select_fits_character_budget() -> None:
    reviews = _many()
    chosen = select(reviews, HashEmbedder(), budget_chars=200, max_reviews=100)
    assert sum(len(r.text) for r in chosen) <= 200
    assert {r.rating for r in chosen} >= {5, 4}


def test_select_cuts_a_single_over_budget_review() -> None:
    chosen = select([Review("a", "가나다 " * 100, 5)], HashEmbedder(), budget_chars=50, max_reviews=5)
    assert len(chosen) == 1 and len(chosen[0].text) == 50


def test_proportional_order_prefers_central_reviews_within_a_rating() -> None:
    reviews = [Review("odd", "완전히 다른 이야기 자동차 타이어", 5)] + [
        Review(f"c{i}", f"음질이 좋아요 배터리 좋아요 {i}", 5) for i in range(4)
    ]
    scores = centrality(HashEmbedder().embed_passages([r.text for r in reviews]))
    assert reviews[proportional_order(reviews, scores)[-1]].id == "odd"
