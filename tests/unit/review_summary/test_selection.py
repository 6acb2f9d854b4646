"""Selection of representative reviews keeps the rating distribution and the budget."""

from __future__ import annotations

from collections import Counter

import numpy as np

from services.review_summary.selection import (
    bigram_vectors,
    centrality,
    proportional_order,
    select,
    shortlist,
)
from services.review_summary.types import Review
from tests.unit.review_summary.fakes import HashEmbedder


class CountingEmbedder(HashEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.texts = 0

    def embed_passages(self, texts):  # type: ignore[no-untyped-def]
        self.texts += len(texts)
        return super().embed_passages(texts)


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


def test_bigram_vectors_keep_hangul_and_share_stems_across_particles() -> None:
    vectors = bigram_vectors(["배송이 빨라요", "배송은 빠르네요", "화면 밝기 최고", ""])
    np.testing.assert_allclose(np.linalg.norm(vectors[:3], axis=1), 1.0, rtol=1e-5)
    sims = vectors @ vectors.T
    assert sims[0, 1] > 0.2  # " 배", "배송", "빠" ... survive, unlike byte or ASCII tokenisers
    assert sims[0, 2] == 0.0 and not vectors[3].any()


def test_shortlist_fits_its_characters_keeps_ratings_and_drops_the_outliers_first() -> None:
    reviews = _many() + [Review(f"odd{i}", f"자동차 타이어 교체 후기 {i}", 5) for i in range(6)]
    budget = 22 * 26  # every _many() review is 25-26 characters long
    picked = shortlist(reviews, budget)
    assert sum(len(r.text) for r in picked) <= budget and len(picked) >= 21
    assert not any(r.id.startswith("odd") for r in picked)
    shares = Counter(r.rating for r in picked)
    assert shares[5] > shares[4] > shares[1] >= 3
    assert [r.id for r in picked] == [r.id for r in reviews if r in picked]  # input order
    assert shortlist(reviews[:5], budget) == reviews[:5]
    assert len(shortlist([Review("long", "가" * 400, 5), *reviews[:3]], 100)) >= 1


def test_select_embeds_only_the_shortlist() -> None:
    embedder = CountingEmbedder()
    chosen = select(_many(), embedder, budget_chars=10_000, max_reviews=12, shortlist_chars=24 * 26)
    assert 23 <= embedder.texts <= 25 and len(chosen) == 12
    assert Counter(r.rating for r in chosen) == {5: 6, 4: 4, 1: 2}
