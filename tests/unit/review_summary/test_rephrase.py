"""The LM's rephrasing of the panel's summary: served only when it names every aspect said and
passes the NLI gate; otherwise the realiser's sentence, flagged with the reason."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

import pytest

from searchlm.errors import UpstreamUnavailableError
from services.review_summary.rephrase import (
    Rephraser,
    RephraseSettings,
    build_rephrase_prompt,
    names_every_aspect,
    says_twice,
)
from services.review_summary.types import AspectOpinion, Review, SummaryRequest, SummaryResult
from tests.unit.review_summary.builders import panel_pipeline
from tests.unit.review_summary.fakes import CueScorer, FakeLm

REVIEWS = (
    Review("a", "배송이 빨라요. 음질이 좋아요.", 5),
    Review("b", "배송이 빠르네요. 음질도 좋네요.", 5),
    Review("c", "배터리가 아쉬워요.", 2),
    Review("d", "잘 받았습니다.", 4),
)
REALISED = "배송이 빠르고 음질이 좋다는 평이 많아요."
FAITHFUL = "배송도 빠르고 음질도 좋다는 리뷰가 많아요."
CUES: dict[str, Sequence[str]] = {
    "배송이 빠르다": ("배송이 빨", "배송이 빠르"),
    "음질이 좋다": ("음질이 좋", "음질도 좋"),
    # the gate asks a claim without its reporting frame ("-다는 리뷰가 많아요")
    "배송도 빠르고 음질도 좋다": ("배송이 빨",),
    "음질이 좋아요.": ("음질이 좋",),
    "배송이 빠르고 음질이 좋다 (긍정, 리뷰 4개 중 2개)": ("배송이 빨",),  # passes NLI here
}


def _run(lm: FakeLm, mode: str = "lm") -> SummaryResult:
    pipeline = panel_pipeline(lm, CueScorer(CUES), Rephraser(client=lm, settings=RephraseSettings(mode=mode)))
    return asyncio.run(pipeline.run(SummaryRequest(reviews=REVIEWS)))


def _opinion(aspect: str, statement: str, polarity: str, n: int) -> AspectOpinion:
    ids = tuple(str(i) for i in range(n))
    return AspectOpinion(aspect, polarity, statement, n, 0, ids, (), n / 10, n, 0.9)


def test_the_prompt_holds_the_statements_and_counts_and_no_review() -> None:
    prompt = build_rephrase_prompt(
        [_opinion("배송", "배송이 빠르다", "positive", 5), _opinion("소음", "소음이 있다", "negative", 2)], 10
    )
    tail = "- 배송이 빠르다 (긍정, 리뷰 10개 중 5개)\n- 소음이 있다 (부정, 리뷰 10개 중 2개)\n요약:"
    assert prompt.endswith(tail)
    assert not any(r.text in prompt for r in REVIEWS)


def test_a_rephrasing_must_name_every_aspect_said() -> None:
    opinions = [_opinion("배송", "배송이 빠르다", "positive", 5), _opinion("", "좋다", "positive", 3)]
    assert names_every_aspect("배 송이 빨라서 좋아요", opinions)  # spacing aside; the whole has no word
    assert not names_every_aspect("빨라서 좋아요", opinions)


def test_a_sentence_saying_one_thing_twice_is_caught() -> None:
    assert says_twice("볼만하다는 의견이 많지만, 볼만하다는 의견도 있어요.")
    assert not says_twice("배송이 빠르고 음질이 좋다는 평이 많지만, 배터리가 아쉽다는 의견도 있어요.")
    assert not says_twice("최고의 음질이고 배송도 빨라요.")


def test_a_faithful_rephrasing_is_served_flagged() -> None:
    lm = FakeLm([[FAITHFUL]])
    result = _run(lm)
    assert result.summary == FAITHFUL and result.passed and result.model == "fake-lm"
    assert {"opinion_summary", "lm_rephrased"} <= set(result.flags)
    assert [a.statement for a in result.aspects] == ["배송이 빠르다", "음질이 좋다"]  # the panel stays
    assert "배송이 빠르다 (긍정, 리뷰 4개 중 2개)" in lm.prompts[0] and lm.samplings[0].adapter == ""


@pytest.mark.parametrize(
    ("rephrasing", "flag"),
    [
        ("배송이 빠르고 음질이 좋고 가격도 싸요.", "rephrase_rejected"),  # invents a claim: fails the gate
        ("배송이 정말 빨라요.", "rephrase_unfit"),  # drops 음질
        ("배송이 빠르다는 평이 많지만, 배송이 빠르다는 의견도 있어요. 음질이 좋아요.", "rephrase_unfit"),
        ("배송이 빠르고 음질이 좋다 (긍정, 리뷰 4개 중 2개)", "rephrase_unfit"),  # the prompt's markup
    ],
)
def test_a_rephrasing_that_fails_leaves_the_realisers_sentence(rephrasing: str, flag: str) -> None:
    result = _run(FakeLm([[rephrasing]]))
    assert result.summary == REALISED and result.passed and flag in result.flags
    assert "lm_rephrased" not in result.flags


def test_auto_asks_the_lm_only_when_the_server_lists_the_adapter() -> None:
    lm = FakeLm([[FAITHFUL]])
    result = _run(lm, mode="auto")
    assert result.summary == REALISED and lm.prompts == [] and "lm_rephrased" not in result.flags
    lm.served_adapters = ("review-statements",)
    result = _run(lm, mode="auto")
    assert result.summary == FAITHFUL and lm.samplings[0].adapter == "review-statements"


def test_the_lm_down_leaves_the_realisers_sentence_not_degraded() -> None:
    result = _run(FakeLm(fail=True))
    assert result.summary == REALISED and result.passed and not result.degraded
    assert "rephrase_lm_unavailable" in result.flags


def test_auto_with_the_lm_down_serves_the_realisers_sentence_at_once() -> None:
    lm = FakeLm(fail=True)

    async def down() -> tuple[str, ...]:
        raise UpstreamUnavailableError("model server down")

    lm.adapters = down  # type: ignore[method-assign]
    result = _run(lm, mode="auto")
    assert result.summary == REALISED and lm.prompts == [] and not result.degraded
