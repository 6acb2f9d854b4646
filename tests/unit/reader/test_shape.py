"""The answer shape a Korean question asks for, and the preference for it."""

from __future__ import annotations

import pytest

from searchlm.reader.shape import AnswerShape, answer_shape, prefer_shape
from searchlm.reader.types import SpanAnswer

pytest.importorskip("kiwipiepy", reason="kiwipiepy is in the cpu extra")

# (question, an answer of the asked shape, an answer of another shape)
SHAPED = [
    ("천안함 피격 사건으로 몇 명이 사망하였는가?", "40명", "40명이 사망했으며 6명"),
    ("소방차 몇대를 출동시켰나?", "32대", "32대, 소방관 128명"),
    ("몇 개월 동안 수입을 금지하였는가?", "30개월 이상", "소고기"),
    ("2011년 몇월에 대지진이 발생하였나?", "3월", "3월 11일"),
    ("링컨은 몇 번째 대통령인가?", "16번째", "16대"),
    ("지지율은 몇 퍼센트였나?", "21.7%", "2007년"),
    ("참가자는 몇 명이었나요?", "약 700여 명", "30여개 단체"),
    ("그 탑은 몇 층이야?", "두 층", "꼭대기"),
    ("북조는 몇 년도에 전국을 통일하였나요?", "1392년", "1392년에 남조의"),
    ("무사 정권이 수립된 연도는?", "1336년", "숭무억문"),
    ("사과문을 실은 해는?", "2010년", "2010년 5월 1일"),
    ("어느 해에 개통했어?", "1974년", "8월 15일"),
]

UNSHAPED = [
    "이명박 대통령의 취임식은 언제 열렸는가?",  # 언제: a whole date is an answer
    "보헤미안 랩소디를 작곡한 사람은 누구인가?",
    "한라산의 높이는 얼마야?",
    "몇몇 학자들은 무엇을 주장했나?",
    "해는 어느 쪽에서 뜨나요?",  # the sun, not a year
]


@pytest.mark.parametrize(("question", "good", "bad"), SHAPED)
def test_shaped_questions(question: str, good: str, bad: str) -> None:
    shape = answer_shape(question)
    assert shape is not None
    assert shape.pattern.match(good)
    assert not shape.pattern.match(bad)


@pytest.mark.parametrize("question", UNSHAPED)
def test_questions_without_a_shape(question: str) -> None:
    assert answer_shape(question) is None


def _answer(text: str, confidence: float, start: int = 0) -> SpanAnswer:
    return SpanAnswer(text, 0, start, start + len(text), 1.0, confidence, 0.0)


def test_prefer_shape_moves_a_confident_enough_shaped_answer_first() -> None:
    shape = answer_shape("몇 명이 사망하였는가?")
    answers = [_answer("40명이 사망했으며 6명", 0.6), _answer("40명", 0.3), _answer("6명", 0.1)]
    assert [a.text for a in prefer_shape(answers, shape, 0.3)] == ["40명", "40명이 사망했으며 6명", "6명"]
    assert prefer_shape(answers, shape, 0.6) == answers  # 0.3 < 0.6 * 0.6
    assert prefer_shape(answers, None, 0.3) == answers


def test_prefer_shape_cuts_a_date_to_the_year_asked_for() -> None:
    shape = answer_shape("러시아산 천연가스가 처음 도입된 해는?")
    assert isinstance(shape, AnswerShape) and shape.year
    top = _answer("2009년 4월 11일", 0.9, start=5)
    cut = prefer_shape([top, _answer("러시아", 0.05)], shape, 0.3)[0]
    assert (cut.text, cut.start, cut.end) == ("2009년", 5, 10)
    when = answer_shape("언제 도입되었나?")
    assert prefer_shape([top], when, 0.3) == [top]
