"""The KorQuAD-built yes/no set: forms, wrong answers of the gold's type, balance."""

from __future__ import annotations

import pytest

from eval.data.yes_no import FORMS, answer_type, items_of, wrong_answers
from searchlm.reader.training.data import QaExample
from services.free_qa.evidence import declarative
from services.free_qa.kinds import classify_by_rules
from services.free_qa.types import QuestionKind

CONTEXT = (
    "보헤미안 랩소디는 영국의 록 밴드 퀸의 노래이다. 이 곡은 프레디 머큐리가 작곡하였고 1975년에 "
    "발표되었다. 기타는 브라이언 메이가 연주했으며 녹음은 1974년에 시작되었다."
)


def _example(question: str, answer: str, qid: str = "q1") -> QaExample:
    return QaExample(qid, "보헤미안 랩소디", question, CONTEXT, answer, CONTEXT.index(answer), (answer,))


@pytest.mark.parametrize(
    ("form", "answer", "expected"),
    [
        ("이야?", "머큐리", "곡은 머큐리야?"),
        ("이야?", "1975년", "곡은 1975년이야?"),
        ("이지?", "퀸", "곡은 퀸이지?"),
        ("이죠?", "메이", "곡은 메이죠?"),
        ("맞나요?", "메이", "곡은 메이가 맞나요?"),
        ("맞나요?", "퀸", "곡은 퀸이 맞나요?"),
        ("statement", "메이", "곡은 메이다."),
        ("statement", "1975년", "곡은 1975년이다."),
    ],
)
def test_forms_attach_the_copula_by_the_final_consonant(form: str, answer: str, expected: str) -> None:
    assert FORMS[form]("곡은", answer) == expected


@pytest.mark.parametrize("form", sorted(FORMS))
def test_every_form_is_read_as_yes_no_and_restated(form: str) -> None:
    question = FORMS[form]("보헤미안 랩소디를 작곡한 사람은", "프레디 머큐리")
    assert classify_by_rules(question) is QuestionKind.YES_NO
    restated = question if form == "statement" else "보헤미안 랩소디를 작곡한 사람은 프레디 머큐리이다."
    assert declarative(question) == restated


def test_answer_types() -> None:
    assert answer_type("1975년") == "number"
    assert answer_type("프레디 머큐리") == "name"
    assert answer_type("빨리") is None


def test_wrong_answers_share_the_gold_type_and_leave_out_the_gold_and_the_question() -> None:
    numbers = wrong_answers(_example("보헤미안 랩소디가 발표된 해는 언제인가?", "1975년"), "number")
    assert numbers == ["1974년"]
    names = wrong_answers(_example("퀸의 보헤미안 랩소디를 작곡한 사람은 누구인가?", "프레디 머큐리"), "name")
    assert "브라이언 메이" in names
    assert not any("머큐리" in n or n == "퀸" for n in names)


def test_items_are_balanced_and_keep_the_gold_paragraph() -> None:
    examples = [
        _example("보헤미안 랩소디가 발표된 해는 언제인가?", "1975년", "q1"),
        _example("보헤미안 랩소디를 작곡한 사람은 누구인가?", "프레디 머큐리", "q2"),
        _example("보헤미안 랩소디는 어떤 노래인가?", "록", "q3"),  # no question word to fill: left out
    ]
    paragraphs = {"보헤미안 랩소디": [CONTEXT, "다른 문단이다.", "또 다른 문단이다."]}
    items = items_of(examples, paragraphs, distractors=2, seed=13)
    assert sorted(i.qid for i in items) == ["q1:no", "q1:yes", "q2:no", "q2:yes"]
    for item in items:
        assert item.passages[item.gold_passage] == CONTEXT and len(item.passages) == 3
        assert item.claimed in item.question
        assert item.gold_yes == (item.claimed in ("1975년", "프레디 머큐리"))
    assert items == items_of(examples, paragraphs, distractors=2, seed=13)  # seeded
