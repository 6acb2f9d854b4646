"""End to end through the CLI: every task writes results.json, report.md and PNGs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from eval.cli import app
from tests.unit.eval.testdata import (
    NLI_KLUE,
    NULL_QUERY_PREDICTIONS,
    NULL_QUERY_ROWS,
    QA_PREDICTIONS,
    QA_ROWS,
    SUMMARY_ROWS,
    write_jsonl,
    write_review_nli_files,
)

LEXICAL_SCORER = "tests.unit.eval.fakes:make_lexical_scorer"

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
runner = CliRunner()


def _invoke(*args: str | Path) -> Any:
    result = runner.invoke(app, [str(a) for a in args])
    assert "Traceback" not in result.output
    return result


def _run_ok(out: Path, *args: str | Path) -> dict[str, Any]:
    result = _invoke(*args, "--out", out)
    assert result.exit_code == 0, result.output
    assert (out / "report.md").read_text(encoding="utf-8").startswith("# Evaluation report")
    results: dict[str, Any] = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["plots"], "every task draws at least one plot"
    for name in results["plots"]:
        assert (out / name).read_bytes().startswith(PNG_MAGIC)
        assert f"]({name})" in (out / "report.md").read_text(encoding="utf-8")
    assert len(results["data_files"][0]["sha256"]) == 64
    for record in results["metrics"].values():
        low, high = record["ci95"]
        assert low <= record["value"] <= high
    return results


def test_cli_rouge_writes_every_output_and_lists_failures(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "summaries.jsonl", SUMMARY_ROWS)
    results = _run_ok(tmp_path / "run", "rouge", data)
    assert set(results["metrics"]) == {"rouge1", "rouge2", "rougeL", "rougeLsum"}
    assert results["metrics"]["rouge1"]["value"] > 0.3  # Korean is not scored 0
    assert [f["item_id"] for f in results["failed_items"]] == ["s3"]
    assert results["config"]["lang"] == "ko"


def test_cli_nli_uses_a_scorer_from_the_registry(tmp_path: Path, fake_scorer_registered: str) -> None:
    data = tmp_path / "klue.json"
    data.write_text(json.dumps(NLI_KLUE, ensure_ascii=False, indent=2), encoding="utf-8")
    results = _run_ok(tmp_path / "run", "nli", data, "--scorer", fake_scorer_registered)
    assert results["metrics"]["accuracy"]["value"] == pytest.approx(0.75)
    assert results["model_ids"] == ["fake-keyword-nli"]
    assert "confusion_matrix.png" in results["plots"]
    assert "Confusion matrix" in (tmp_path / "run" / "report.md").read_text(encoding="utf-8")


def test_cli_nli_reads_kornli_tsv(tmp_path: Path, fake_scorer_registered: str) -> None:
    data = tmp_path / "xnli.dev.ko.tsv"
    data.write_text('sentence1\tsentence2\tgold_label\n"방이 넓다\t방이 넓다\tentailment\n', encoding="utf-8")
    results = _run_ok(tmp_path / "run", "nli", data, "--scorer", fake_scorer_registered)
    assert results["metrics"]["accuracy"]["value"] == 1.0


def test_cli_faithfulness_reads_summaries_from_the_data_file(
    tmp_path: Path, fake_scorer_registered: str
) -> None:
    data = write_jsonl(tmp_path / "summaries.jsonl", SUMMARY_ROWS)
    results = _run_ok(tmp_path / "run", "faithfulness", data, "--scorer", fake_scorer_registered)
    assert results["metrics"]["claim_pass_rate"]["value"] == pytest.approx(3 / 4)
    assert results["config"]["check"]["entailment_threshold"] == 0.5


def test_cli_premise_reports_four_methods_thresholds_and_a_verdict(tmp_path: Path) -> None:
    data, calibration = write_review_nli_files(tmp_path)
    args = ("premise", data, "--calibration", calibration, "--k", "2", "--seed", "7", "--limit", "20")
    result = _invoke(*args, "--calibration-size", "18", "--scorer", LEXICAL_SCORER, "--out", tmp_path / "run")
    assert result.exit_code == 0, result.output
    verdicts = [line for line in result.output.splitlines() if line.startswith("verdict: ")]
    assert len(verdicts) == 1 and "nli-packed > nli-sentence > rouge1 by AUC" in verdicts[0]
    results = _run_ok(tmp_path / "run", *args, "--calibration-size", "18", "--scorer", LEXICAL_SCORER)
    assert results["n_items"] == 20 and results["model_ids"] == ["fake-lexical-nli"]
    for method in ("rouge1", "nli-sentence", "nli-packed", "nli-per-review"):
        assert {f"{method}.auc", f"{method}.balanced_accuracy"} <= set(results["metrics"])
    assert "auc_diff.nli-packed-minus-nli-sentence" in results["metrics"]
    assert results["config"]["sizes"] == {"chunk_chars": 200, "premise_chars": 400}
    assert [f["role"] for f in results["data_files"]] == ["data", "calibration"]
    report = (tmp_path / "run" / "report.md").read_text(encoding="utf-8")
    assert "## Methods: detecting unfaithful claims" in report and verdicts[0] in report


def test_cli_premise_user_errors_exit_2(tmp_path: Path) -> None:
    data, calibration = write_review_nli_files(tmp_path)
    same = _invoke("premise", data, "--calibration", data, "--k", "2", "--scorer", LEXICAL_SCORER)
    assert same.exit_code == 2 and "is the reported file" in same.output
    sizes = _invoke("premise", data, "--calibration", calibration, "--premise-chars", "100")
    assert sizes.exit_code == 2 and "chunk_chars <= premise_chars" in sizes.output


def test_cli_qa_reports_em_f1_recall_and_abstention(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "qa.jsonl", QA_ROWS)
    predictions = write_jsonl(tmp_path / "pred.jsonl", QA_PREDICTIONS)
    results = _run_ok(tmp_path / "run", "qa", data, "--predictions", predictions, "--k", "1", "--k", "2")
    assert {"exact_match", "f1", "recall@1", "recall@2", "abstention_rate"} <= set(results["metrics"])
    assert [f["role"] for f in results["data_files"]] == ["data", "predictions"]
    assert results["model_ids"] == ["fake-lm"]


def test_cli_null_query_reports_recovery_by_noise_type(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "nq.jsonl", NULL_QUERY_ROWS)
    predictions = write_jsonl(tmp_path / "pred.jsonl", NULL_QUERY_PREDICTIONS)
    results = _run_ok(tmp_path / "run", "null-query", data, "--predictions", predictions)
    assert results["metrics"]["top1_recovery"]["value"] == 0.5
    assert "recovery_by_noise_type.png" in results["plots"]


def test_cli_compare_shows_deltas_and_ci_flags(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "nq.jsonl", NULL_QUERY_ROWS * 1)
    good = write_jsonl(
        tmp_path / "good.jsonl", [{"id": r["id"], "rewrites": [r["gold"]]} for r in NULL_QUERY_ROWS]
    )
    _run_ok(tmp_path / "a", "null-query", data, "--predictions", tmp_path / "good.jsonl")
    bad = write_jsonl(tmp_path / "bad.jsonl", NULL_QUERY_PREDICTIONS)
    _run_ok(tmp_path / "b", "null-query", data, "--predictions", bad)
    result = _invoke("compare", tmp_path / "a", tmp_path / "b", "--out", tmp_path / "cmp.md")
    assert result.exit_code == 0, result.output
    markdown = (tmp_path / "cmp.md").read_text(encoding="utf-8")
    assert "| top1_recovery | 1.0000 | [1.0000, 1.0000] | 0.5000 |" in markdown
    assert "-0.5000 | yes |" in markdown
    assert good.exists()


def test_cli_bad_input_names_file_and_line_without_traceback(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "qa.jsonl", [QA_ROWS[0], {"id": "x", "question": "q"}])
    result = _invoke("qa", data, "--predictions", data, "--out", tmp_path / "run")
    assert result.exit_code == 2
    assert "qa.jsonl:2: missing field 'answers'" in result.output
    assert not (tmp_path / "run").exists()


def test_cli_unknown_format_suffix_is_a_clear_error(tmp_path: Path) -> None:
    data = tmp_path / "data.xml"
    data.write_text("<x/>", encoding="utf-8")
    result = _invoke("null-query", data)
    assert result.exit_code == 2 and "pass --format" in result.output


def test_cli_grpc_source_without_target_is_a_clear_error(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "nq.jsonl", NULL_QUERY_ROWS)
    result = _invoke("null-query", data, "--source", "grpc")
    assert result.exit_code == 2
    assert "needs --target host:port of null_query" in result.output


def test_cli_unavailable_scorer_is_a_clear_error(tmp_path: Path) -> None:
    data = tmp_path / "klue.json"
    data.write_text(json.dumps(NLI_KLUE, ensure_ascii=False), encoding="utf-8")
    result = _invoke("nli", data, "--scorer", "no_such_pkg.nli:load")
    assert result.exit_code == 2 and "scorer 'no_such_pkg.nli:load' is not available" in result.output


def test_cli_compare_refuses_runs_of_different_tasks(tmp_path: Path) -> None:
    for name, task in (("a", "qa"), ("b", "nli")):
        (tmp_path / name).mkdir()
        (tmp_path / name / "results.json").write_text(
            json.dumps({"task": task, "metrics": {}}), encoding="utf-8"
        )
    result = _invoke("compare", tmp_path / "a", tmp_path / "b")
    assert result.exit_code == 2 and "cannot compare" in result.output


def test_cli_compare_missing_run_folder(tmp_path: Path) -> None:
    result = _invoke("compare", tmp_path / "nope", tmp_path / "nope2")
    assert result.exit_code == 2 and "no results.json" in result.output


def test_cli_invalid_threshold_is_a_user_error(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "summaries.jsonl", SUMMARY_ROWS)
    result = _invoke("faithfulness", data, "--entailment-threshold", "1.5")
    assert result.exit_code == 2 and "entailment_threshold must be in [0, 1]" in result.output
