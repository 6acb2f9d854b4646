"""Extractive answer spans on real Korean text (real Kiwi): candidates, answer types, scoring, rerank."""

from __future__ import annotations

import json

import pytest

from searchlm.lm.types import LmScore
from services.free_qa.factory import DEMO_CORPUS
from services.free_qa.kiwi_text import morphemes, split_sentences, terms
from services.free_qa.paraphrases import alternatives
from services.free_qa.span_answerer import SpanAnswerer, SpanConfig
from services.free_qa.span_features import question_case, type_score
from services.free_qa.spans import AnswerType, Candidate, answer_type, candidates
from services.free_qa.types import Passage, ScoredPassage

SEJONG = "세종대왕은 1443년에 한글을 만들었다."
NA = "나경원은 2018년 1월 17일 국제올림픽위원회에 서한을 보냈다."
PHONE = "삼성 갤럭시 노트 5의 배터리 용량은 3,000 mAh이다."
BOOKS = "그는 「토지」와 『태백산맥』, '마이 라이프'를 읽었다."


def spans_of(sentence: str) -> list[Candidate]:
    return candidates(sentence, morphemes(sentence))


def texts(sentence: str) -> list[str]:
    return [c.text for c in spans_of(sentence)]


@pytest.mark.parametrize("sentence", [SEJONG, NA, PHONE, BOOKS])
def test_candidates_are_exact_substrings_at_their_offsets(sentence: str) -> None:
    found = spans_of(sentence)
    assert found
    assert all(sentence[c.start : c.end] == c.text and c.text.strip() == c.text for c in found)


def test_candidates_strip_particles_from_nouns() -> None:
    found = texts(SEJONG)
    assert {"세종대왕", "1443년", "한글"} <= set(found)
    assert not {"세종대왕은", "1443년에", "한글을"} & set(found)
    assert not any(t.endswith(("은", "에", "을")) for t in found)


def test_candidates_keep_numbers_with_their_counters_and_dates_whole() -> None:
    found = texts(NA)
    assert {"2018년 1월 17일", "2018년", "1월 17일", "국제올림픽위원회", "나경원"} <= set(found)
    assert "2018" not in found and "17" not in found and "1443" not in texts(SEJONG)
    assert "3,000 mAh" in texts(PHONE)


def test_candidates_include_quoted_titles_without_their_quotes() -> None:
    quoted = {c.text for c in spans_of(BOOKS) if c.quoted}
    assert quoted == {"토지", "태백산맥", "마이 라이프"}


def test_candidates_know_the_particle_that_follows_them() -> None:
    by_text = {c.text: c for c in spans_of(SEJONG)}
    assert by_text["한글"].next_tag == "JKO" and by_text["1443년"].next_tag == "JKB"


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("한글을 만든 사람은 누구야?", AnswerType.PERSON),
        ("세종대왕은 언제 한글을 만들었어?", AnswerType.DATE),
        ("김이수는 몇 년도에 태어났는가?", AnswerType.DATE),
        ("방탄소년단이 미국 빌보드 200에 첫 진입한 해는?", AnswerType.DATE),
        ("일본 대지진으로 파견한 선발대는 총 몇 명이었는가?", AnswerType.NUMBER),
        ("한라산의 높이는 얼마야?", AnswerType.NUMBER),
        ("소비에트 연방이 침공하기 시작한 곳은 어디인가?", AnswerType.PLACE),
        ("원전 중대사고로 대표되는 것은 무엇인가?", AnswerType.THING),
        ("박대성의 별명은?", AnswerType.ANY),
    ],
)
def test_answer_type_follows_the_question_word(question: str, kind: AnswerType) -> None:
    assert answer_type(question) is kind


def test_type_score_prefers_dates_for_when_and_names_for_who() -> None:
    by_text = {c.text: c for c in spans_of(NA)}
    full, year, name = by_text["2018년 1월 17일"], by_text["2018년"], by_text["나경원"]
    assert type_score(AnswerType.DATE, full) > type_score(AnswerType.DATE, year) > 0
    assert type_score(AnswerType.DATE, name) < 0
    assert type_score(AnswerType.PERSON, name) > type_score(AnswerType.PERSON, year)


def test_question_case_is_the_role_of_the_question_word() -> None:
    assert question_case(morphemes("후지와라 백작은 누구를 유혹하였는가?")) == "object"
    assert question_case(morphemes("한글을 누가 만들었어?")) == "subject"
    assert question_case(morphemes("박대성의 별명은?")) == ""


PASSAGES = [
    ScoredPassage(
        Passage("sejong", "세종대왕", "세종대왕은 조선의 제4대 왕이다. 세종대왕은 1443년에 한글을 만들었다."),
        score=0.03,
        dense_score=0.9,
        sparse_score=5.0,
    ),
    ScoredPassage(
        Passage("hangul", "한글", "한글은 자음 14자와 모음 10자로 이루어져 있다. 10월 9일은 한글날이다."),
        score=0.02,
        dense_score=0.85,
        sparse_score=2.0,
    ),
]


def answerer(**config: float) -> SpanAnswerer:
    return SpanAnswerer(tag=morphemes, split=split_sentences, terms=terms, config=SpanConfig(**config))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("한글을 만든 사람은 누구야?", "세종대왕"),
        ("세종대왕은 언제 한글을 만들었어?", "1443년"),
        ("세종대왕은 조선의 몇 대 왕이야?", "제4대"),
    ],
)
def test_best_span_answers_by_question_type(question: str, expected: str) -> None:
    ranked = answerer().rank(question, PASSAGES)
    assert ranked[0].text == expected
    assert ranked[0].text in ranked[0].sentence and ranked[0].sentence in ranked[0].passage.passage.text


def test_spans_the_question_already_names_lose() -> None:
    ranked = answerer().rank("세종대왕은 언제 한글을 만들었어?", PASSAGES)
    assert ranked[0].text != "세종대왕"
    assert {s.text: s.score for s in ranked}["세종대왕"] < ranked[0].score - 1.0


def test_no_span_without_a_sentence_matching_the_question() -> None:
    assert answerer().rank("양자 컴퓨터의 큐비트 오류율은 얼마야?", PASSAGES) == []


def test_lm_rerank_can_overturn_the_feature_order_and_keeps_the_rest() -> None:
    spans = answerer(rerank=3, lm_weight=1.0).rank("한글을 만든 사람은 누구야?", PASSAGES)
    prompt, continuations = answerer(rerank=3).rerank_prompt("한글을 만든 사람은 누구야?", spans)
    assert (
        prompt.endswith("질문: 한글을 만든 사람은 누구야?\n답:") and "세종대왕: 세종대왕은 1443년" in prompt
    )
    assert continuations == [f" {s.text}" for s in spans[:3]]
    scores = [LmScore(i, -9.0 if i == 0 else -1.0 * i, 1, -9.0 if i == 0 else -1.0 * i) for i in range(3)]
    reranked = answerer(rerank=3, lm_weight=1.0).rerank(spans, scores)
    assert reranked[0].text == spans[1].text and reranked[3:] == spans[3:]
    assert len(reranked) == len(spans)


def test_span_config_rejects_bad_values() -> None:
    with pytest.raises(ValueError):
        SpanConfig(sentences_per_passage=0)
    with pytest.raises(ValueError):
        SpanConfig(rerank=-1)


def test_paraphrases_link_a_verb_and_its_words_both_ways_but_not_siblings() -> None:
    assert {"창제", "발명", "설립"} <= alternatives("만들다") and "만들다" in alternatives("만들다")
    assert "만들다" in alternatives("창제") and "사망" in alternatives("죽다")
    assert "발명" not in alternatives("설립")
    assert alternatives("한라산") == {"한라산"}


def test_sentence_saying_the_question_verb_in_other_words_is_the_evidence() -> None:
    passage = ScoredPassage(
        Passage(
            "x",
            "문자의 역사",
            "훈민정음은 백성을 가르치는 바른 소리라는 뜻이다. 1443년에 세종대왕이 훈민정음을 창제하였다.",
        ),
        score=0.03,
        dense_score=0.9,
        sparse_score=5.0,
    )
    ranked = answerer(sentences_per_passage=1).rank("훈민정음을 만든 사람은 누구야?", [passage])
    assert ranked[0].text == "세종대왕" and ranked[0].overlap == 1.0


def test_paraphrased_verb_counts_toward_the_minimum_overlap() -> None:
    passage = ScoredPassage(
        Passage("x", "임진왜란", "이순신은 1598년 노량 해전에서 전사하였다."),
        score=0.03,
        dense_score=0.9,
        sparse_score=5.0,
    )
    ranked = answerer(min_sentence_overlap=0.75).rank("이순신이 죽은 해는 언제야?", [passage])
    assert ranked and ranked[0].text == "1598년"


def _demo_passage(passage_id: str) -> ScoredPassage:
    rows = (json.loads(line) for line in DEMO_CORPUS.read_text(encoding="utf-8").splitlines() if line.strip())
    row = next(r for r in rows if r["id"] == passage_id)
    return ScoredPassage(
        Passage(row["id"], row["title"], row["text"]), score=0.03, dense_score=0.9, sparse_score=5.0
    )


def test_demo_who_made_hangul_is_answered_from_the_sentence_that_leaves_out_its_subject() -> None:
    # "조선의 세종대왕이 1443년에 창제하여": neither 한글 (the title) nor 만들다 is in the sentence.
    passages = [_demo_passage("hangul")]
    assert answerer().rank("한글 만든 사람이 누구야?", passages)[0].text == "세종대왕"
    assert answerer(title_terms=False).rank("한글 만든 사람이 누구야?", passages)[0].text != "세종대왕"
