"""Tasks run on tiny data with fakes: figures, failures and breakdowns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.metrics.faithfulness import ClaimCheckSettings
from eval.tasks import faithfulness, nli, null_query, qa
from eval.tasks.common import PredictionSettings
from tests.unit.eval.fakes import KeywordScorer
from tests.unit.eval.testdata import (
    NLI_KLUE,
    NULL_QUERY_PREDICTIONS,
    NULL_QUERY_ROWS,
    QA_PREDICTIONS,
    QA_ROWS,
    write_jsonl,
)


def _figures(outcome: object) -> dict[str, float]:
    return {f.name: f.value for f in outcome.figures}  # type: ignore[attr-defined]


def test_nli_task_isolates_the_pair_that_breaks_the_scorer(tmp_path: Path) -> None:
    rows = [*NLI_KLUE, {**NLI_KLUE[0], "guid": "boom", "hypothesis": "BOOM"}]
    path = tmp_path / "klue.json"
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    outcome = nli.run(nli.NliSettings(path, batch_size=8), scorer=KeywordScorer())
    assert [(f.item_id, f.stage) for f in outcome.failures] == [("boom", "score")]
    # 3 of 5 right: n4 is misread as neutral and the failed item counts as wrong.
    assert _figures(outcome)["accuracy"] == pytest.approx(3 / 5)
    assert outcome.details["confusion_matrix"][0] == [1, 0, 0, 1]


def test_qa_task_scores_types_separately(tmp_path: Path) -> None:
    settings = qa.QaSettings(
        write_jsonl(tmp_path / "q.jsonl", QA_ROWS),
        prediction=PredictionSettings(predictions=write_jsonl(tmp_path / "p.jsonl", QA_PREDICTIONS)),
        ks=(1, 2),
    )
    outcome = qa.run(settings)
    figures = _figures(outcome)
    # Extractive: q1 exact, q2 spacing differs (EM 0, F1 1), q5 unanswered (0).
    assert figures["exact_match"] == pytest.approx(1 / 3)
    assert figures["f1"] == pytest.approx(2 / 3)
    assert (figures["recall@1"], figures["recall@2"]) == (0.5, 1.0)
    assert figures["yes_no_accuracy"] == 1.0 and figures["unanswerable_abstention"] == 1.0
    assert figures["abstention_rate"] == pytest.approx(1 / 4)
    assert [f.item_id for f in outcome.failures] == ["q5"]


def test_null_query_task_per_noise_type(tmp_path: Path) -> None:
    settings = null_query.NullQuerySettings(
        write_jsonl(tmp_path / "n.jsonl", NULL_QUERY_ROWS),
        prediction=PredictionSettings(predictions=write_jsonl(tmp_path / "p.jsonl", NULL_QUERY_PREDICTIONS)),
    )
    outcome = null_query.run(settings)
    figures = _figures(outcome)
    assert (figures["top1_recovery"], figures["top3_recovery"]) == (0.5, 1.0)
    assert figures["false_rewrite_rate"] == 0.5
    assert figures["wrong_rewrite_rate"] == 0.5
    assert figures["bad_rewrite_share"] == pytest.approx(2 / 3)
    assert outcome.details["by_noise_type"]["keyboard"]["top3"] == 1.0


def test_null_query_missing_prediction_counts_as_not_recovered(tmp_path: Path) -> None:
    settings = null_query.NullQuerySettings(
        write_jsonl(tmp_path / "n.jsonl", NULL_QUERY_ROWS),
        prediction=PredictionSettings(
            predictions=write_jsonl(tmp_path / "p.jsonl", NULL_QUERY_PREDICTIONS[:1])
        ),
    )
    outcome = null_query.run(settings)
    assert _figures(outcome)["top1_recovery"] == 0.5  # b missed; c, d unjudged
    assert len(outcome.failures) == 3


def test_faithfulness_task_claims_and_failures(tmp_path: Path) -> None:
    rows = [
        {
            "id": "ok",
            "reviews": ["Fast delivery. Good price.", "Fast delivery."],
            "summary": "Fast delivery.",
        },
        {"id": "bad", "reviews": ["Tasty food."], "summary": "Tasty food. Rude staff."},
        {"id": "empty", "reviews": ["Fine."], "summary": " "},
    ]
    settings = faithfulness.FaithfulnessSettings(
        write_jsonl(tmp_path / "f.jsonl", rows), lang="en", check=ClaimCheckSettings()
    )
    outcome = faithfulness.run(settings, scorer=KeywordScorer())
    figures = _figures(outcome)
    assert figures["claim_pass_rate"] == pytest.approx(2 / 3)
    assert figures["summary_pass_rate"] == pytest.approx(1 / 3)
    assert figures["mean_supporting_reviews"] == pytest.approx((2 + 1 + 0) / 3)
    assert [(f.item_id, f.stage) for f in outcome.failures] == [("empty", "claims")]


def test_faithfulness_requires_reviews_naming_the_line(tmp_path: Path) -> None:
    from eval.errors import InputFormatError

    path = write_jsonl(tmp_path / "f.jsonl", [{"id": "a", "reviews": ["x"]}, {"id": "b", "summary": "s"}])
    with pytest.raises(InputFormatError, match=r"f\.jsonl:2: item 'b' has no 'reviews'"):
        faithfulness.run(faithfulness.FaithfulnessSettings(path, lang="en"), scorer=KeywordScorer())
