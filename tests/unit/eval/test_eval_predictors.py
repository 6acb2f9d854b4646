"""Predictor sources: the file source serves files; the live sources refuse what they cannot serve."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from eval.data.qa import QaItem
from eval.errors import EvalError, InputFormatError, PredictorUnavailableError
from eval.predictors import PREDICTOR_SOURCES, PredictorRequest, build_predictor, choose_source
from eval.predictors.file import MissingPredictionError, load_predictions
from eval.predictors.protocols import QaPredictor, RewritePredictor, SummaryPredictor
from eval.predictors.types import QaPrediction, RewritePrediction
from searchlm.registry import RegistryError
from tests.unit.eval.testdata import QA_PREDICTIONS, SUMMARY_ROWS, write_jsonl


def _request(tmp_path: Path, predictions: Path | None, kind: str = "qa") -> PredictorRequest:
    return PredictorRequest(kind, "free_qa", tmp_path / "data.jsonl", predictions)


def test_file_predictor_serves_predictions_by_id(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "p.jsonl", QA_PREDICTIONS)
    predictor = build_predictor("file", _request(tmp_path, path))
    got = asyncio.run(predictor.predict(QaItem("q1", "?", ("세종대왕",))))
    assert got == QaPrediction("세종대왕", ("p1", "p9"), False, "fake-lm")
    assert predictor.model_ids() == ("fake-lm",)
    assert all(isinstance(predictor, p) for p in (QaPredictor, SummaryPredictor, RewritePredictor))


def test_file_predictor_missing_id_raises_per_item_error(tmp_path: Path) -> None:
    predictor = build_predictor("file", _request(tmp_path, write_jsonl(tmp_path / "p.jsonl", QA_PREDICTIONS)))
    with pytest.raises(MissingPredictionError, match="'nope'"):
        asyncio.run(predictor.predict(QaItem("nope", "?", ("a",))))


def test_qa_predictions_accept_korquad_id_to_answer_json(tmp_path: Path) -> None:
    path = tmp_path / "predictions.json"
    path.write_text(json.dumps({"q1": "세종대왕", "q2": "서울"}, ensure_ascii=False), encoding="utf-8")
    assert load_predictions(path, "qa")["q2"] == QaPrediction("서울")


def test_null_answer_means_abstained() -> None:
    from eval.predictors.parsers import parse_qa
    from eval.readers import Record

    assert parse_qa(Record(Path("p"), 1, {"id": "x", "answer": None})).abstained


def test_rewrite_predictions_accept_single_rewrite_field(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "r.jsonl", [{"id": "a", "rewrite": "x"}, {"id": "b", "rewrite": None}])
    assert load_predictions(path, "rewrite") == {"a": RewritePrediction(("x",)), "b": RewritePrediction(())}


def test_duplicate_prediction_is_a_format_error(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "p.jsonl", [{"id": "a", "answer": "x"}, {"id": "a", "answer": "y"}])
    with pytest.raises(InputFormatError, match=r"p\.jsonl:2: duplicate prediction"):
        load_predictions(path, "qa")


def test_embedded_predictions_skip_lines_without_the_field(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "data.jsonl", SUMMARY_ROWS)
    predictor = build_predictor("file", PredictorRequest("summary", "review_summary", data))
    assert predictor.ids() == {"s1", "s2"}


def test_file_source_without_predictions_needs_jsonl_data(tmp_path: Path) -> None:
    request = PredictorRequest("qa", "free_qa", tmp_path / "dev.json")
    with pytest.raises(EvalError, match="--predictions is required"):
        build_predictor("file", request)


@pytest.mark.parametrize("source", ["inprocess", "grpc"])
def test_live_sources_refuse_an_unknown_kind(tmp_path: Path, source: str) -> None:
    request = PredictorRequest("haiku", "poetry", tmp_path / "d.jsonl", target="localhost:50051")
    with pytest.raises(PredictorUnavailableError, match="'haiku'"):
        build_predictor(source, request)


def test_grpc_source_needs_a_target(tmp_path: Path) -> None:
    request = PredictorRequest("rewrite", "null_query", tmp_path / "d.jsonl")
    with pytest.raises(PredictorUnavailableError, match="--target"):
        build_predictor("grpc", request)


def test_unknown_source_lists_the_registry(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="file, grpc, inprocess"):
        build_predictor("carrier-pigeon", _request(tmp_path, None))


def test_choose_source_prefers_grpc_when_a_target_is_given() -> None:
    assert choose_source(None, "localhost:1") == "grpc"
    assert choose_source(None, None) == "file"
    assert choose_source("inprocess", "localhost:1") == "inprocess"
    assert set(PREDICTOR_SOURCES) == {"file", "inprocess", "grpc"}


def test_live_qa_predictor_converts_the_service_answer_to_a_prediction() -> None:
    from eval.predictors.live import _QaPredictor
    from services.free_qa.types import PlainAnswer

    async def answer(question: str) -> PlainAnswer:
        return PlainAnswer(None if question == "?" else "서울", ("p1",), question == "?")

    predictor = _QaPredictor(answer)
    assert isinstance(predictor, QaPredictor)
    assert asyncio.run(predictor.predict(QaItem("q1", "수도는?", ("서울",)))) == QaPrediction("서울", ("p1",))
    assert asyncio.run(predictor.predict(QaItem("q2", "?", ("a",)))) == QaPrediction(None, ("p1",), True)
