"""Claim splitting, premise packing and the per-claim NLI verdicts."""

from __future__ import annotations

from services.review_summary.checker import FaithfulnessChecker
from services.review_summary.faithfulness import FaithfulnessSettings, chunk_review, claim_core, pack_premises
from services.review_summary.types import Review
from tests.unit.review_summary.fakes import KeywordScorer, SimpleSplitter

REVIEWS = [
    Review("a", "배송이 빠르네요. 포장도 꼼꼼해요.", 5),
    Review("b", "음질이 좋아요.", 5),
    Review("c", "배송이 빠르고 좋았어요.", 4),
    Review("d", "배송이 느려요.", 1),
]


def _checker(scorer: KeywordScorer, chunk: int = 200, premise: int = 400) -> FaithfulnessChecker:
    settings = FaithfulnessSettings(chunk_chars=chunk, premise_chars=premise)
    return FaithfulnessChecker(scorer=scorer, splitter=SimpleSplitter(), settings=settings)


def test_chunk_review_keeps_sentences_whole_and_cuts_long_ones() -> None:
    review = Review("a", "첫 문장입니다. 두 번째 문장입니다. " + "가" * 50 + ".", 5)
    chunks = chunk_review(review, SimpleSplitter(), max_chars=20)
    assert [c.text for c in chunks][:1] == ["첫 문장입니다. 두 번째 문장입니다."]
    assert all(len(c.text) <= 20 for c in chunks)
    assert "".join(c.text for c in chunks[1:]).replace(" ", "") == "가" * 50 + "."


def test_pack_premises_packs_several_reviews_and_drops_nothing() -> None:
    chunks = [c for r in REVIEWS for c in chunk_review(r, SimpleSplitter(), 200)]
    packs = pack_premises(chunks, max_chars=40)
    assert len(packs) < len(chunks)
    assert any(len(p.review_ids) > 1 for p, _ in packs)
    assert [c for _, group in packs for c in group] == chunks
    assert all(len(p.text) <= 40 for p, _ in packs)


def test_claim_core_strips_reporting_frame() -> None:
    assert claim_core("배송이 빠르다는 평이 많습니다.") == "배송이 빠르다"
    assert claim_core("Most reviewers say the fit is great.") == "the fit is great"
    assert claim_core("음질이 좋다") == "음질이 좋다"


def test_check_names_supporting_reviews_through_packed_premises() -> None:
    scorer = KeywordScorer()
    [verdict] = _checker(scorer).check(["배송이 빠르다는 평이 많습니다."], REVIEWS)
    assert verdict.passed
    assert verdict.claims[0].supporting_review_ids == ("a", "c")
    # one packed premise holds all four reviews, then it is scored review by review
    assert scorer.pairs[0][0].count(".") >= 4


def test_check_fails_claim_the_reviews_contradict_as_often_as_support() -> None:
    scorer = KeywordScorer(opposites={"빠르": "느려"})
    reviews = [REVIEWS[0], REVIEWS[3]]
    [verdict] = _checker(scorer, premise=200).check(["배송이 빠르다."], reviews)
    claim = verdict.claims[0]
    assert claim.contradicting_review_ids == ("d",)
    assert not claim.passed and not verdict.passed and verdict.score == 0.0


def test_check_fails_unsupported_claim_in_a_two_claim_summary() -> None:
    [verdict] = _checker(KeywordScorer()).check(["음질이 좋아요, 가격이 싸요."], REVIEWS)
    assert [c.passed for c in verdict.claims] == [True, False]
    assert not verdict.passed


def test_check_scores_claims_against_every_review_past_any_cap() -> None:
    reviews = [Review(f"r{i}", f"평범한 후기 {i}번입니다.", 3) for i in range(40)] + [
        Review("last", "음질이 좋아요.", 5)
    ]
    [verdict] = _checker(KeywordScorer(), chunk=50, premise=100).check(["음질이 좋다."], reviews)
    assert verdict.passed and verdict.claims[0].supporting_review_ids == ("last",)
