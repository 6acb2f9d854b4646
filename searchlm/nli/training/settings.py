"""Settings of an NLI training run (no torch here, so the CLI's ``--help`` stays instant)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data"


@dataclass
class TrainSettings:
    """Hyper-parameters and paths of one training run (all CLI-settable).

    The defaults are the configuration of the shipped artefact. ``max_steps``,
    ``limit_train``, ``limit_tune`` and ``limit_test`` (0 = off) exist for smoke
    runs; ``train_fraction`` (1.0 = all) for learning curves.
    """

    data_dir: Path = DEFAULT_DATA_DIR
    run_dir: Path = Path("/tmp/nli-run")
    seed: int = 13
    tune_fraction: float = 0.06
    train_fraction: float = 1.0
    max_length: int = 128
    batch_size: int = 16
    epochs: int = 2
    learning_rate: float = 1e-4
    head_learning_rate: float = 5e-4
    layer_decay: float = 0.85
    label_smoothing: float = 0.1
    weight_decay: float = 0.01
    warmup_ratio: float = 0.06
    grad_clip: float = 1.0
    frozen_layers: int = 0
    num_layers: int = 0
    head_dropout: float = 0.1
    augment: str = "identity,extend_premise"
    autocast_bf16: bool = True
    checkpoint_every: int = 100
    evals_per_epoch: int = 2
    num_threads: int = 2
    max_steps: int = 0
    limit_train: int = 0
    limit_tune: int = 0
    limit_test: int = 0
    eval_batch_size: int = 64
    resume: bool = False
