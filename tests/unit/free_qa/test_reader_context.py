"""The reader's context budget (`services.free_qa.reader_context.focus_context`)."""

from __future__ import annotations

import re

from services.free_qa.reader_context import focus_context
from tests.unit.free_qa.fakes import words

PASSAGE = (
    "훈민정음은 조선의 문자이다. 세종이 1443년에 훈민정음을 창제하였다. 1446년에 반포되었다. "
    "한글이라는 이름은 20세기에 붙었다."
)


def split(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=\.)\s+", text) if s]


def cut(question: str, max_chars: int, text: str = PASSAGE) -> str:
    return focus_context(question, text, split=split, terms=words, max_chars=max_chars)


def test_the_sentences_nearest_the_question_are_kept_in_passage_order() -> None:
    question = "1443년에 훈민정음을 만든 왕은 누구인가?"  # 2 terms in the 2nd sentence, 1 in the 1st
    assert cut(question, 40) == "훈민정음은 조선의 문자이다. 세종이 1443년에 훈민정음을 창제하였다."
    assert cut(question, 30) == "세종이 1443년에 훈민정음을 창제하였다."


def test_the_best_sentence_is_kept_whatever_the_budget() -> None:
    assert cut("한글이라는 이름은 언제 붙었나?", 5) == "한글이라는 이름은 20세기에 붙었다."


def test_no_budget_or_a_short_passage_reads_the_whole_passage() -> None:
    assert cut("훈민정음을 창제한 왕은?", 0) == PASSAGE
    assert cut("훈민정음을 창제한 왕은?", len(PASSAGE)) == PASSAGE
    assert cut("질문", 5, "한 문장뿐인 긴 단락이다") == "한 문장뿐인 긴 단락이다"
