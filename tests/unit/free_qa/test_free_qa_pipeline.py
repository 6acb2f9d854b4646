"""QaPipeline with in-process fakes: answers with citations, abstention, degraded path, kinds."""

from __future__ import annotations

import time

import pytest

from searchlm import context
from searchlm.errors import InvalidRequestError, UpstreamUnavailableError
from services.free_qa.pipeline import PipelineConfig, QaPipeline
from services.free_qa.types import ABSTAIN_TEXT, QaRequest, QuestionKind
from services.free_qa.validation import validate_request
from tests.unit.free_qa.fakes import ENCYCLOPEDIA, FakeLm, FakeScorer, make_retriever, sentences, words

CONFIG = PipelineConfig(min_dense_score=0.1, confident_dense_score=0.1, lm_timeout=5.0)


def pipeline(
    lm: FakeLm | None, scorer: FakeScorer | None = None, config: PipelineConfig = CONFIG
) -> QaPipeline:
    return QaPipeline(
        retriever=make_retriever(ENCYCLOPEDIA),
        lm=lm,
        scorer=scorer,
        split=sentences,
        terms=words,
        config=config,
    )


@pytest.fixture(autouse=True)
def _no_request_context() -> None:
    context.set_request("", None)


async def test_factoid_answer_cites_numbered_passages() -> None:
    lm = FakeLm("세종대왕 [1]")
    answer = await pipeline(lm, FakeScorer()).run(QaRequest("한글을 만든 사람은 누구야?"))
    assert answer.kind is QuestionKind.FACTOID and not answer.abstained and not answer.degraded
    assert answer.answer == "세종대왕 [1]"
    assert [(c.marker, c.passage_id, c.title) for c in answer.citations] == [(1, "sejong", "세종대왕")]
    assert "[1] 세종대왕:" in lm.prompts[0] and answer.retrieved_ids[0] == "sejong"


async def test_answer_without_markers_is_attributed_to_the_passage_containing_it() -> None:
    answer = await pipeline(FakeLm("세종대왕")).run(QaRequest("한글을 만든 사람은 누구야?"))
    assert answer.answer == "세종대왕 [1]" and answer.citations[0].passage_id == "sejong"


async def test_unsupported_answer_abstains_when_retrieval_is_not_confident() -> None:
    config = PipelineConfig(min_dense_score=0.3, confident_dense_score=0.999)
    answer = await pipeline(FakeLm("이순신 장군 [1]"), FakeScorer(), config).run(
        QaRequest("한글을 만든 사람은 누구야?")
    )
    assert answer.abstained and answer.answer == ABSTAIN_TEXT and "unsupported" in answer.flags


async def test_unsupported_answer_falls_back_to_an_extractive_sentence_when_retrieval_is_confident() -> None:
    answer = await pipeline(FakeLm("이순신 장군 [1]"), FakeScorer()).run(
        QaRequest("한글을 만든 사람은 누구야?")
    )
    assert answer.answer == "세종대왕은 1443년에 한글을 만들었다. [1]"
    assert "extractive_fallback" in answer.flags and answer.citations[0].passage_id == "sejong"


async def test_low_retrieval_scores_abstain_without_calling_the_lm() -> None:
    lm = FakeLm("아무 말 [1]")
    config = PipelineConfig(min_dense_score=0.99)
    answer = await pipeline(lm, config=config).run(QaRequest("양자역학 파동함수 붕괴 해석"))
    assert answer.abstained and answer.flags == ("low_retrieval",) and lm.prompts == []


async def test_slow_lm_degrades_to_best_passages_within_the_deadline() -> None:
    context.set_request("rid", timeout=0.6)
    started = time.monotonic()
    answer = await pipeline(FakeLm("세종대왕 [1]", delay=5.0)).run(QaRequest("한글을 만든 사람은 누구야?"))
    assert time.monotonic() - started < 0.6
    assert answer.degraded and answer.answer == "" and answer.flags == ("lm_timeout",)
    assert answer.citations[0].passage_id == "sejong" and answer.citations[0].marker == 1


async def test_lm_down_degrades() -> None:
    lm = FakeLm(error=UpstreamUnavailableError("model server down"))
    answer = await pipeline(lm).run(QaRequest("한글을 만든 사람은 누구야?", max_passages=2))
    assert answer.degraded and answer.flags == ("lm_unavailable",) and len(answer.citations) == 2


async def test_yes_no_with_nli_answers_with_evidence_and_confidence() -> None:
    scorer = FakeScorer(negations=[("뇌가 없다", "뇌가 있다")])
    answer = await pipeline(FakeLm(error=RuntimeError("unused")), scorer).run(
        QaRequest("해파리는 뇌가 있어?")
    )
    assert answer.kind is QuestionKind.YES_NO
    assert (
        answer.answer.startswith("아니오. ")
        and "뇌가 없다" in answer.answer
        and answer.answer.endswith("[1]")
    )
    assert answer.citations[0].passage_id == "jelly" and answer.confidence > 0.5


async def test_yes_no_without_nli_asks_the_lm() -> None:
    answer = await pipeline(FakeLm(yes_logprob=-0.1, no_logprob=-4.0)).run(QaRequest("고래는 포유류야?"))
    assert answer.answer.startswith("예. ") and answer.confidence > 0.9


async def test_multi_hop_keeps_the_chain_of_hops() -> None:
    answer = await pipeline(FakeLm("")).run(QaRequest("미국 대통령 중 그래미 상을 받은 사람은?"))
    assert answer.kind is QuestionKind.MULTI_HOP
    assert answer.answer.startswith("버락 오바마 [1][2]")
    assert answer.hops[0].bridge == "버락 오바마" and answer.hops[1].passage_ids == ("obama",)
    assert {c.passage_id for c in answer.citations} == {"president", "obama"}


async def test_stream_sends_text_then_the_whole_answer() -> None:
    events = [
        e async for e in pipeline(FakeLm("세종대왕 [1]")).stream(QaRequest("한글을 만든 사람은 누구야?"))
    ]
    assert events[-1].final is not None and all(e.final is None for e in events[:-1])
    assert "".join(e.text for e in events[:-1]) == events[-1].final.answer


@pytest.mark.parametrize(
    ("request_", "field"),
    [
        (QaRequest("   "), "question"),
        (QaRequest("가" * 513), "question"),
        (QaRequest("질문", max_passages=21), "max_passages"),
        (QaRequest("질문", max_passages=-1), "max_passages"),
    ],
)
def test_bad_input_names_the_field(request_: QaRequest, field: str) -> None:
    with pytest.raises(InvalidRequestError) as info:
        validate_request(request_)
    assert info.value.field == field and str(info.value).startswith(field)


def test_valid_input_is_stripped() -> None:
    assert validate_request(QaRequest(" 질문 ", max_passages=20)).question == "질문"
    assert validate_request(QaRequest("가" * 512)).max_passages == 0
