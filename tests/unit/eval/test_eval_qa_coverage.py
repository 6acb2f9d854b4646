"""The qa task's coverage-vs-accuracy table from the answers' confidences."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.tasks import qa
from eval.tasks.common import PredictionSettings
from tests.unit.eval.testdata import QA_PREDICTIONS, QA_ROWS, write_jsonl

# q1 right and sure, q2 wrong (EM 0, F1 1) and unsure; q5 has no prediction.
CONFIDENT = [
    {**QA_PREDICTIONS[0], "confidence": 0.9},
    {**QA_PREDICTIONS[1], "confidence": 0.2},
    *QA_PREDICTIONS[2:],
]


def _outcome(tmp_path: Path, predictions: list[dict[str, object]]) -> object:
    settings = qa.QaSettings(
        write_jsonl(tmp_path / "q.jsonl", QA_ROWS),
        prediction=PredictionSettings(predictions=write_jsonl(tmp_path / "p.jsonl", predictions)),
    )
    return qa.run(settings)


def test_answer_rate_falls_and_em_rises_with_the_confidence_threshold(tmp_path: Path) -> None:
    outcome = _outcome(tmp_path, CONFIDENT)
    table = next(t for t in outcome.tables if t.title == "Coverage vs accuracy")  # type: ignore[attr-defined]
    rows = {row[0]: row[1:] for row in table.rows}
    # 3 extractive items: at 0.0 two are answered (EM 1/2, F1 1), from 0.3 only q1 (EM 1).
    assert [float(v) for v in rows["0.0"]] == pytest.approx([2 / 3, 0.5, 1.0], abs=1e-4)
    assert [float(v) for v in rows["0.3"]] == pytest.approx([1 / 3, 1.0, 1.0], abs=1e-4)
    assert [float(v) for v in rows["0.9"]] == pytest.approx([1 / 3, 1.0, 1.0], abs=1e-4)


def test_no_coverage_table_without_confidences(tmp_path: Path) -> None:
    outcome = _outcome(tmp_path, QA_PREDICTIONS)
    assert "Coverage vs accuracy" not in [t.title for t in outcome.tables]  # type: ignore[attr-defined]
