"""Quoted claims are supported by identity; Kiwi clause splitting keeps auxiliary verbs."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from searchlm.nli.types import NliScores
from services.review_summary.checker import FaithfulnessChecker
from services.review_summary.faithfulness import FaithfulnessSettings, quoting_reviews, verbatim_key
from services.review_summary.types import Review
from tests.unit.review_summary.fakes import SimpleSplitter

REVIEWS = [
    Review("a", "기대없이 봤는데 꿀잼! 배우들 연기가 좋아요.", 5),
    Review("b", "기대 없이 봤는데, 꿀잼", 5),
    Review("c", "지루했어요.", 1),
]


class UnsureScorer:
    """An NLI model that never commits: neutral for every pair."""

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[NliScores]:
        return [NliScores(0.2, 0.6, 0.2) for _ in pairs]


def test_verbatim_key_ignores_spacing_punctuation_and_case() -> None:
    assert (
        verbatim_key("기대 없이 봤는데, 꿀잼!")
        == verbatim_key("기대없이 봤는데 꿀잼")
        == "기대없이봤는데꿀잼"
    )
    assert verbatim_key("Great SOUND.") == "greatsound"


def test_quoting_reviews_finds_every_review_that_contains_the_claim() -> None:
    assert quoting_reviews("기대없이 봤는데 꿀잼", REVIEWS) == ["a", "b"]
    assert quoting_reviews("배우들 연기가 좋아요", REVIEWS) == ["a"]
    assert quoting_reviews("배우들 연기가 별로예요", REVIEWS) == []


def test_too_short_claims_are_not_matched_verbatim() -> None:
    assert quoting_reviews("꿀잼", REVIEWS) == []  # two syllables match too much to prove anything


def test_a_quoted_claim_passes_even_when_nli_is_unsure() -> None:
    checker = FaithfulnessChecker(
        scorer=UnsureScorer(), splitter=SimpleSplitter(), settings=FaithfulnessSettings()
    )
    quoted, invented = checker.check(["기대없이 봤는데 꿀잼!", "배우들 연기가 최악이다."], REVIEWS)
    assert quoted.passed and quoted.claims[0].supporting_review_ids == ("a", "b")
    assert not invented.passed and invented.claims[0].supporting_review_ids == ()


def test_every_clause_of_a_quoted_sentence_is_supported_by_the_quoting_review() -> None:
    class ClauseSplitter(SimpleSplitter):
        def claims(self, text: str) -> list[str]:  # "A고 B" -> "A다", "B" like the Kiwi splitter
            return [c.strip() for s in self.sentences(text) for c in s.replace("좋고 ", "좋다|").split("|")]

    reviews = [Review("a", "연기가 좋고 음악이 감동적이에요.", 5), Review("b", "별로였어요.", 2)]
    checker = FaithfulnessChecker(
        scorer=UnsureScorer(), splitter=ClauseSplitter(), settings=FaithfulnessSettings()
    )
    [verdict] = checker.check(["연기가 좋고 음악이 감동적이에요."], reviews)
    assert [c.claim for c in verdict.claims] == ["연기가 좋다", "음악이 감동적이에요."]
    assert verdict.passed and all(c.supporting_review_ids == ("a",) for c in verdict.claims)


@pytest.fixture(scope="module")
def kiwi_splitter():  # type: ignore[no-untyped-def]
    from services.review_summary.adapters.kiwi_splitter import KiwiSplitter

    return KiwiSplitter()


@pytest.mark.parametrize(
    "sentence",
    ["영화는 아름답다는 평을 받고 있다.", "토토도 다시 살고 싶지 않다.", "한번 먹어 보고 싶다."],
)
def test_auxiliary_verbs_stay_in_their_clause(kiwi_splitter, sentence: str) -> None:  # type: ignore[no-untyped-def]
    assert kiwi_splitter.claims(sentence) == [sentence]


def test_listing_clauses_are_still_split(kiwi_splitter) -> None:  # type: ignore[no-untyped-def]
    assert kiwi_splitter.claims("배송도 빠르고 포장도 꼼꼼하다.") == ["배송도 빠르다", "포장도 꼼꼼하다."]
