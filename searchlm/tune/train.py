"""LoRA tuning of a causal LM on a task's (prompt, target) examples, on CPU, resumable.

The loss counts target tokens only (prompt and padding labelled -100), averaged over the
target tokens of the whole optimizer step (all accumulated micro-batches). Batches are
left-padded with explicit position ids, so every sequence sees the positions it sees when
served, and logits are computed for the last target-length positions only (the vocabulary is
262k wide: full logits would dominate the step).

A run folder (`layout.RunLayout`) holds everything: re-running the same command continues
from the last checkpoint with the same batches, optimizer, scheduler and RNG state.
"""

from __future__ import annotations

import json
import logging
import shutil
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import torch
import torch.nn.functional as F  # noqa: N812 - the usual name
from tqdm import tqdm

from searchlm.tune.base import base_info, hf_base
from searchlm.tune.data import BatchPlan, Encoded, encode, run_examples
from searchlm.tune.evaluate import exact_match
from searchlm.tune.gguf_lora import PROJECTIONS, read_gguf_lora
from searchlm.tune.layout import ADAPTER_WEIGHTS, TRAINER_STATE, RunLayout
from searchlm.tune.settings import TuneSettings, command_line, resume_conflicts
from searchlm.tune.tasks import load_task
from searchlm.tune.types import TuneExample

LOG = logging.getLogger(__name__)
TARGET_MODULES = tuple(PROJECTIONS)  # exactly the projections the GGUF export can name


@dataclass
class _Run:
    """The mutable state of a run: model, optimizer, schedule, progress."""

    model: Any
    tokenizer: Any
    optimizer: torch.optim.AdamW
    scheduler: torch.optim.lr_scheduler.LambdaLR
    data: list[Encoded]
    plan: BatchPlan
    step: int = 0
    seconds: float = 0.0
    losses: list[float] = field(default_factory=list)
    evals: list[dict[str, float]] = field(default_factory=list)


def _load_model(base: Path, s: TuneSettings) -> tuple[Any, Any]:
    """(tokenizer, PEFT LoRA model) on CPU in float32, the LoRA initialised from the seed."""
    from peft import LoraConfig, get_peft_model
    from transformers import AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(base)
    tokenizer.padding_side = "left"
    model = AutoModelForCausalLM.from_pretrained(base, dtype=torch.float32, attn_implementation="sdpa")
    model.config.use_cache = False
    torch.manual_seed(s.seed)
    config = LoraConfig(
        task_type="CAUSAL_LM",
        r=s.rank,
        lora_alpha=s.alpha,  # type: ignore[arg-type]  # peft takes any number
        lora_dropout=s.dropout,
        target_modules=list(TARGET_MODULES),
        bias="none",
    )
    peft_model = get_peft_model(model, config)
    if s.init_from is not None:
        load_gguf_weights(peft_model, s.init_from, s)
    return tokenizer, peft_model


def load_gguf_weights(model: Any, path: Path, s: TuneSettings) -> None:
    """Sets a PEFT model's LoRA A/B from a GGUF LoRA written by `export` (float16 there).

    Raises:
        ValueError: the file's rank, alpha or modules differ from this run's.
    """
    from peft import get_peft_model_state_dict, set_peft_model_state_dict

    lora = read_gguf_lora(path)
    if lora.rank != s.rank or abs(lora.alpha - s.alpha) > 1e-6:
        raise ValueError(
            f"{path}: rank {lora.rank} alpha {lora.alpha}, this run rank {s.rank} alpha {s.alpha}"
        )
    current = get_peft_model_state_dict(model)
    weights = {}
    for module, (a, b) in lora.tensors.items():
        weights[f"base_model.model.{module}.lora_A.weight"] = torch.from_numpy(a)
        weights[f"base_model.model.{module}.lora_B.weight"] = torch.from_numpy(b)
    if set(weights) != set(current):
        missing = sorted(set(current) ^ set(weights))[:3]
        raise ValueError(f"{path}: its LoRA modules differ from this run's (e.g. {missing})")
    set_peft_model_state_dict(model, weights)
    LOG.info("LoRA weights from %s (%d modules)", path, len(lora.tensors))


def linear_schedule(optimizer: torch.optim.Optimizer, total: int, warmup: float) -> Any:
    """Linear warm-up over `warmup` of `total` steps, then linear decay to zero."""
    warm = max(1, int(total * warmup))

    def factor(step: int) -> float:
        if step < warm:
            return (step + 1) / warm
        return max(0.0, (total - step) / max(1, total - warm))

    return torch.optim.lr_scheduler.LambdaLR(optimizer, factor)


@dataclass(frozen=True)
class Batch:
    """Left-padded tensors of a micro-batch and how many final positions need logits."""

    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    position_ids: torch.Tensor
    labels: torch.Tensor
    keep: int


def collate(items: Sequence[Encoded], pad_id: int) -> Batch:
    """Left-pads a micro-batch; labels are -100 except on target tokens."""
    width = max(len(x.ids) for x in items)
    ids = torch.full((len(items), width), pad_id, dtype=torch.long)
    mask = torch.zeros((len(items), width), dtype=torch.long)
    labels = torch.full((len(items), width), -100, dtype=torch.long)
    for row, x in enumerate(items):
        offset = width - len(x.ids)
        ids[row, offset:] = torch.tensor(x.ids)
        mask[row, offset:] = 1
        labels[row, offset + x.n_prompt :] = ids[row, offset + x.n_prompt :]
    positions = (mask.cumsum(-1) - 1).clamp(min=0)
    return Batch(ids, mask, positions, labels, max(x.n_target for x in items) + 1)


def target_loss(model: Any, batch: Batch) -> torch.Tensor:
    """Summed cross-entropy over the target tokens of a batch."""
    out = model(
        input_ids=batch.input_ids,
        attention_mask=batch.attention_mask,
        position_ids=batch.position_ids,
        logits_to_keep=batch.keep,
        use_cache=False,
    )
    logits = out.logits[:, :-1].float()  # position t predicts token t + 1
    gold = batch.labels[:, -(batch.keep - 1) :]
    return F.cross_entropy(
        logits.reshape(-1, logits.shape[-1]), gold.reshape(-1), ignore_index=-100, reduction="sum"
    )


def _optimizer_step(run: _Run, s: TuneSettings) -> float:
    """One optimizer step over `accum` micro-batches; returns the mean target-token loss."""
    first = s.skip_batches + run.step * s.accum
    batches = [[run.data[i] for i in run.plan.micro_batch(first + j)] for j in range(s.accum)]
    n_tokens = sum(x.n_target for batch in batches for x in batch)
    total = 0.0
    for items in batches:
        loss = target_loss(run.model, collate(items, run.tokenizer.pad_token_id)) / n_tokens
        loss.backward()
        total += float(loss.detach())
    params = [p for p in run.model.parameters() if p.requires_grad]
    torch.nn.utils.clip_grad_norm_(params, 1.0)
    run.optimizer.step()
    run.scheduler.step()
    run.optimizer.zero_grad(set_to_none=True)
    return total


def save_checkpoint(run: _Run, layout: RunLayout) -> None:
    """Writes the checkpoint folder whole (a temporary folder renamed into place)."""
    from peft import get_peft_model_state_dict
    from safetensors.torch import save_file

    staging, old = layout.root / "checkpoint.tmp", layout.root / "checkpoint.old"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    weights = {k: v.detach().contiguous() for k, v in get_peft_model_state_dict(run.model).items()}
    save_file(weights, staging / ADAPTER_WEIGHTS)
    run.model.peft_config["default"].save_pretrained(staging)
    state = {
        "step": run.step,
        "seconds": run.seconds,
        "losses": run.losses,
        "evals": run.evals,
        "optimizer": run.optimizer.state_dict(),
        "scheduler": run.scheduler.state_dict(),
        "torch_rng": torch.get_rng_state(),
    }
    torch.save(state, staging / TRAINER_STATE)
    shutil.rmtree(old, ignore_errors=True)
    if layout.checkpoint.exists():
        layout.checkpoint.rename(old)
    staging.rename(layout.checkpoint)
    shutil.rmtree(old, ignore_errors=True)


def _latest_checkpoint(layout: RunLayout) -> Path | None:
    """The checkpoint folder, or the previous one when a save stopped between its renames."""
    for folder in (layout.checkpoint, layout.root / "checkpoint.old"):
        if (folder / TRAINER_STATE).is_file():
            return folder
    return None


def load_checkpoint(run: _Run, folder: Path) -> None:
    """Restores weights, optimizer, scheduler, RNG and progress from a checkpoint folder."""
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file

    set_peft_model_state_dict(run.model, load_file(folder / ADAPTER_WEIGHTS))
    state = torch.load(folder / TRAINER_STATE, map_location="cpu", weights_only=False)
    run.optimizer.load_state_dict(state["optimizer"])
    run.scheduler.load_state_dict(state["scheduler"])
    torch.set_rng_state(state["torch_rng"])
    run.step, run.seconds = int(state["step"]), float(state["seconds"])
    run.losses, run.evals = list(state["losses"]), list(state["evals"])


def _prepare_folder(layout: RunLayout, s: TuneSettings, base: Path) -> None:
    """Refuses a re-run with other settings; records settings, base and command."""
    if layout.run_json.is_file():
        saved = TuneSettings.from_json(json.loads(layout.run_json.read_text(encoding="utf-8"))["settings"])
        conflicts = resume_conflicts(saved, s)
        if conflicts:
            raise ValueError(f"{layout.root} was started with other settings ({'; '.join(conflicts)})")
    layout.root.mkdir(parents=True, exist_ok=True)
    info = base_info(base)
    record = {
        "task": s.task,
        "settings": s.to_json(),
        "base": {"path": str(base), "model": info.model, "sha256": info.sha256},
        "command": command_line(s),
    }
    layout.run_json.write_text(json.dumps(record, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _sampled_curve(losses: Sequence[float], points: int = 100) -> list[list[float]]:
    """[step, mean loss] over up to `points` equal windows of the loss history."""
    width = max(1, -(-len(losses) // points))
    return [
        [min(i + width, len(losses)), round(statistics.fmean(losses[i : i + width]), 4)]
        for i in range(0, len(losses), width)
    ]


def _evaluate(run: _Run, dev: Sequence[TuneExample]) -> list[dict[str, str]]:
    em, rows = exact_match(run.model, run.tokenizer, dev)
    run.evals = [e for e in run.evals if e["step"] != run.step] + [{"step": run.step, "exact_match": em}]
    LOG.info("step %d: dev exact match %.3f on %d examples", run.step, em, len(dev))
    return rows


def _write_metrics(run: _Run, s: TuneSettings, layout: RunLayout, extra: dict[str, Any]) -> dict[str, Any]:
    final = [e["exact_match"] for e in run.evals if e["step"] == run.step]
    metrics = {
        "task": s.task,
        "steps": run.step,
        "seconds": round(run.seconds, 1),
        "seconds_per_step": round(run.seconds / max(1, run.step), 3),
        "examples_seen": run.step * s.batch * s.accum,
        "final_loss": round(statistics.fmean(run.losses[-20:]), 4) if run.losses else None,
        "loss_curve": _sampled_curve(run.losses),
        "dev_exact_match": final[0] if final else None,
        "dev_curve": run.evals,
        **extra,
    }
    layout.metrics.write_text(json.dumps(metrics, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return metrics


def _build_run(s: TuneSettings, layout: RunLayout) -> tuple[_Run, list[TuneExample], dict[str, Any]]:
    base = s.base or hf_base()
    _prepare_folder(layout, s, base)
    split = run_examples(load_task(s.task), s.seed, layout.data_dir)
    tokenizer, model = _load_model(base, s)
    train = split.train[: s.limit_examples] if s.limit_examples else split.train
    data, skipped = encode(tokenizer, train, s.max_len)
    optimizer = torch.optim.AdamW(
        [p for p in model.parameters() if p.requires_grad], lr=s.lr, weight_decay=0.0
    )
    plan = BatchPlan([len(x.ids) for x in data], s.batch, s.seed)
    run = _Run(model, tokenizer, optimizer, linear_schedule(optimizer, s.steps, s.warmup), data, plan)
    extra = {
        "train_examples": len(data),
        "skipped_too_long": skipped,
        "epochs": round(s.steps * s.accum / plan.per_epoch, 3),
        "init_from": str(s.init_from) if s.init_from else None,
        "skip_batches": s.skip_batches,
    }
    return (
        run,
        list(split.dev[: s.dev_examples]),
        extra | {"dev_examples": min(len(split.dev), s.dev_examples)},
    )


def _run_steps(run: _Run, s: TuneSettings, layout: RunLayout, dev: Sequence[TuneExample]) -> None:
    """Optimizer steps up to `s.steps`, with progress, periodic dev checks and checkpoints."""
    with tqdm(total=s.steps, initial=min(run.step, s.steps), desc="tune", unit="step") as bar:
        while run.step < s.steps:
            started = time.perf_counter()
            run.losses.append(_optimizer_step(run, s))
            run.step += 1
            run.seconds += time.perf_counter() - started
            bar.update(1)
            bar.set_postfix(loss=f"{statistics.fmean(run.losses[-20:]):.3f}")
            if s.eval_every and run.step % s.eval_every == 0 and run.step < s.steps:
                _evaluate(run, dev)
            if run.step % s.checkpoint_every == 0 or run.step == s.steps:
                save_checkpoint(run, layout)


def train(s: TuneSettings) -> dict[str, Any]:
    """Tunes (or continues tuning) a LoRA adapter as `s` says; returns the metrics written.

    Raises:
        ValueError: the run folder was started with settings a resume may not change.
    """
    torch.set_num_threads(s.threads)
    layout = RunLayout(s.out)
    run, dev, extra = _build_run(s, layout)
    if (folder := _latest_checkpoint(layout)) is not None:
        load_checkpoint(run, folder)
        LOG.info("resuming %s at step %d", layout.root, run.step)
    _run_steps(run, s, layout, dev)
    rows: list[dict[str, str]] = []
    if dev and not any(e["step"] == run.step for e in run.evals):
        rows = _evaluate(run, dev)
        save_checkpoint(run, layout)
    elif layout.metrics.is_file():  # a finished run re-run: keep the samples of its evaluation
        rows = json.loads(layout.metrics.read_text(encoding="utf-8")).get("dev_samples", [])
    return _write_metrics(run, s, layout, extra | {"dev_samples": rows[:20]})
