"""The pipeline with the opinion panel: the realiser's summary of verified statements, and the
LM path only when no statement passes."""

from __future__ import annotations

import asyncio

from services.review_summary.types import Review, SummaryRequest, SummaryResult
from tests.unit.review_summary.builders import panel_pipeline
from tests.unit.review_summary.fakes import CueScorer, FakeLm

REVIEWS = (
    Review("a", "배송이 빨라요. 음질이 좋아요.", 5),
    Review("b", "배송이 빠르네요. 음질도 좋네요.", 5),
    Review("c", "배터리가 아쉬워요.", 2),
    Review("d", "잘 받았습니다.", 4),
)
CUES = {
    "배송이 빠르다": ("배송이 빨", "배송이 빠르"),
    "음질이 좋다": ("음질이 좋", "음질도 좋"),
    "음질이 좋다는 평이 많다": ("음질이 좋",),
}


def _run(lm: FakeLm, scorer: CueScorer, request: SummaryRequest) -> SummaryResult:
    return asyncio.run(panel_pipeline(lm, scorer).run(request))


def test_summary_comes_from_verified_statements_without_the_lm() -> None:
    lm = FakeLm([["세계 최고의 이어폰."]])
    result = _run(lm, CueScorer(CUES), SummaryRequest(reviews=REVIEWS))
    assert result.summary == "배송이 빠르고 음질이 좋다는 평이 많아요."
    assert result.passed and "opinion_summary" in result.flags and not result.extractive_fallback
    assert lm.prompts == [] and result.model == ""
    assert [(a.statement, a.support_count) for a in result.aspects] == [
        ("배송이 빠르다", 2),
        ("음질이 좋다", 2),
    ]
    assert {c.claim for c in result.claims} == {"배송이 빠르다", "음질이 좋다"}
    assert result.reviews_with_opinions == 3


def test_no_statement_passes_so_the_lm_path_serves_and_the_panel_is_empty() -> None:
    lm = FakeLm([["음질이 좋다는 평이 많다."]])
    result = _run(
        lm,
        CueScorer({"음질이 좋다": ("음질이 좋",), "음질이 좋다는 평이 많다": ("음질이 좋",)}),
        SummaryRequest(reviews=REVIEWS),
    )
    # "음질이 좋다" has one supporting review alone ("음질도 좋" is not a cue here): not served
    assert result.aspects == () and len(lm.prompts) == 1
    assert "opinion_summary" not in result.flags and (result.passed or result.extractive_fallback)


def test_english_summaries_skip_the_panel() -> None:
    lm = FakeLm([["Fast delivery."]])
    result = _run(lm, CueScorer(CUES), SummaryRequest(reviews=REVIEWS, language="en"))
    assert result.aspects == () and lm.prompts and "opinion_summary" not in result.flags
