"""Fine-tuning the e5 cross-encoder on the Korean NLI pairs (resumable).

A run lives in ``run_dir``: ``checkpoint.pt`` (written every
``checkpoint_every`` steps, atomically) lets ``--resume`` continue exactly
where a killed run stopped, because the batch order of every epoch is a pure
function of the seed and the epoch number.

Model selection never sees the test set: ``evals_per_epoch`` times per epoch
the model is scored on the *tune* split (carved out of the training pool), the
curve is kept in ``curve.json`` and the best state in ``best.pt``; the export
uses the best state. KLUE-NLI dev (the *test* set) is scored once, at the end.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from searchlm.nli.e5_bin import default_model_path, read_e5_image
from searchlm.nli.modeling import (
    ArtefactConfig,
    CrossEncoder,
    export_artefact,
    file_sha256,
    new_cross_encoder,
    trainable_state,
)
from searchlm.nli.scorer import predict_probs, training_autocast_bf16
from searchlm.nli.tokenizer import E5Tokenizer
from searchlm.nli.training.augment import augment
from searchlm.nli.training.calibrate import calibrate
from searchlm.nli.training.data import (
    NliExample,
    load_pool,
    load_test,
    split_digest,
    split_examples,
)
from searchlm.nli.training.metrics import nli_report
from searchlm.nli.training.settings import TrainSettings

LOG = logging.getLogger(__name__)
CHECKPOINT = "checkpoint.pt"
BEST = "best.pt"
CURVE = "curve.json"


def seed_everything(seed: int) -> None:
    """Seed python, numpy and torch RNGs."""
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def epoch_batches(lengths: Sequence[int], batch_size: int, seed: int, epoch: int) -> list[list[int]]:
    """Deterministic batches for one epoch, length-bucketed to cut padding.

    Examples are shuffled, cut into windows of 50 batches, sorted by length
    inside each window, batched, and the batches shuffled again.
    """
    rng = random.Random(seed * 1000 + epoch)
    order = list(range(len(lengths)))
    rng.shuffle(order)
    window = batch_size * 50
    batches: list[list[int]] = []
    for start in range(0, len(order), window):
        chunk = sorted(order[start : start + window], key=lambda i: lengths[i])
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


def layer_depth(name: str, num_layers: int) -> int:
    """How far below the head a parameter sits: 0 head, 1 top layer, ... embeddings last."""
    if name.startswith("head."):
        return 0
    marker = "encoder.layer."
    if marker in name:
        index = int(name.split(marker, 1)[1].split(".", 1)[0])
        return num_layers - index
    return num_layers + 1


def parameter_lr(name: str, num_layers: int, s: TrainSettings) -> float:
    """Head LR for the head; encoder LR scaled by ``layer_decay ** depth`` below it."""
    if name.startswith("head."):
        return s.head_learning_rate
    return s.learning_rate * s.layer_decay ** (layer_depth(name, num_layers) - 1)


def make_optimizer(model: CrossEncoder, s: TrainSettings) -> torch.optim.AdamW:
    """AdamW: larger LR for the new head, layer-wise decay below, no decay on biases/LayerNorm."""
    groups: dict[tuple[float, float], list[nn.Parameter]] = {}
    layers = len(model.encoder.encoder.layer)
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        lr = parameter_lr(name, layers, s)
        wd = 0.0 if name.endswith("bias") or "LayerNorm" in name else s.weight_decay
        groups.setdefault((lr, wd), []).append(p)
    return torch.optim.AdamW(
        [{"params": ps, "lr": lr, "weight_decay": wd} for (lr, wd), ps in groups.items()]
    )


def make_scheduler(
    opt: torch.optim.Optimizer, total: int, warmup_ratio: float
) -> torch.optim.lr_scheduler.LambdaLR:
    """Linear warm-up then linear decay to zero."""
    warm = max(1, int(total * warmup_ratio))

    def factor(step: int) -> float:
        if step < warm:
            return (step + 1) / warm
        return max(0.0, (total - step) / max(1, total - warm))

    return torch.optim.lr_scheduler.LambdaLR(opt, factor)


@dataclass
class _RunState:
    model: CrossEncoder
    optimizer: torch.optim.AdamW
    scheduler: torch.optim.lr_scheduler.LambdaLR
    step: int = 0


def save_checkpoint(state: _RunState, run_dir: Path) -> None:
    """Atomically write model/optimizer/scheduler/RNG state."""
    payload = {
        "step": state.step,
        "model": {k: v for k, v in state.model.state_dict().items() if "word_embeddings" not in k},
        "optimizer": state.optimizer.state_dict(),
        "scheduler": state.scheduler.state_dict(),
        "torch_rng": torch.get_rng_state(),
    }
    tmp = run_dir / (CHECKPOINT + ".tmp")
    torch.save(payload, tmp)
    tmp.replace(run_dir / CHECKPOINT)


def load_checkpoint(state: _RunState, run_dir: Path) -> None:
    """Restore a checkpoint written by :func:`save_checkpoint`."""
    payload = torch.load(run_dir / CHECKPOINT, map_location="cpu", weights_only=False)
    state.model.load_state_dict(payload["model"], strict=False)
    state.optimizer.load_state_dict(payload["optimizer"])
    state.scheduler.load_state_dict(payload["scheduler"])
    torch.set_rng_state(payload["torch_rng"])
    state.step = int(payload["step"])


def _train_step(
    state: _RunState, tok: E5Tokenizer, seqs: list[list[int]], labels: list[int], s: TrainSettings
) -> float:
    batch = tok.pad_batch(seqs)
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=s.autocast_bf16):
        logits = state.model(torch.tensor(batch.input_ids), torch.tensor(batch.attention_mask))
    loss = nn.functional.cross_entropy(
        logits.float(), torch.tensor(labels), label_smoothing=s.label_smoothing
    )
    state.optimizer.zero_grad(set_to_none=True)
    loss.backward()
    nn.utils.clip_grad_norm_([p for p in state.model.parameters() if p.requires_grad], s.grad_clip)
    state.optimizer.step()
    state.scheduler.step()
    state.step += 1
    return loss.item()


def _schedule(train_ids: list[list[int]], s: TrainSettings) -> list[list[int]]:
    lengths = [len(x) for x in train_ids]
    plan = [b for e in range(s.epochs) for b in epoch_batches(lengths, s.batch_size, s.seed, e)]
    return plan[: s.max_steps] if s.max_steps > 0 else plan


@dataclass
class _Tuning:
    """The tune split and the run's record of it (curve and best state)."""

    pairs: list[tuple[str, str]]
    gold: list[int]
    run_dir: Path
    curve: list[dict[str, float]]

    @classmethod
    def open(cls, held: list[NliExample], run_dir: Path) -> _Tuning:
        path = run_dir / CURVE
        curve = json.loads(path.read_text()) if path.exists() else []
        return cls([(e.premise, e.hypothesis) for e in held], [e.label for e in held], run_dir, curve)

    def best_accuracy(self) -> float:
        return max((c["tune_accuracy"] for c in self.curve), default=-1.0)

    def record(self, model: CrossEncoder, tok: E5Tokenizer, step: int, seen: float, s: TrainSettings) -> None:
        """Score the tune split; keep the state if it is the best so far."""
        model.eval()
        probs = predict_probs(model, tok, self.pairs, s.eval_batch_size, s.max_length)
        report = nli_report(self.gold, probs)
        if report.accuracy > self.best_accuracy():
            save_trainable(model, self.run_dir / BEST)
        self.curve = [c for c in self.curve if c["step"] != step]
        self.curve.append({"step": step, "epochs_seen": round(seen, 3), "tune_accuracy": report.accuracy})
        _atomic_write(self.run_dir / CURVE, json.dumps(self.curve, indent=2) + "\n")
        LOG.info("step %d (%.2f epochs) tune accuracy %.4f", step, seen, report.accuracy)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)


def save_trainable(model: CrossEncoder, path: Path) -> None:
    """Atomically save the tensors fine-tuning changes (not the frozen embeddings)."""
    tmp = path.with_suffix(".tmp")
    torch.save({k: v.clone() for k, v in trainable_state(model).items()}, tmp)
    tmp.replace(path)


def eval_steps(plan_len: int, steps_per_epoch: int, per_epoch: int) -> set[int]:
    """Steps after which the tune split is scored (always including the last)."""
    if per_epoch <= 0 or steps_per_epoch <= 0:
        return {plan_len}
    marks = {round(steps_per_epoch * k / per_epoch) for k in range(1, per_epoch + 1)}
    epochs = -(-plan_len // steps_per_epoch)
    out = {e * steps_per_epoch + m for e in range(epochs) for m in marks}
    return {x for x in out if 0 < x <= plan_len} | {plan_len}


def _run_loop(
    state: _RunState,
    tok: E5Tokenizer,
    train: list[NliExample],
    ids: list[list[int]],
    tuning: _Tuning,
    s: TrainSettings,
) -> None:
    plan = _schedule(ids, s)
    per_epoch = -(-len(ids) // s.batch_size)
    marks = eval_steps(len(plan), per_epoch, s.evals_per_epoch)
    bar = tqdm(total=len(plan), initial=state.step, desc="nli train", unit="step", dynamic_ncols=True)
    ema = None
    for batch in plan[state.step :]:
        state.model.train()
        loss = _train_step(state, tok, [ids[i] for i in batch], [train[i].label for i in batch], s)
        ema = loss if ema is None else 0.98 * ema + 0.02 * loss
        bar.update(1)
        bar.set_postfix(loss=f"{ema:.4f}", lr=f"{state.scheduler.get_last_lr()[0]:.2e}")
        if state.step in marks:
            tuning.record(state.model, tok, state.step, state.step / per_epoch, s)
        if state.step % s.checkpoint_every == 0 or state.step in marks:
            save_checkpoint(state, s.run_dir)
            LOG.info("step %d loss_ema %.4f checkpoint saved", state.step, ema)
    bar.close()
    save_checkpoint(state, s.run_dir)
    if not any(c["step"] == len(plan) for c in tuning.curve):
        tuning.record(state.model, tok, state.step, state.step / per_epoch, s)


def prepare_split(s: TrainSettings) -> tuple[list[NliExample], list[NliExample], list[NliExample]]:
    """Load data and return ``(train, tune, test)`` after the optional limits.

    ``train`` and ``tune`` come from the training pool (KLUE-NLI train + XNLI
    dev, premise-grouped split); ``test`` is KLUE-NLI dev, untouched.
    """
    train, tune = split_examples(load_pool(s.data_dir), s.tune_fraction, s.seed)
    if s.train_fraction < 1.0:
        train = random.Random(s.seed).sample(train, max(1, round(s.train_fraction * len(train))))
    if s.limit_train:
        train = random.Random(s.seed).sample(train, min(s.limit_train, len(train)))
    test = load_test(s.data_dir)
    if s.limit_tune:
        tune = tune[: s.limit_tune]
    if s.limit_test:
        test = test[: s.limit_test]
    return train, tune, test


def _artefact_config(
    s: TrainSettings, train: list[NliExample], tune: list[NliExample], test: list[NliExample]
) -> ArtefactConfig:
    settings = {k: str(v) for k, v in asdict(s).items()}
    extra: dict[str, object] = {
        "settings": settings,
        "n_train": len(train),
        "n_tune": len(tune),
        "n_test": len(test),
        "train_sha256": split_digest(train),
        "tune_sha256": split_digest(tune),
        "test_sha256": split_digest(test),
    }
    return ArtefactConfig(
        base_sha256=file_sha256(default_model_path()),
        max_length=s.max_length,
        frozen_layers=s.frozen_layers,
        num_layers=s.num_layers,
        head_dropout=s.head_dropout,
        extra=extra,
    )


def train(s: TrainSettings) -> Path:
    """Run (or resume) training, export the best tune-split state, score the test set.

    Args:
        s: the run settings.

    Returns:
        The exported artefact directory (``run_dir/artefact``).
    """
    torch.set_num_threads(s.num_threads)
    s.autocast_bf16 = training_autocast_bf16(s.autocast_bf16, torch.device("cpu"))
    seed_everything(s.seed)
    s.run_dir.mkdir(parents=True, exist_ok=True)
    train_ex, tune, test = prepare_split(s)
    train_ex = augment(train_ex, s.augment, s.seed)
    cfg = _artefact_config(s, train_ex, tune, test)
    image = read_e5_image()
    tok = E5Tokenizer(image.vocab)
    ids = tok.encode_pairs([(e.premise, e.hypothesis) for e in train_ex], s.max_length)
    model = new_cross_encoder(image, cfg, s.seed)
    plan_len = len(_schedule(ids, s))
    opt = make_optimizer(model, s)
    state = _RunState(model, opt, make_scheduler(opt, plan_len, s.warmup_ratio))
    if s.resume and (s.run_dir / CHECKPOINT).exists():
        load_checkpoint(state, s.run_dir)
        LOG.info("resumed at step %d of %d", state.step, plan_len)
    tuning = _Tuning.open(tune, s.run_dir)
    _run_loop(state, tok, train_ex, ids, tuning, s)
    return _finish(model, tok, tuning, test, cfg, s)


def _finish(
    model: CrossEncoder,
    tok: E5Tokenizer,
    tuning: _Tuning,
    test: list[NliExample],
    cfg: ArtefactConfig,
    s: TrainSettings,
) -> Path:
    model.load_state_dict(torch.load(s.run_dir / BEST, map_location="cpu"), strict=False)
    model.eval()
    tune_probs = predict_probs(model, tok, tuning.pairs, s.eval_batch_size, s.max_length)
    tune_report = nli_report(tuning.gold, tune_probs)
    test_pairs = [(e.premise, e.hypothesis) for e in test]
    test_report = nli_report(
        [e.label for e in test], predict_probs(model, tok, test_pairs, s.eval_batch_size, s.max_length)
    )
    cfg.extra["curve"] = tuning.curve
    cfg.extra["thresholds"] = calibrate(tuning.gold, tune_probs).as_record()
    cfg.extra["tune_report"] = asdict(tune_report)
    cfg.extra["test_report"] = asdict(test_report)
    out = export_artefact(model, cfg, s.run_dir / "artefact")
    (s.run_dir / "tune_report.json").write_text(json.dumps(asdict(tune_report), indent=2) + "\n")
    (s.run_dir / "test_report.json").write_text(json.dumps(asdict(test_report), indent=2) + "\n")
    LOG.info(
        "tune accuracy %.4f; test (KLUE-NLI dev) accuracy %.4f macro-F1 %.4f",
        tune_report.accuracy,
        test_report.accuracy,
        test_report.macro_f1,
    )
    return out
