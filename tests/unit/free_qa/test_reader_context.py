"""The reader's context budget (`services.free_qa.reader_context.focus_contexts`)."""

from __future__ import annotations

import re

from services.free_qa.reader_context import focus_contexts, split_terms
from tests.unit.free_qa.fakes import words

PASSAGE = (
    "훈민정음은 조선의 문자이다. 세종이 1443년에 훈민정음을 창제하였다. 1446년에 반포되었다. "
    "한글이라는 이름은 20세기에 붙었다."
)


def split(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=\.)\s+", text) if s]


def cut(question: str, max_chars: int, text: str = PASSAGE) -> str:
    analyse = split_terms(split, words)
    [out] = focus_contexts(question, [text], analyse=analyse, terms=words, max_chars=max_chars)
    return out


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


def test_passages_are_analysed_once_in_one_batch_and_cut_each_on_its_own() -> None:
    batches: list[list[str]] = []
    analyse = split_terms(split, words)

    def counted(texts):  # type: ignore[no-untyped-def]
        batches.append(list(texts))
        return analyse(texts)

    short = "짧은 글이다."
    question = "한글이라는 이름은 언제 붙었나?"
    out = focus_contexts(question, [PASSAGE, short, PASSAGE], analyse=counted, terms=words, max_chars=25)
    assert out == ["한글이라는 이름은 20세기에 붙었다.", short, "한글이라는 이름은 20세기에 붙었다."]
    assert batches == [[PASSAGE]]  # the short passage is read whole, the repeated one analysed once


def test_kiwi_sentence_terms_cut_as_the_splitter_does_with_each_sentences_content_terms() -> None:
    from services.free_qa import kiwi_text

    texts = [PASSAGE, "이순신은 조선의 장군이다. 그는 거북선을 만들었다."]
    analysed = kiwi_text.sentence_terms(texts)
    assert [[s for s, _ in one] for one in analysed] == [kiwi_text.split_sentences(t) for t in texts]
    second = dict(analysed[1])
    assert {"이순신", "조선", "장군"} <= set(second["이순신은 조선의 장군이다."])
    assert "만들다" in second["그는 거북선을 만들었다."]  # verb stems get 다, as `terms` gives them
    assert kiwi_text.sentence_terms([]) == []


def shared(question: str, texts: list[str], max_chars: int, total_chars: int) -> list[str]:
    analyse = split_terms(split, words)
    return focus_contexts(
        question, texts, analyse=analyse, terms=words, max_chars=max_chars, total_chars=total_chars
    )


def test_a_shared_budget_keeps_the_nearest_sentences_across_passages() -> None:
    other = "세종은 조선의 네 번째 왕이다. 집현전을 두었다."
    question = "세종이 훈민정음을 창제한 해는?"  # 3 terms in PASSAGE's 2nd sentence, 1 in `other`'s 1st
    # the other passage is not read at all
    assert shared(question, [other, PASSAGE], 0, 30) == ["", "세종이 1443년에 훈민정음을 창제하였다."]
    assert shared(question, [other, PASSAGE], 0, 60) == [
        "세종은 조선의 네 번째 왕이다.",
        "훈민정음은 조선의 문자이다. 세종이 1443년에 훈민정음을 창제하였다.",
    ]


def test_a_shared_budget_caps_each_passage_and_always_keeps_the_best_sentence() -> None:
    question = "1443년에 훈민정음을 창제한 세종"
    assert shared(question, [PASSAGE], 30, 200) == ["세종이 1443년에 훈민정음을 창제하였다."]
    assert shared(question, [PASSAGE, "짧다."], 0, 5) == ["세종이 1443년에 훈민정음을 창제하였다.", ""]


def test_surface_sentences_cut_at_punctuation_and_line_breaks_without_analysis() -> None:
    from services.free_qa.reader_context import surface_sentences

    text = "세종은 임금이다. 훈민정음을 창제하였다! 정말인가? 그렇다\n다음 줄이다.  "
    assert surface_sentences([text, ""]) == [
        [
            ("세종은 임금이다.", []),
            ("훈민정음을 창제하였다!", []),
            ("정말인가?", []),
            ("그렇다", []),
            ("다음 줄이다.", []),
        ],
        [],
    ]
    assert (
        surface_sentences(["1.5배 빠르다. 3.14는 원주율이다."])[0][0][0] == "1.5배 빠르다."
    )  # no break inside a number


def test_the_surface_cut_finds_the_questions_terms_written_in_the_sentences() -> None:
    from services.free_qa import kiwi_text
    from services.free_qa.reader_context import surface_sentences

    question = "훈민정음을 창제한 임금은 누구인가?"  # Kiwi terms: 훈민정음, 창제, 임금
    [out] = focus_contexts(
        question, [PASSAGE], analyse=surface_sentences, terms=kiwi_text.terms, max_chars=30
    )
    assert out == "세종이 1443년에 훈민정음을 창제하였다."  # 2 terms written there, 1 or 0 elsewhere
    # a verb's stem is looked for without 다 ("붙" is too short to count on its own)
    [verb] = focus_contexts(
        "언제 반포되었나?", [PASSAGE], analyse=surface_sentences, terms=lambda q: ["반포되다"], max_chars=10
    )
    assert verb == "1446년에 반포되었다."
