"""Kiwi claims, the LM judge, the scorer registry, the store and pb conversion."""

from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import pytest

from searchlm.cli import panel_text
from searchlm.errors import InvalidRequestError
from searchlm.review_summary.v1 import review_summary_service_pb2 as pb
from services.review_summary import convert
from services.review_summary.adapters.kiwi_splitter import KiwiSplitter
from services.review_summary.adapters.lm_judge import LmJudgeEntailmentScorer
from services.review_summary.adapters.scorers import ScorerContext, build_scorer
from services.review_summary.store import ReviewStore
from services.review_summary.types import AspectOpinion, ClaimSupport, Review, SummaryRequest, SummaryResult
from tests.unit.review_summary.fakes import FakeLm


def test_kiwi_claims_split_contrastive_clauses_into_statements() -> None:
    splitter = KiwiSplitter()
    assert splitter.claims("맛은 좋지만 양이 적어요. 재구매 의사 있어요") == [
        "맛은 좋다",
        "양이 적어요.",
        "재구매 의사 있어요",
    ]


def test_lm_judge_scores_through_score_rpc_from_a_worker_thread() -> None:
    async def main() -> list[str]:
        judge = LmJudgeEntailmentScorer(FakeLm(), loop=asyncio.get_running_loop())
        scores = await asyncio.to_thread(
            judge.score, [("음질이 좋아요", "음질이 좋다"), ("음질이 좋아요", "가격이 싸다")]
        )
        return [s.label for s in scores]

    assert asyncio.run(main()) == ["entailment", "neutral"]
    assert threading.active_count() >= 1


def test_build_scorer_rejects_unknown_names_and_missing_context() -> None:
    with pytest.raises(ValueError, match="unknown NLI scorer"):
        build_scorer("nope", ScorerContext())
    with pytest.raises(ValueError, match="client"):
        build_scorer("lm_judge", ScorerContext())


def test_store_rejects_malformed_lines(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    path.write_text('{"product_id": "p", "text": "좋아요", "rating": 5}\n{"text": 1}\n', encoding="utf-8")
    with pytest.raises(ValueError, match=":2:"):
        ReviewStore.load(path)


def test_convert_request_requires_a_source() -> None:
    with pytest.raises(InvalidRequestError, match="source"):
        convert.to_request(pb.SummarizeReviewsRequest())


def test_convert_round_trips_request_and_fills_response() -> None:
    request = SummaryRequest(reviews=(Review("a", "좋아요", 5),), max_chars=80, language="ko")
    assert convert.to_request(convert.to_message(request)) == request
    claim = ClaimSupport("음질이 좋다", 0.9, 0.1, ("a", "b"), ("c",), True)
    result = SummaryResult("음질이 좋다", 0.9, True, (claim,), 5, 3, {"duplicate": 2}, flags=("pii_masked",))
    response = convert.to_response(result)
    assert response.reviews_dropped == 2 and response.dropped[0].reason == "duplicate"
    assert list(response.supporting_review_ids) == ["a", "b"]
    assert list(response.claims[0].contradicting_review_ids) == ["c"] and response.passed


def test_convert_fills_the_opinion_panel_and_the_cli_prints_it() -> None:
    opinion = AspectOpinion(
        "배터리", "negative", "배터리가 아쉽다", 3, 1, ("a", "b", "c"), ("d",), 0.5, 4, 0.9
    )
    overall = AspectOpinion("", "positive", "재밌다", 2, 0, ("e", "f"), (), 1 / 3, 2, 0.8)
    result = SummaryResult(
        "배터리가 아쉽다는 평이 많아요.", 0.9, True, (), 6, 6, {}, aspects=(opinion, overall)
    )
    response = convert.to_response(result)
    first = response.aspects[0]
    assert (first.aspect, first.polarity, first.statement) == ("배터리", "negative", "배터리가 아쉽다")
    assert (first.support_count, first.contradict_count, first.mentions) == (3, 1, 4)
    assert list(first.review_ids) == ["a", "b", "c"] and list(first.contradicting_review_ids) == ["d"]
    assert first.share == 0.5 and response.aspects[1].aspect == ""
    text = panel_text(response)
    assert "요약: 배터리가 아쉽다는 평이 많아요." in text
    assert "- 배터리" in text and "배터리가 아쉽다  (3명, 50%, 반대 1)  [a, b, c]" in text
    assert "+ 전반" in text and "재밌다  (2명, 33%)" in text
    assert "검증된 의견 없음" in panel_text(convert.to_response(SummaryResult("x", 0.0, False, (), 1, 1, {})))


@pytest.mark.parametrize(
    ("message", "field"),
    [
        (pb.SummarizeReviewsRequest(product_id="p" * 129), "product_id"),
        (pb.SummarizeReviewsRequest(product_id="p", language="k" * 17), "language"),
        (
            pb.SummarizeReviewsRequest(
                reviews=pb.ReviewList(
                    reviews=[pb.Review(id="a", text="t"), pb.Review(id="가" * 129, text="t")]
                )
            ),
            "reviews[1].id",
        ),
    ],
)
def test_overlong_identifiers_are_rejected_naming_the_field(
    message: pb.SummarizeReviewsRequest, field: str
) -> None:
    # Unbounded, they were quoted whole in NOT_FOUND / INVALID_ARGUMENT details and logs.
    with pytest.raises(InvalidRequestError) as info:
        convert.to_request(message)
    assert info.value.field == field
