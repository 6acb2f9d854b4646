"""The reader answer's confidence from reader, retrieval and support signals (logistic model)."""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from searchlm import context
from searchlm.reader.types import SpanAnswer
from services.free_qa.factory import load_calibration
from services.free_qa.pipeline import PipelineConfig, QaPipeline
from services.free_qa.reader_answerer import ReaderConfig, answer_signals
from services.free_qa.reader_confidence import (
    DEFAULT_PATH,
    FEATURES,
    AnswerConfidence,
    AnswerSignals,
    feature_vector,
    fit_confidence,
    load_confidence,
    save_confidence,
)
from services.free_qa.types import Passage, QaRequest, ScoredPassage
from tests.unit.free_qa.fakes import FakeReader, reader_pipeline, words

BEST = SpanAnswer("세종대왕", 1, 0, 4, score=9.0, confidence=0.8, null_score=1.0)


def _signals(**change: object) -> AnswerSignals:
    base = AnswerSignals(BEST, 0.1, 1, 0.85, 0.5, False)
    return replace(base, **change)  # type: ignore[arg-type]


def test_feature_vector_reads_every_signal() -> None:
    v = feature_vector(_signals())
    assert len(v) == len(FEATURES)
    assert v == pytest.approx([math.log(0.8 / 0.2), 8.0, 0.7, 1.0, 0.85, 0.5, 0.0])
    assert feature_vector(_signals(dense_score=-1.0))[4] == 0.0  # not dense-retrieved


def test_answer_signals_come_from_the_answers_passages_and_question() -> None:
    shown = [
        ScoredPassage(Passage("a", "A", "딴 이야기."), score=0.5, dense_score=0.9),
        ScoredPassage(Passage("b", "B", "세종대왕이 한글을 만들었다."), score=0.4, dense_score=0.7),
    ]
    runner_up = replace(BEST, text="한글", confidence=0.15)
    s = answer_signals("한글을 만든 사람은?", [BEST, runner_up], shown, "세종대왕이 한글을 만들었다.", words)
    assert (s.passage_rank, s.dense_score, s.runner_up_confidence, s.in_question) == (1, 0.7, 0.15, False)
    assert 0.0 < s.question_coverage <= 1.0
    echo = answer_signals("세종대왕은 누구?", [BEST], shown, "", words)
    assert echo.in_question and echo.runner_up_confidence == 0.0


def test_fit_learns_which_signal_predicts_a_right_answer() -> None:
    rng = np.random.default_rng(0)
    rows = rng.normal(size=(400, len(FEATURES)))
    right = rows[:, 1] + 0.3 * rng.normal(size=400) > 0  # only the null margin matters
    model = fit_confidence(rows.tolist(), right.tolist(), l2=1.0)
    assert abs(model.weights[1]) == max(abs(w) for w in model.weights) and model.weights[1] > 0
    probs = model.probabilities(rows.tolist())
    assert ((probs > 0.5) == right).mean() > 0.9
    with pytest.raises(ValueError, match="right and wrong"):
        fit_confidence(rows.tolist(), [True] * 400)


def test_model_round_trips_through_json(tmp_path: Path) -> None:
    model = AnswerConfidence(
        tuple(range(1, 8)), -0.5, (0.0,) * 7, (1.0,) * 7, threshold=0.4, fitted_on="test"
    )
    path = tmp_path / "m.json"
    save_confidence(model, path, extra={"figures": {"auc": 0.8}})
    assert load_confidence(path) == model
    assert load_calibration(str(path)) == model
    assert load_calibration("none") is None
    path.write_text(path.read_text().replace("in_question", "something_else"))
    with pytest.raises(ValueError, match="features"):
        load_confidence(path)
    with pytest.raises(ValueError, match="7 weights"):
        AnswerConfidence((1.0,), 0.0, (0.0,), (1.0,))


def test_shipped_model_loads_with_a_threshold() -> None:
    model = load_calibration("default")
    assert model is not None and model == load_confidence(DEFAULT_PATH)
    assert 0.0 <= model.threshold < 1.0  # 0.0 (chosen on tune): answer whenever the null score loses
    assert ReaderConfig(calibration=model).threshold() == model.threshold
    assert ReaderConfig(calibration=model, min_confidence=0.9).threshold() == 0.9
    assert ReaderConfig().threshold() == 0.3


def _pipeline(reader: FakeReader, calibration: AnswerConfidence) -> QaPipeline:
    reader_config = ReaderConfig(calibration=calibration)
    config = PipelineConfig(
        min_dense_score=0.1, confident_dense_score=0.1, use_lm=False, reader=reader_config
    )
    return reader_pipeline(reader, config)


def _constant(log_odds: float, threshold: float) -> AnswerConfidence:
    """A model that ignores its inputs: P = sigmoid(log_odds)."""
    return AnswerConfidence((0.0,) * 7, log_odds, (0.0,) * 7, (1.0,) * 7, threshold=threshold)


async def test_pipeline_answers_with_the_calibrated_confidence() -> None:
    context.set_request("", None)
    sure = await _pipeline(FakeReader("1443년", confidence=0.1), _constant(2.0, 0.5)).run(
        QaRequest("한글을 만든 사람은 누구야?")
    )
    assert sure.answer == "1443년 [1]" and sure.confidence == pytest.approx(1 / (1 + math.exp(-2.0)))
    unsure = await _pipeline(FakeReader("1443년", confidence=0.99), _constant(-2.0, 0.5)).run(
        QaRequest("한글을 만든 사람은 누구야?")
    )
    assert "reader_unsure" in unsure.flags and unsure.answer != "1443년 [1]"


def test_bench_metrics_auc_and_threshold_choice() -> None:
    from bench.reader_confidence import Row, auc, best_threshold, served

    assert auc([0.1, 0.4, 0.35, 0.8], [False, False, True, True]) == pytest.approx(0.75)
    assert auc([0.5, 0.5], [True, False]) == pytest.approx(0.5)  # ties count half
    rows = [
        Row(("세종",), "세종", None, 0.9, "한글"),  # reader right and sure
        Row(("1443년",), "1446년", None, 0.2, "1443년"),  # reader wrong and unsure: spans right
    ]
    conf = [0.9, 0.2]
    assert served(rows, conf, 0.5) == {"em": 1.0, "f1": 1.0, "reader_answers": 0.5}
    assert best_threshold(rows, conf) == 0.25  # the lowest threshold that keeps the unsure one out
