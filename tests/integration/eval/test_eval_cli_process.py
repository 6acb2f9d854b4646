"""`python -m eval` as a real process, on tiny files and on the shared public data.

Tests that need ../shared/data skip with a reason when it is absent. No fakes
here: predictions are files, scorers are the project's own.
"""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT.parent / "shared" / "data"


def _eval(*args: str | Path, timeout: float = 240) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "eval", *(str(a) for a in args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def _results(run_dir: Path) -> dict[str, Any]:
    results: dict[str, Any] = json.loads((run_dir / "results.json").read_text(encoding="utf-8"))
    return results


def _need(relative: str) -> Path:
    path = DATA / relative
    if not path.exists():
        pytest.skip(f"shared data {relative} not available at {DATA}")
    return path


def test_python_m_eval_help_lists_every_command() -> None:
    done = _eval("--help")
    assert done.returncode == 0
    for command in ("rouge", "nli", "faithfulness", "qa", "null-query", "compare"):
        assert command in done.stdout


def test_python_m_eval_bad_file_exits_nonzero_with_one_clear_line(tmp_path: Path) -> None:
    data = tmp_path / "broken.jsonl"
    data.write_text(
        '{"id": "a", "query": "x", "gold": "x"}\n{"id": "b", "query": 3, "gold": "y"}\n', encoding="utf-8"
    )
    done = _eval("null-query", data)
    assert done.returncode == 2
    assert "broken.jsonl:2: field 'query' must be a string" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout


def test_korquad_gold_answers_as_predictions_score_full_marks(tmp_path: Path) -> None:
    dev = _need("korquad1.0/KorQuAD_v1.0_dev.json")
    document = json.loads(dev.read_text(encoding="utf-8"))
    answers = {
        qa["id"]: qa["answers"][0]["text"]
        for article in document["data"]
        for paragraph in article["paragraphs"]
        for qa in paragraph["qas"]
    }
    predictions = tmp_path / "predictions.json"  # KorQuAD's official {id: answer} format
    predictions.write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")
    done = _eval("qa", dev, "--predictions", predictions, "--out", tmp_path / "run")
    assert done.returncode == 0, done.stderr
    results = _results(tmp_path / "run")
    assert results["n_items"] == 5774 and results["n_failed"] == 0
    assert results["metrics"]["exact_match"]["value"] == 1.0
    assert results["metrics"]["f1"]["value"] == 1.0


def test_fewsum_english_rouge_of_a_lead_review_baseline(tmp_path: Path) -> None:
    test_csv = _need("fewsum-amazon-en/test.csv")
    with test_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    predictions = tmp_path / "lead.jsonl"
    lines = [json.dumps({"id": r["group_id"], "summary": r["rev1"], "model": "lead-review"}) for r in rows]
    predictions.write_text("\n".join(lines) + "\n", encoding="utf-8")
    done = _eval("rouge", test_csv, "--lang", "en", "--predictions", predictions, "--out", tmp_path / "run")
    assert done.returncode == 0, done.stderr
    results = _results(tmp_path / "run")
    assert results["n_failed"] == 0 and results["model_ids"] == ["lead-review"]
    assert 0.05 < results["metrics"]["rouge1"]["value"] < 0.6


def test_kiwi_spacing_benchmark_with_echo_predictions(tmp_path: Path) -> None:
    written = _need("kiwi-space-eval/written.txt")
    lines = written.read_text(encoding="utf-8").splitlines()
    # Echoing the query proposes no rewrite: nothing is recovered, nothing is falsely rewritten.
    echo = [
        {"id": f"L{n}", "rewrites": [line.replace("\u2581", " ").replace("\u2594", "")]}
        for n, line in enumerate(lines, start=1)
        if line.strip()
    ]
    predictions = tmp_path / "echo.jsonl"
    predictions.write_text("".join(json.dumps(e, ensure_ascii=False) + "\n" for e in echo), encoding="utf-8")
    done = _eval("null-query", written, "--predictions", predictions, "--out", tmp_path / "run")
    assert done.returncode == 0, done.stderr
    metrics = _results(tmp_path / "run")["metrics"]
    assert metrics["top1_recovery"]["value"] == 0.0
    assert metrics["top1_recovery"]["n"] > 150


def test_klue_nli_with_the_project_default_scorer(tmp_path: Path) -> None:
    klue = _need("klue-nli/klue-nli-v1.1_dev.json")
    subset = json.loads(klue.read_text(encoding="utf-8"))[::125]  # 24 items, all three labels
    data = tmp_path / "klue-subset.json"
    data.write_text(json.dumps(subset, ensure_ascii=False), encoding="utf-8")
    done = _eval("nli", data, "--scorer", "default", "--out", tmp_path / "run", timeout=400)
    if done.returncode == 2 and ("could not be built" in done.stderr or "not available" in done.stderr):
        pytest.skip(f"default NLI scorer not loadable here: {done.stderr.strip()[:200]}")
    assert done.returncode == 0, done.stderr
    results = _results(tmp_path / "run")
    assert results["n_items"] == 24 and results["n_failed"] == 0
    assert (tmp_path / "run" / "confusion_matrix.png").exists()
