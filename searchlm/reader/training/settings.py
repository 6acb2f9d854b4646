"""Settings of a reader training run (no torch here, so the CLI's ``--help`` stays instant)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from searchlm.reader.features import WindowSettings

REPO_ROOT = Path(__file__).resolve().parents[3]
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data"


@dataclass
class ReaderTrainSettings:
    """Hyper-parameters and paths of one reader training run (each one a CLI ``--option``).

    The defaults are the shipped reader's recipe (its MODEL_CARD.md): one epoch, 301 steps,
    48 minutes on 2 cores.

    Attributes:
        data_dir: the shared data folder (KorQuAD 1.0 dev is read in place).
        run_dir: checkpoints, curve, best state, reports and the exported artefact.
        seed: split hash seed, batch order, head initialisation.
        heldout_fraction: share of articles held out (never trained or tuned on).
        tune_fraction: share of the training pool's articles used for checkpoint choice.
        max_length: tokens per window, special tokens included.
        doc_stride: tokens shared by consecutive windows of one paragraph.
        max_question_tokens: question tokens kept.
        max_answer_tokens: longest span decoded, in tokens.
        batch_size: windows per step.
        epochs: passes over the training windows.
        learning_rate: peak LR of the top encoder layer.
        head_learning_rate: peak LR of the span head.
        layer_decay: LR factor per layer further down (embeddings last).
        weight_decay: AdamW decay (not on biases and LayerNorm).
        warmup_ratio: share of the steps with linear warm-up.
        grad_clip: gradient-norm clip.
        num_layers: encoder layers kept (0 = all 12); fewer trades accuracy for speed.
        head_dropout: dropout before the span head.
        autocast_bf16: bfloat16 autocast on CUDA and on CPUs that run it natively; float32 (with a
            warning) where it would be emulated (`searchlm.nli.scorer.training_autocast_bf16`).
        device: ``cpu``, ``cuda`` or ``auto``.
        checkpoint_every: steps between checkpoints.
        evals_per_epoch: tune scorings per epoch (one is also made at the end).
        num_threads: torch CPU threads.
        max_steps: stop after this many steps (0 = the whole plan); smoke runs.
        limit_train: train on this many sampled questions (0 = all); smoke runs.
        limit_tune: score the first N tune questions only (0 = all); smoke runs.
        limit_heldout: score the first N held-out questions only (0 = all); smoke runs.
        eval_batch_size: windows per forward pass when scoring.
        time_budget_min: wall-clock minutes for the whole command (0 = none): training
            stops at a checkpoint early enough to score the tune and held-out questions
            and export; ``--resume`` goes on later.
        finish_reserve_min: least time kept back for that final scoring and export (the
            estimate from measured step and scoring times is used when larger).
        resume: continue from ``run_dir/checkpoint.pt``.
    """

    data_dir: Path = DEFAULT_DATA_DIR
    run_dir: Path = Path("/tmp/reader-run")
    seed: int = 13
    heldout_fraction: float = 0.2
    tune_fraction: float = 0.1
    max_length: int = 384
    doc_stride: int = 128
    max_question_tokens: int = 64
    max_answer_tokens: int = 30
    batch_size: int = 16
    epochs: int = 1
    learning_rate: float = 1.5e-4
    head_learning_rate: float = 1e-3
    layer_decay: float = 0.9
    weight_decay: float = 0.01
    warmup_ratio: float = 0.1
    grad_clip: float = 1.0
    num_layers: int = 0
    head_dropout: float = 0.1
    autocast_bf16: bool = True
    device: str = "cpu"
    checkpoint_every: int = 50
    evals_per_epoch: int = 2
    num_threads: int = 2
    max_steps: int = 0
    limit_train: int = 0
    limit_tune: int = 0
    limit_heldout: int = 0
    eval_batch_size: int = 32
    time_budget_min: float = 0.0
    finish_reserve_min: float = 3.0
    resume: bool = False

    def window_settings(self) -> WindowSettings:
        """How questions and passages are cut."""
        return WindowSettings(self.max_length, self.doc_stride, self.max_question_tokens)
