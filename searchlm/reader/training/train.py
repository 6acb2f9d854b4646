"""Fine-tuning the e5 span reader on the training articles of KorQuAD 1.0 dev (resumable).

A run lives in ``run_dir``: ``checkpoint.pt`` (every ``checkpoint_every`` steps, atomically)
lets ``--resume`` continue exactly where a stopped run left off, because the batch order of
every epoch is a pure function of the seed and the epoch number (`searchlm.nli.training`'s
``epoch_batches``, reused). ``evals_per_epoch`` times per epoch the model is scored on the
*tune* articles; the best state (tune F1) is kept in ``best.pt`` and exported. With
``time_budget_min`` the run stops at a checkpoint in time to score and export what it has;
a later ``--resume`` goes on from there. The held-out articles are scored once, at the end,
with the exported artefact.
"""

from __future__ import annotations

import json
import logging
import random
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from torch import nn
from tqdm import tqdm

from searchlm.nli.e5_bin import read_e5_image
from searchlm.nli.modeling import trainable_state
from searchlm.nli.scorer import resolve_device, training_autocast_bf16
from searchlm.nli.training.train import (
    epoch_batches,
    eval_steps,
    layer_depth,
    make_scheduler,
    seed_everything,
)
from searchlm.reader.decode import DecodeSettings
from searchlm.reader.features import OffsetTokenizer, Window, WindowSettings, make_windows
from searchlm.reader.modeling import (
    ReaderArtefactConfig,
    SpanReaderModel,
    base_sha256,
    export_reader,
    new_reader_model,
    write_reader_config,
)
from searchlm.reader.reader import ExtractiveReader
from searchlm.reader.training.budget import TimeBudget
from searchlm.reader.training.data import QaExample, first, ids_digest, load_split, split_record
from searchlm.reader.training.evaluate import score_examples
from searchlm.reader.training.settings import ReaderTrainSettings

LOG = logging.getLogger(__name__)
CHECKPOINT, BEST, CURVE, SETTINGS = "checkpoint.pt", "best.pt", "curve.json", "settings.json"
# Settings that may change between a run and its --resume without changing what it learns.
_RESUMABLE = {"resume", "time_budget_min", "finish_reserve_min", "num_threads", "eval_batch_size", "device"}


@dataclass
class _Data:
    train: list[QaExample]
    tune: list[QaExample]
    heldout: list[QaExample]
    record: dict[str, object] = field(default_factory=dict)


def prepare_data(s: ReaderTrainSettings) -> _Data:
    """Load and split KorQuAD dev by article, then apply the smoke-run limits."""
    split = load_split(
        s.data_dir, seed=s.seed, heldout_fraction=s.heldout_fraction, tune_fraction=s.tune_fraction
    )
    train = split.examples("train")
    if s.limit_train:
        train = random.Random(s.seed).sample(train, min(s.limit_train, len(train)))
    data = _Data(
        train, first(split.examples("tune"), s.limit_tune), first(split.examples("heldout"), s.limit_heldout)
    )
    data.record = split_record(split)
    return data


def training_windows(tok: OffsetTokenizer, examples: list[QaExample], ws: WindowSettings) -> list[Window]:
    """Every window of every training question, with gold positions (``<s>`` when outside)."""
    contexts = list(dict.fromkeys(e.context for e in examples))
    tokenized = dict(zip(contexts, tok.tokenize(contexts), strict=True))
    questions = tok.question_ids([e.question for e in examples], ws)
    out: list[Window] = []
    for e, q in zip(examples, questions, strict=True):
        answer = (e.answer_start, e.answer_start + len(e.answer_text))
        out += make_windows(tok, q, tokenized[e.context], ws, answer=answer)
    return out


def make_optimizer(model: SpanReaderModel, s: ReaderTrainSettings) -> torch.optim.AdamW:
    """AdamW: head LR for the new head, layer-wise decay below it, no decay on biases/LayerNorm."""
    groups: dict[tuple[float, float], list[nn.Parameter]] = {}
    layers = len(model.encoder.encoder.layer)
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        depth = layer_depth(name, layers)
        lr = s.head_learning_rate if depth == 0 else s.learning_rate * s.layer_decay ** (depth - 1)
        wd = 0.0 if name.endswith("bias") or "LayerNorm" in name else s.weight_decay
        groups.setdefault((lr, wd), []).append(p)
    return torch.optim.AdamW(
        [{"params": ps, "lr": lr, "weight_decay": wd} for (lr, wd), ps in groups.items()]
    )


@dataclass
class _RunState:
    model: SpanReaderModel
    optimizer: torch.optim.AdamW
    scheduler: torch.optim.lr_scheduler.LambdaLR
    device: torch.device
    step: int = 0


def _atomic_torch_save(obj: object, path: Path) -> None:
    tmp = path.with_name(path.name + ".tmp")
    torch.save(obj, tmp)
    tmp.replace(path)


def _atomic_write(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text)
    tmp.replace(path)


def save_checkpoint(state: _RunState, run_dir: Path) -> None:
    """Atomically write model (less the frozen word embeddings), optimizer, scheduler, RNGs, step."""
    payload = {
        "step": state.step,
        "model": {k: v for k, v in state.model.state_dict().items() if "word_embeddings" not in k},
        "optimizer": state.optimizer.state_dict(),
        "scheduler": state.scheduler.state_dict(),
        "torch_rng": torch.get_rng_state(),
        "python_rng": random.getstate(),
        "numpy_rng": np.random.get_state(),
    }
    _atomic_torch_save(payload, run_dir / CHECKPOINT)


def load_checkpoint(state: _RunState, run_dir: Path) -> None:
    """Restore a checkpoint written by :func:`save_checkpoint`."""
    payload = torch.load(run_dir / CHECKPOINT, map_location=state.device, weights_only=False)
    state.model.load_state_dict(payload["model"], strict=False)
    state.optimizer.load_state_dict(payload["optimizer"])
    state.scheduler.load_state_dict(payload["scheduler"])
    torch.set_rng_state(payload["torch_rng"].cpu())
    random.setstate(payload["python_rng"])
    np.random.set_state(payload["numpy_rng"])
    state.step = int(payload["step"])


def _train_step(
    state: _RunState, tok: OffsetTokenizer, windows: list[Window], s: ReaderTrainSettings
) -> float:
    batch = tok.e5.pad_batch([w.input_ids for w in windows])
    dev = state.device
    ids, mask = torch.tensor(batch.input_ids, device=dev), torch.tensor(batch.attention_mask, device=dev)
    with torch.autocast(dev.type, dtype=torch.bfloat16, enabled=s.autocast_bf16):
        start, end = state.model(ids, mask)
    gold_s = torch.tensor([w.start_position for w in windows], device=dev)
    gold_e = torch.tensor([w.end_position for w in windows], device=dev)
    loss = (nn.functional.cross_entropy(start, gold_s) + nn.functional.cross_entropy(end, gold_e)) / 2
    state.optimizer.zero_grad(set_to_none=True)
    loss.backward()
    nn.utils.clip_grad_norm_([p for p in state.model.parameters() if p.requires_grad], s.grad_clip)
    state.optimizer.step()
    state.scheduler.step()
    state.step += 1
    return loss.item()


def schedule(windows: list[Window], s: ReaderTrainSettings) -> list[list[int]]:
    """Batches of window indices for the whole run (``max_steps`` cuts it)."""
    lengths = [len(w.input_ids) for w in windows]
    plan = [b for e in range(s.epochs) for b in epoch_batches(lengths, s.batch_size, s.seed, e)]
    return plan[: s.max_steps] if s.max_steps > 0 else plan


@dataclass
class _Tuning:
    """The tune questions and the run's record of them (curve and best state)."""

    examples: list[QaExample]
    run_dir: Path
    curve: list[dict[str, float]]
    reader: ExtractiveReader | None = None

    @classmethod
    def open(cls, examples: list[QaExample], run_dir: Path) -> _Tuning:
        path = run_dir / CURVE
        curve = json.loads(path.read_text()) if path.exists() else []
        return cls(examples, run_dir, curve)

    def best_f1(self) -> float:
        return max((c["tune_f1"] for c in self.curve), default=-1.0)

    def record(self, state: _RunState, seen: float, s: ReaderTrainSettings, budget: TimeBudget) -> None:
        """Score the tune questions; keep the state if its F1 is the best so far."""
        began = time.monotonic()
        self.reader = self.reader or _training_reader(state, s)
        state.model.eval()  # the reader is reused: dropout must be off on every call, not the first only
        with torch.autocast(state.device.type, dtype=torch.bfloat16, enabled=s.autocast_bf16):
            report = score_examples(self.reader, self.examples, progress=False)
        state.model.train()
        if report.f1 > self.best_f1():
            _atomic_torch_save(
                {k: v.clone() for k, v in trainable_state(state.model).items()}, self.run_dir / BEST
            )
        seconds = time.monotonic() - began
        budget.learn_tune(seconds, len(self.examples))
        entry = {"step": state.step, "epochs_seen": round(seen, 3), "tune_em": report.exact_match}
        self.curve = [c for c in self.curve if c["step"] != state.step]
        self.curve.append({**entry, "tune_f1": report.f1, "seconds": round(seconds, 1)})
        _atomic_write(self.run_dir / CURVE, json.dumps(self.curve, indent=2) + "\n")
        LOG.info(
            "step %d (%.2f epochs) tune EM %.4f F1 %.4f", state.step, seen, report.exact_match, report.f1
        )


def _training_reader(state: _RunState, s: ReaderTrainSettings) -> ExtractiveReader:
    """A reader over the model being trained (float32 weights; autocast does the rest)."""
    return ExtractiveReader(
        state.model,
        read_e5_image().vocab,
        windows=s.window_settings(),
        decode=DecodeSettings(max_answer_tokens=s.max_answer_tokens),
        device=str(state.device),
        dtype="float32",
        batch_size=s.eval_batch_size,
        max_windows=64,
    )


def _run_loop(
    state: _RunState,
    tok: OffsetTokenizer,
    windows: list[Window],
    tuning: _Tuning,
    s: ReaderTrainSettings,
    budget: TimeBudget,
) -> None:
    plan = schedule(windows, s)
    per_epoch = -(-len(windows) // s.batch_size)
    marks = eval_steps(len(plan), per_epoch, s.evals_per_epoch)
    bar = tqdm(total=len(plan), initial=state.step, desc="reader train", unit="step", dynamic_ncols=True)
    ema = None
    for batch in plan[state.step :]:
        if budget.expired():
            LOG.info(
                "time budget reached at step %d of %d; stopping to score and export", state.step, len(plan)
            )
            break
        state.model.train()
        began = time.monotonic()
        loss = _train_step(state, tok, [windows[i] for i in batch], s)
        budget.learn_step(time.monotonic() - began, len(batch))
        ema = loss if ema is None else 0.98 * ema + 0.02 * loss
        bar.update(1)
        bar.set_postfix(loss=f"{ema:.4f}", lr=f"{state.scheduler.get_last_lr()[0]:.2e}")
        if state.step in marks:
            tuning.record(state, state.step / per_epoch, s, budget)
        if state.step % s.checkpoint_every == 0 or state.step in marks:
            save_checkpoint(state, s.run_dir)
    bar.close()
    save_checkpoint(state, s.run_dir)
    if not any(c["step"] == state.step for c in tuning.curve):
        tuning.record(state, state.step / per_epoch, s, budget)


def _check_resume_settings(s: ReaderTrainSettings) -> None:
    """Write the run's settings; on --resume, warn about changes that alter the plan."""
    now = {k: str(v) for k, v in asdict(s).items()}
    path = s.run_dir / SETTINGS
    if s.resume and path.exists():
        before = json.loads(path.read_text())
        changed = sorted(k for k in now if k not in _RESUMABLE and before.get(k) != now[k])
        if changed:
            LOG.warning("resuming with changed settings %s: the batch plan or schedule may differ", changed)
    _atomic_write(path, json.dumps(now, indent=2) + "\n")


def _artefact_config(s: ReaderTrainSettings, data: _Data, n_windows: int) -> ReaderArtefactConfig:
    extra: dict[str, object] = {
        "settings": {k: str(v) for k, v in asdict(s).items()},
        "data": "KorQuAD 1.0 dev, split by article (searchlm.reader.training.data)",
        "split": data.record,
        "used_ids_sha256": {
            name: ids_digest(e.qid for e in getattr(data, name)) for name in ("train", "tune", "heldout")
        },
        "n_used": {name: len(getattr(data, name)) for name in ("train", "tune", "heldout")},
        "n_train_windows": n_windows,
    }
    return ReaderArtefactConfig(
        base_sha256=base_sha256(),
        max_length=s.max_length,
        doc_stride=s.doc_stride,
        max_question_tokens=s.max_question_tokens,
        max_answer_tokens=s.max_answer_tokens,
        num_layers=s.num_layers,
        head_dropout=s.head_dropout,
        extra=extra,
    )


def train(s: ReaderTrainSettings) -> Path:
    """Run (or resume) training, export the best tune state, score the held-out articles.

    Args:
        s: the run settings.

    Returns:
        The exported artefact directory (``run_dir/artefact``).
    """
    began = time.monotonic()
    torch.set_num_threads(s.num_threads)
    device = resolve_device(s.device)
    s.autocast_bf16 = training_autocast_bf16(s.autocast_bf16, device)
    seed_everything(s.seed)
    s.run_dir.mkdir(parents=True, exist_ok=True)
    _check_resume_settings(s)
    data = prepare_data(s)
    image = read_e5_image()
    tok = OffsetTokenizer(image.vocab)
    windows = training_windows(tok, data.train, s.window_settings())
    LOG.info("%d training questions -> %d windows", len(data.train), len(windows))
    cfg = _artefact_config(s, data, len(windows))
    model = new_reader_model(image, cfg, s.seed).to(device)
    plan_len = len(schedule(windows, s))
    opt = make_optimizer(model, s)
    state = _RunState(model, opt, make_scheduler(opt, plan_len, s.warmup_ratio), device)
    if s.resume and (s.run_dir / CHECKPOINT).exists():
        load_checkpoint(state, s.run_dir)
        LOG.info("resumed at step %d of %d", state.step, plan_len)
    tuning = _Tuning.open(data.tune, s.run_dir)
    budget = TimeBudget.of(s, began, len(data.tune), len(data.heldout))  # counted from the start
    _run_loop(state, tok, windows, tuning, s, budget)
    return _finish(state, tuning, data, cfg, s)


def _finish(
    state: _RunState, tuning: _Tuning, data: _Data, cfg: ReaderArtefactConfig, s: ReaderTrainSettings
) -> Path:
    """Export the best tune state, then score the exported artefact on the held-out articles.

    The tune split is not scored again: its figures for the exported state are the best
    point of the curve (``evaluate --split tune`` re-scores the artefact if wanted).
    """
    best = torch.load(s.run_dir / BEST, map_location=state.device)
    state.model.load_state_dict(best, strict=False)
    tune_best = max(tuning.curve, key=lambda c: c["tune_f1"])
    cfg.extra["curve"] = tuning.curve
    cfg.extra["tune_best"] = tune_best
    cfg.extra["steps_trained"] = state.step
    out = export_reader(state.model, cfg, s.run_dir / "artefact")
    reader = ExtractiveReader.from_artefact(out, device=s.device, batch_size=s.eval_batch_size)
    heldout_report = score_examples(reader, data.heldout)
    cfg.extra["heldout_report"] = asdict(heldout_report)
    write_reader_config(cfg, out)
    (s.run_dir / "tune_report.json").write_text(json.dumps(tune_best, indent=2) + "\n")
    (s.run_dir / "heldout_report.json").write_text(json.dumps(asdict(heldout_report), indent=2) + "\n")
    LOG.info(
        "best tune F1 %.4f at step %d; held-out articles EM %.4f F1 %.4f (n=%d)",
        tune_best["tune_f1"],
        tune_best["step"],
        heldout_report.exact_match,
        heldout_report.f1,
        heldout_report.n,
    )
    return out
