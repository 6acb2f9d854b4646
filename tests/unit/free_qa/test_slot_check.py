"""The reader's slot check for yes/no claims (`services.free_qa.slot_check`), with real Kiwi."""

from __future__ import annotations

import pytest

from searchlm.reader.types import SpanAnswer
from services.free_qa.evidence import declarative
from services.free_qa.kiwi_text import morphemes
from services.free_qa.slot_check import Slot, focus_slot, judge_slot, same_answer


def slot_of(question: str) -> Slot | None:
    claim = declarative(question)
    return focus_slot(claim, morphemes(claim))


@pytest.mark.parametrize(
    ("question", "text", "asked"),
    [
        ("이 곡을 작곡한 사람은 프레디 머큐리지?", "프레디 머큐리", "이 곡을 작곡한 사람은 무엇인가?"),
        ("북조가 옹립한 천황은 고묘 천황이 맞나요?", "고묘 천황", "북조가 옹립한 천황은 무엇인가?"),
        ("서울은 한국의 수도야?", "수도", "서울은 한국의 무엇인가?"),
        ("한라산의 높이는 1950미터인가요?", "1950미터", "한라산의 높이는 몇 미터인가?"),
        ("임진왜란이 일어난 해는 1592년입니까?", "1592년", "임진왜란이 일어난 해는 언제인가?"),
        ("고양이는 포유류다.", "포유류", "고양이는 무엇인가?"),
        ("링컨은 제16대 대통령인가?", "제16대 대통령", "링컨은 몇 대 대통령인가?"),
        ("이자 비용은 11조 4000억원이다.", "11조 4000억원", "이자 비용은 몇 원인가?"),
    ],
)
def test_a_copular_claim_asks_for_its_complement(question: str, text: str, asked: str) -> None:
    slot = slot_of(question)
    assert slot is not None and slot.text == text and slot.question == asked


@pytest.mark.parametrize(
    "question",
    [
        "해파리는 뇌가 있어?",  # the predicate carries the claim, not a slot
        "그 전투는 1592년에 일어났습니까?",
        "링컨은 16대 대통령이 아니야?",  # negative copula
        "그는 안 착한 사람이다.",  # negation
        "날씨가 좋다.",
    ],
)
def test_claims_that_are_not_copular_have_no_slot(question: str) -> None:
    assert slot_of(question) is None


@pytest.mark.parametrize(
    ("answer", "slot", "same"),
    [
        ("고묘천황", "고묘 천황", True),
        ("요시노", "요시노이", True),  # Kiwi keeps the copula on a contracted name
        ("프레디 머큐리", "머큐리", True),
        ("1592년", "1592년", True),
        ("8억 달러 선으로 전달에 비해 55억 달러", "8억 달러 선", True),  # a span that holds the slot
        ("1590년", "1592년", False),
        ("15", "1592년", False),
        ("고다이고 천황", "고묘 천황", False),
        ("", "수도", False),
        ("가", "가나", False),  # one syllable is not contained evidence
    ],
)
def test_same_answer(answer: str, slot: str, same: bool) -> None:
    assert same_answer(answer, slot) is same


def _span(text: str, confidence: float) -> SpanAnswer:
    return SpanAnswer(
        text=text, passage_index=0, start=0, end=len(text), score=5.0, confidence=confidence, null_score=0.0
    )


def test_judge_slot_says_yes_no_or_nothing() -> None:
    slot = Slot(text="고묘 천황", kind="name", question="북조가 옹립한 천황은 무엇인가?")
    asked: list[str] = []

    def reads(text: str, confidence: float):
        def read(question, passages):
            asked.append(question)
            return [_span(text, confidence)]

        return read

    yes = judge_slot(reads("고묘 천황", 0.7), slot, ["북조는 고묘 천황을 옹립하였다."], 0.2)
    no = judge_slot(reads("고다이고 천황", 0.7), slot, ["p"], 0.2)
    assert yes is not None and yes.yes and yes.confidence == 0.7
    assert no is not None and not no.yes
    assert judge_slot(reads("고묘 천황", 0.1), slot, ["p"], 0.2) is None
    assert judge_slot(lambda q, p: [], slot, ["p"], 0.2) is None
    null_wins = [SpanAnswer("고묘 천황", 0, 0, 5, score=2.0, confidence=0.9, null_score=6.0)]
    assert judge_slot(lambda q, p: null_wins, slot, ["p"], 0.0) is None
    assert asked == [slot.question] * 3


def test_a_near_best_span_that_names_the_slot_says_yes() -> None:
    slot = Slot(text="2004년", kind="number", question="개편한 시기는 언제인가?")
    spans = [_span("2004년 7월 1일", 0.21), _span("2004년", 0.2), _span("2010년", 0.14)]
    yes = judge_slot(lambda q, p: spans, slot, ["p"], 0.15)
    assert yes is not None and yes.yes and yes.answer.text == "2004년 7월 1일"
    far = [_span("2010년", 0.6), _span("2004년", 0.2)]  # under half the best one's confidence
    no = judge_slot(lambda q, p: far, slot, ["p"], 0.15)
    assert no is not None and not no.yes and no.answer.text == "2010년" and no.confidence == 0.6
