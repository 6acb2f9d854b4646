"""Verdicts said through someone else or in set phrases: "아이가 좋아해요", "꼭 보세요", "사지
마세요", "재구매 의사 있어요", "볼 게 없다", "시간 가는 줄 몰랐다", "전작보다 못하다"."""

from __future__ import annotations

import pytest

from searchlm import text as korean
from services.review_summary import realiser
from services.review_summary.opinions import OVERALL, extract
from services.review_summary.types import Review


def _units(text: str, rating: int = 5) -> set[tuple[str, str, int]]:
    return {(u.aspect, u.stem, u.polarity) for u in extract(Review("r", text, rating), korean.tokenize(text))}


@pytest.mark.parametrize(
    ("text", "rating", "expected"),
    [
        ("아이가 너무 좋아해요", 5, {("아이", "좋아하", 1)}),
        ("우리 애들이 너무 좋아하네요", 5, {("애들", "좋아하", 1)}),
        ("남편이 싫어해요", 2, {("남편", "싫어하", -1)}),
        ("아이가 안 좋아해요", 2, {("아이", "좋아하", -1)}),  # Kiwi splits 좋/VA 어 하 after 안
        ("강아지가 잘 먹네요", 5, {("강아지", "잘먹", 1)}),
        ("강아지가 잘 안 먹어요", 2, {("강아지", "잘먹", -1)}),
        ("아이가 안 먹어요", 2, {("아이", "잘먹", -1)}),
        ("맛이 없어서 안 먹어요", 2, set()),  # nobody it was for: no verdict of theirs
        ("잘 먹었습니다", 5, set()),  # a courtesy; whose eating is unsaid
        # the reviewer's own taste, a wish or a guess is no verdict
        ("좋아하는 배우가 나와서 봤다", 5, set()),
        ("애들은 좋아할 것 같아요", 5, set()),
        ("요리를 좋아하신다면 추천", 5, {(OVERALL, "추천하", 1)}),
        ("원래 SF 영화 진짜 좋아하는데", 2, set()),
        # liking that modifies a noun or gives the reason for buying is no verdict
        ("아이가 좋아하던 브랜드라 샀어요", 5, set()),
        ("아이가 좋아하길래 샀는데 금방 질려해요", 2, set()),
        ("친구가 좋아해서 같이 봤어요", 3, set()),
        ("아이가 좋아할지 모르겠어요", 3, set()),
    ],
)
def test_recipients_judge_through_liking(text: str, rating: int, expected: set) -> None:
    assert _units(text, rating) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("꼭 보세요", {(OVERALL, "권하", 1)}),
        ("이 영화 꼭 보시길 바랍니다", {(OVERALL, "권하", 1)}),
        ("꼭봐야할영화", {(OVERALL, "권하", 1)}),
        ("무조건 봐야 됩니다", {(OVERALL, "권하", 1)}),
        ("꼭 한번 보세요", {(OVERALL, "권하", 1)}),
        ("이 제품 꼭 사세요", {(OVERALL, "권하", 1)}),
        ("절대 사지 마세요", {(OVERALL, "말리", -1)}),
        ("이건 보지 마요", {(OVERALL, "말리", -1)}),
        # no must-adverb, a question, or advice on how to buy: no verdict
        ("사이즈 보고 사세요", set()),
        ("끝까지 봐야 안다", set()),
        ("꼭 사야 하나요?", set()),
        # advice about something else, or not ending the sentence as advice
        ("구매 전에 사이즈표 꼭 보세요", set()),
        ("설명서 꼭 읽으세요", set()),
        ("상세페이지 꼭 보시고 구매하세요", set()),
        # "보지 마세요" is advice on how to watch; "무서워요" praises the whole as the rating says
        ("밤에 혼자 보지 마세요 너무 무서워요", {(OVERALL, "무섭", 1)}),
        ("사지 말고 빌려 보세요", set()),
        ("사지 말까 하다가 샀어요", set()),
    ],
)
def test_advice_is_a_verdict_on_the_whole(text: str, expected: set) -> None:
    assert _units(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("재구매 의사 있어요", {(OVERALL, "재구매하", 1)}),
        ("재구매할게요", {(OVERALL, "재구매하", 1)}),
        ("재구매 의사 없어요", {(OVERALL, "재구매안하", -1)}),
        ("재구매는 안 해요", {(OVERALL, "재구매안하", -1)}),
        ("재구매는 안 할 것 같아요", set()),  # a guess
        ("재구매할지 고민이에요", set()),  # whether
        ("재구매 하려다 말았어요", set()),  # meant to
        ("재구매 안 할 수가 없어요", set()),  # a double negative: no sure reading
        ("재구매 의사 전혀 없어요", {(OVERALL, "재구매안하", -1)}),
        ("재구매 의사 100% 있어요", {(OVERALL, "재구매하", 1)}),
        ("요즘 극장에 볼 게 없어서 봤는데 최고", {(OVERALL, "최고", 1)}),  # about the cinema
        ("볼 거 없는 주말에 봤어요", set()),
        ("기대보다 못한 건 아닌데 아쉬워요", {(OVERALL, "아쉽", -1)}),  # the comparison denied
        ("시간 가는 줄 모르고 봤네요", {(OVERALL, "시간가는줄모르", 1)}),
        ("애니 에버하트말곤 볼게 없다.", {(OVERALL, "볼게없", -1)}),
        ("볼거 하나 없음", {(OVERALL, "볼게없", -1)}),
        ("에로영화보다도 못하네", {(OVERALL, "보다못하", -1)}),
        ("배송이 생각보다 못하네요", {("배송", "보다못하", -1)}),  # its aspect stays
        ("연기를 못한다", {("연기", "못하", -1)}),  # no comparison: doing badly, as before
        ("다시 보니 반갑네", {(OVERALL, "반갑", 1)}),
    ],
)
def test_set_phrases_judge_the_whole(text: str, expected: set) -> None:
    assert _units(text, 3) == expected


def test_advice_and_recipients_are_said_in_standard_korean() -> None:
    said = {
        text: realiser.statement(
            realiser.Phrase(u.aspect, u.predicate, u.negated, 0.0, u.polarity), korean.join
        )
        for text in (
            "꼭 사세요",
            "보지 마세요",
            "아이가 너무 좋아해요",
            "아이가 안 좋아해요",
            "강아지가 잘 안 먹어요",
            "재구매 의사 없어요",
            "볼 것도 없다",
            "시간가는줄 몰랐다",
        )
        for u in extract(Review("r", text, 5), korean.tokenize(text))
    }
    assert said == {
        "꼭 사세요": "꼭 사야 한다",  # the auxiliary spaced, as the standard writes it
        "보지 마세요": "보지 말아야 한다",
        "아이가 너무 좋아해요": "아이가 좋아한다",
        "아이가 안 좋아해요": "아이가 좋아하지 않는다",
        "강아지가 잘 안 먹어요": "강아지가 잘 먹지 않는다",
        "재구매 의사 없어요": "재구매하지 않는다",
        "볼 것도 없다": "볼 것이 없다",
        "시간가는줄 몰랐다": "시간 가는 줄 몰랐다",
    }


def test_recipients_of_one_kind_are_one_aspect() -> None:
    from services.review_summary import lexicon

    assert {lexicon.ASPECT_CANON[w] for w in ("아들", "조카들", "애들", "아이")} == {"아이"}
    assert lexicon.ASPECT_CANON["엄마"] == "부모님"
