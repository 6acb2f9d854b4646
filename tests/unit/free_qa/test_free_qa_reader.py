"""Factoid answers by the extractive reader (a fake of `SpanReader`): kept when sure, else spans.

The trained artefact is never needed here: `FakeReader` stands in for it, and opening the
real one is tested only for the case that must always work, a missing artefact.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

import pytest

from searchlm import context
from searchlm.reader.types import SpanAnswer
from services.free_qa.adapters.reader import ReaderUnavailableError, open_reader
from services.free_qa.factory import load_reader
from services.free_qa.pipeline import PipelineConfig, QaPipeline
from services.free_qa.reader_answerer import ReaderConfig, verdict
from services.free_qa.settings import FreeQaSettings
from services.free_qa.types import ABSTAIN_TEXT, QaRequest, QuestionKind
from tests.unit.free_qa.fakes import ENCYCLOPEDIA, FakeReader, reader_pipeline

CONFIG = PipelineConfig(min_dense_score=0.1, confident_dense_score=0.1, use_lm=False)
HANGUL = QaRequest("한글을 만든 사람은 누구야?")
OBAMA = QaRequest("버락 오바마는 어느 나라 대통령이었어?", kind_hint=QuestionKind.FACTOID)
READY = FakeReader("세종대왕")
"""A ready reader instance, opened by its "module:attribute" path."""


def make_reader(**options: Any) -> FakeReader:
    """A reader factory, opened by its "module:attribute" path."""
    return FakeReader("세종대왕", **options)


def pipeline(reader: FakeReader | None, config: PipelineConfig = CONFIG) -> QaPipeline:
    return reader_pipeline(reader, config)


@pytest.fixture(autouse=True)
def _no_request_context() -> None:
    context.set_request("", None)


async def test_factoid_answer_comes_from_the_reader_when_it_is_sure() -> None:
    reader = FakeReader("1443년", confidence=0.8)
    answer = await pipeline(reader).run(HANGUL)
    assert answer.answer == "1443년 [1]" and not answer.abstained and answer.flags == ()
    assert answer.confidence == 0.8
    assert [(c.marker, c.passage_id, c.snippet) for c in answer.citations] == [
        (1, "sejong", "세종대왕은 1443년에 한글을 만들었다.")
    ]


async def test_reader_answer_cites_the_passage_it_was_read_from() -> None:
    reader = FakeReader("버락 오바마", passage_index=1)
    answer = await pipeline(reader).run(OBAMA)
    assert answer.answer == "버락 오바마 [1]"
    assert answer.citations[0].passage_id == answer.retrieved_ids[1] == "president"
    assert answer.citations[0].snippet == "역대 대통령으로 버락 오바마와 에이브러햄 링컨이 있다."


async def test_reader_reads_the_configured_top_passages() -> None:
    reader = FakeReader("세종대왕")
    config = replace(CONFIG, reader=ReaderConfig(passages=2))
    answer = await pipeline(reader, config).run(HANGUL)
    (question, passages), *_ = reader.calls
    texts = {p.id: p.text for p in ENCYCLOPEDIA}
    assert question == HANGUL.question
    assert passages == [texts[i] for i in answer.retrieved_ids[:2]]


async def test_unsure_reader_falls_back_to_the_feature_ranked_span() -> None:
    answer = await pipeline(FakeReader("제4대", confidence=0.1)).run(HANGUL)
    assert answer.answer == "세종대왕 [1]" and answer.flags == ("reader_unsure",)
    assert answer.citations[0].snippet == "세종대왕은 1443년에 한글을 만들었다."


async def test_null_score_winning_falls_back_to_the_feature_ranked_span() -> None:
    answer = await pipeline(FakeReader("제4대", confidence=0.99, null_score=6.0)).run(HANGUL)
    assert answer.answer == "세종대왕 [1]" and answer.flags == ("reader_no_answer",)


async def test_reader_without_a_span_falls_back_to_the_feature_ranked_span() -> None:
    answer = await pipeline(FakeReader("없는 답")).run(HANGUL)
    assert answer.answer == "세종대왕 [1]" and answer.flags == ("reader_no_answer",)


async def test_failing_reader_falls_back_to_the_feature_ranked_span(caplog: pytest.LogCaptureFixture) -> None:
    reader = FakeReader("세종대왕", error=RuntimeError("reader crashed"))
    with caplog.at_level(logging.WARNING):
        answer = await pipeline(reader).run(HANGUL)
    assert answer.answer == "세종대왕 [1]" and answer.flags == ("reader_error",)
    assert any(r.exc_info and "reader crashed" in str(r.exc_info[1]) for r in caplog.records)


async def test_reader_answering_out_of_range_counts_as_a_failure() -> None:
    class OutOfRange(FakeReader):
        def read(self, question: str, passages: Any, top_k: int = 3) -> list[SpanAnswer]:
            return [SpanAnswer("세종대왕", 7, 0, 4, 5.0, 0.9, 0.0)]

    answer = await pipeline(OutOfRange("세종대왕")).run(HANGUL)
    assert answer.answer == "세종대왕 [1]" and answer.flags == ("reader_error",)


async def test_unsure_reader_abstains_when_no_span_answers_either() -> None:
    request = QaRequest("양자역학 파동함수 붕괴는 언제야?", max_passages=1)
    answer = await pipeline(FakeReader("해파리", confidence=0.05)).run(request)
    assert answer.abstained and answer.answer == ABSTAIN_TEXT
    assert answer.flags == ("reader_unsure", "unsupported")


async def test_non_factoid_questions_never_ask_the_reader() -> None:
    reader = FakeReader("예")
    await pipeline(reader).run(QaRequest("해파리는 뇌가 있어?"))
    assert reader.calls == []


def test_verdict_follows_confidence_then_null_score() -> None:
    config = ReaderConfig(min_confidence=0.5)
    sure = SpanAnswer("세종대왕", 0, 0, 4, score=5.0, confidence=0.6, null_score=1.0)
    assert verdict(sure, config) == ""
    assert verdict(replace(sure, confidence=0.4), config) == "reader_unsure"
    assert verdict(replace(sure, null_score=5.5), config) == "reader_no_answer"
    assert verdict(sure, replace(config, min_null_margin=4.5)) == "reader_no_answer"
    assert verdict(None, config) == "reader_no_answer"


@pytest.mark.parametrize("bad", [{"passages": 0}, {"min_confidence": 1.5}, {"min_confidence": -0.1}])
def test_reader_config_rejects_bad_values(bad: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match="reader"):
        ReaderConfig(**bad)


def test_missing_artefact_leaves_spans_with_one_warning(
    tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    settings = FreeQaSettings(reader_path=str(tmp_path / "no-reader"))
    with caplog.at_level(logging.WARNING, logger="services.free_qa.factory"):
        assert load_reader(settings) is None
    warnings = [r for r in caplog.records if r.name == "services.free_qa.factory"]
    assert len(warnings) == 1 and "no reader artefact" in warnings[0].__dict__["error"]


def test_reader_none_opens_nothing() -> None:
    assert load_reader(FreeQaSettings(reader="none")) is None


def test_reader_settings_read_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SEARCHLM_FREE_QA_READER", "none")
    monkeypatch.setenv("SEARCHLM_FREE_QA_READER_PASSAGES", "2")
    monkeypatch.setenv("SEARCHLM_FREE_QA_READER_MIN_CONFIDENCE", "0.45")
    settings = FreeQaSettings()
    assert (settings.reader, settings.reader_passages, settings.reader_min_confidence) == ("none", 2, 0.45)
    assert FreeQaSettings.model_fields["reader"].default == "default"


def test_open_reader_builds_a_factory_or_takes_an_instance() -> None:
    module = __name__
    built = open_reader(f"{module}:make_reader", confidence=0.4)
    assert isinstance(built, FakeReader) and built.confidence == 0.4
    assert open_reader(f"{module}:READY") is READY


@pytest.mark.parametrize(
    ("spec", "options", "why"),
    [
        ("nonsense", {}, "unknown reader"),
        ("tests.unit.free_qa.nowhere:reader", {}, "cannot import"),
        (f"{__name__}:READY", {"path": "x"}, "takes no options"),
        (f"{__name__}:make_reader", {"bogus": 1}, "could not be built"),
        (f"{__name__}:HANGUL", {}, "no read"),
    ],
)
def test_open_reader_fails_one_way(spec: str, options: dict[str, Any], why: str) -> None:
    with pytest.raises(ReaderUnavailableError, match=why):
        open_reader(spec, **options)


async def test_yes_no_slot_check_says_yes_when_the_reader_reads_the_slot_back() -> None:
    reader = FakeReader("제4대 왕", confidence=0.7)
    answer = await pipeline(reader).run(QaRequest("세종대왕은 조선의 제4대 왕이야?"))
    assert answer.kind is QuestionKind.YES_NO
    assert answer.answer == "예. 세종대왕은 조선의 제4대 왕이다. [1]" and answer.confidence == 0.7
    assert answer.citations[0].passage_id == "sejong"
    assert reader.calls[0][0] == "세종대왕은 조선의 제몇 대 왕인가?"  # Kiwi reads 제 as a pronoun here


async def test_yes_no_slot_check_says_no_when_the_reader_reads_another_span() -> None:
    reader = FakeReader("포유류", confidence=0.6)
    answer = await pipeline(reader).run(QaRequest("고래는 바다에 사는 어류지?"))
    assert answer.answer == "아니오. 고래는 바다에 사는 포유류이다. [1]"
    assert answer.citations[0].passage_id == "whale" and reader.calls[0][0] == "고래는 바다에 사는 무엇인가?"


async def test_the_slot_check_reads_each_passages_own_budget_not_the_shared_one() -> None:
    reader = FakeReader("포유류", confidence=0.6)
    config = replace(CONFIG, reader=ReaderConfig(context_chars=0, context_total_chars=10))
    answer = await pipeline(reader, config).run(QaRequest("고래는 바다에 사는 어류지?"))
    texts = {p.id: p.text for p in ENCYCLOPEDIA}
    assert reader.calls[0][1] == [texts[i] for i in answer.retrieved_ids[:3]]  # whole: no "" passage
    assert answer.answer == "아니오. 고래는 바다에 사는 포유류이다. [1]"


@pytest.mark.parametrize(
    ("reader", "question", "config"),
    [
        (FakeReader("포유류", null_score=9.0), "고래는 바다에 사는 어류지?", CONFIG),  # the null score wins
        (FakeReader("포유류"), "고래는 바다에 사는 어류지?", replace(CONFIG, yes_no_slot_confidence=None)),
        (FakeReader("허파"), "고래는 허파로 숨을 쉬어?", CONFIG),  # not copular: no slot
        (FakeReader("포유류", error=RuntimeError("reader down")), "고래는 어류지?", CONFIG),
    ],
)
async def test_yes_no_without_a_sure_slot_check_falls_through_to_the_lm(
    reader: FakeReader, question: str, config: PipelineConfig
) -> None:
    answer = await pipeline(reader, config).run(QaRequest(question, kind_hint=QuestionKind.YES_NO))
    assert answer.degraded and answer.flags == ("lm_disabled",)  # the LM is off in CONFIG


async def test_a_context_budget_reads_the_sentences_nearest_the_question() -> None:
    reader = FakeReader("1443년", confidence=0.8)
    config = replace(CONFIG, reader=ReaderConfig(context_chars=20))
    answer = await pipeline(reader, config).run(HANGUL)
    read = "세종대왕은 1443년에 한글을 만들었다."  # the sentence naming 한글
    assert reader.calls[0][1][0] == read
    assert answer.answer == "1443년 [1]" and answer.citations[0].snippet == read
    with pytest.raises(ValueError, match="context_chars"):
        ReaderConfig(context_chars=-1)


async def test_a_shared_budget_reads_only_the_nearest_sentences_of_all_passages() -> None:
    reader = FakeReader("1443년", confidence=0.8)
    config = replace(CONFIG, reader=ReaderConfig(context_chars=0, context_total_chars=20))
    answer = await pipeline(reader, config).run(HANGUL)
    read = "세종대왕은 1443년에 한글을 만들었다."
    assert reader.calls[0][1] == [read, "", ""]  # the other passages share no term: not read at all
    assert answer.answer == "1443년 [1]" and answer.citations[0].passage_id == "sejong"
    assert answer.citations[0].snippet == read
    with pytest.raises(ValueError, match="context_total_chars"):
        ReaderConfig(context_total_chars=-1)
