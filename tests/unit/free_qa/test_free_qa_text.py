"""Chunking, fusion, kind classification and citation parsing."""

from __future__ import annotations

import itertools

import pytest

from searchlm.errors import InvalidRequestError
from services.free_qa import citations
from services.free_qa.chunking import ChunkingConfig, chunk_passage, regex_sentences
from services.free_qa.evidence import declarative
from services.free_qa.fusion import reciprocal_rank_fusion
from services.free_qa.kinds import KindClassifier, classify_by_rules
from services.free_qa.types import Passage, QuestionKind, ScoredPassage
from tests.unit.free_qa.fakes import FakeLm

TEXT = "첫째 문장이다. 둘째 문장은 조금 더 길다. 셋째 문장이다. 넷째 문장으로 끝난다."


def test_chunking_keeps_short_passage_verbatim() -> None:
    chunks = chunk_passage(Passage("p", "제목", "짧은 글이다.\n둘째 줄."), ChunkingConfig(max_chars=100))
    assert [c.text for c in chunks] == ["짧은 글이다.\n둘째 줄."]
    assert chunks[0].id == "p@0" and chunks[0].indexed_text.startswith("제목. ")


def test_chunking_cuts_at_sentences_with_overlap() -> None:
    chunks = chunk_passage(Passage("p", "t", TEXT), ChunkingConfig(max_chars=30, overlap_sentences=1))
    assert all(len(c.text) <= 30 for c in chunks)
    assert len(chunks) >= 3
    for before, after in itertools.pairwise(chunks):
        assert regex_sentences(before.text)[-1] == regex_sentences(after.text)[0]  # one sentence repeated
    assert all(s in " ".join(c.text for c in chunks) for s in regex_sentences(TEXT))


def test_chunking_splits_a_sentence_longer_than_the_window() -> None:
    chunks = chunk_passage(
        Passage("p", "t", "가나다 " * 40), ChunkingConfig(max_chars=25, overlap_sentences=0)
    )
    assert len(chunks) > 1 and all(len(c.text) <= 25 for c in chunks)


def test_chunking_config_rejects_bad_values() -> None:
    with pytest.raises(InvalidRequestError) as info:
        ChunkingConfig(max_chars=5)
    assert info.value.field == "chunking.max_chars"


def test_rrf_rewards_agreement_and_respects_weights() -> None:
    fused = reciprocal_rank_fusion([["a", "b", "c"], ["b", "a", "d"]])
    assert [key for key, _ in fused][:2] in (["a", "b"], ["b", "a"])
    assert fused[0][1] == pytest.approx(1 / 61 + 1 / 62)
    weighted = reciprocal_rank_fusion([["a", "b"], ["b", "a"]], weights=[1.0, 3.0])
    assert weighted[0][0] == "b"
    assert dict(reciprocal_rank_fusion([["x", "x", "y"]]))["x"] == pytest.approx(1 / 61)


def test_rrf_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a"]], k=0)
    with pytest.raises(ValueError):
        reciprocal_rank_fusion([["a"], ["b"]], weights=[1.0])


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("한글 만든 사람이 누구야?", QuestionKind.FACTOID),
        ("미국 대통령 중 그래미 상을 받은 사람은?", QuestionKind.MULTI_HOP),
        ("해파리는 뇌가 있어?", QuestionKind.YES_NO),
        ("고래는 포유류인가요?", QuestionKind.YES_NO),
        ("시서스가 다이어트에 왜 도움이 되니?", QuestionKind.LONG_FORM),
        ("무지개는 어떻게 생기나요?", QuestionKind.LONG_FORM),
        ("서울의 인구는 몇 명이야?", QuestionKind.FACTOID),
    ],
)
async def test_kind_rules_classify_the_four_kinds(question: str, kind: QuestionKind) -> None:
    assert await KindClassifier().classify(question) is kind


async def test_kind_hint_wins_and_lm_decides_only_unclaimed_questions() -> None:
    assert (
        await KindClassifier().classify("해파리는 뇌가 있어?", QuestionKind.LONG_FORM)
        is QuestionKind.LONG_FORM
    )
    assert classify_by_rules("세종대왕") is None
    lm = FakeLm(yes_logprob=-0.1, no_logprob=-5.0)  # label 0 (factoid) scores best
    assert await KindClassifier(lm).classify("세종대왕") is QuestionKind.FACTOID
    broken = FakeLm(error=RuntimeError("down"))
    assert await KindClassifier(broken).classify("세종대왕") is QuestionKind.FACTOID


def test_declarative_turns_yes_no_questions_into_statements() -> None:
    assert declarative("해파리는 뇌가 있어?") == "해파리는 뇌가 있다."
    assert declarative("고래는 포유류야?") == "고래는 포유류이다."


def _sp(pid: str) -> ScoredPassage:
    return ScoredPassage(Passage(pid, f"title-{pid}", f"text of {pid}"), score=0.5, best_chunk=f"chunk {pid}")


def test_citation_markers_are_parsed_cleaned_and_resolved() -> None:
    text = "세종대왕 [1, 2] 이다 [2][7] 【3】."
    assert citations.parse_markers(text) == [1, 2, 7, 3]
    assert citations.clean_markers(text, valid=3) == "세종대왕 [1][2] 이다 [2] [3]."
    assert citations.strip_markers(text) == "세종대왕 이다 ."
    resolved = citations.resolve(text, [_sp("a"), _sp("b"), _sp("c")])
    assert [(c.marker, c.passage_id, c.snippet) for c in resolved] == [
        (1, "a", "chunk a"),
        (2, "b", "chunk b"),
        (3, "c", "chunk c"),
    ]
