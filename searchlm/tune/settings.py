"""Settings of one tuning run, the command that reproduces it, and what a resume may change."""

from __future__ import annotations

import shlex
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

# A resumed run may go further, evaluate or checkpoint differently or use other threads; any
# other change would silently mix two runs in one adapter, so it is refused.
RESUMABLE_CHANGES = frozenset({"steps", "eval_every", "checkpoint_every", "dev_examples", "threads"})


@dataclass(frozen=True)
class TuneSettings:
    """Hyper-parameters and paths of a LoRA tuning run (every field is a CLI option).

    Attributes:
        task: Registered task name (`searchlm.tune.tasks.TASKS`) or a "module:attribute" path.
        out: Run folder (checkpoints, data cache, metrics).
        base: transformers folder of the base model; None = the served GGUF, dequantised once.
        steps: Optimizer steps in all (a re-run with more steps continues).
        batch: Examples per micro-batch.
        accum: Micro-batches per optimizer step (gradient accumulation).
        lr: Peak learning rate (AdamW), reached after the warm-up, then decayed linearly to 0.
        warmup: Share of the steps spent warming up linearly.
        rank: LoRA rank r.
        alpha: LoRA alpha (the update is scaled by alpha / rank, in PEFT and in llama.cpp).
        dropout: Dropout on the LoRA input.
        max_len: Longest prompt + target in tokens; longer examples are skipped (counted).
        seed: Seeds the task's examples, the batch order, the LoRA init and dropout.
        eval_every: Dev exact match every N steps (0 = only at the end).
        checkpoint_every: Checkpoint every N steps (and always at the end).
        limit_examples: Use only the first N training examples (0 = all).
        dev_examples: Dev examples decoded for exact match.
        threads: torch CPU threads.
        init_from: A GGUF LoRA (same rank, alpha and modules) whose weights start this run
            instead of the seeded init: a new run continuing a shipped adapter.
        skip_batches: Micro-batches of the seed's batch plan that `init_from` already trained
            on; this run starts after them (steps x accum of the earlier run).
    """

    task: str = "null-query-rewrite"
    out: Path = Path("runs/tune/nq")
    base: Path | None = None
    steps: int = 1500
    batch: int = 16
    accum: int = 1
    lr: float = 3e-4
    warmup: float = 0.05
    rank: int = 16
    alpha: float = 32.0
    dropout: float = 0.05
    max_len: int = 64
    seed: int = 13
    eval_every: int = 0
    checkpoint_every: int = 100
    limit_examples: int = 0
    dev_examples: int = 200
    threads: int = 2
    init_from: Path | None = None
    skip_batches: int = 0

    def __post_init__(self) -> None:
        positive = ("steps", "batch", "accum", "rank", "max_len", "checkpoint_every", "threads")
        bad = [name for name in positive if getattr(self, name) < 1]
        bad += [
            n
            for n in ("eval_every", "limit_examples", "dev_examples", "skip_batches")
            if getattr(self, n) < 0
        ]
        if not self.lr > 0 or not self.alpha > 0:
            bad.append("lr/alpha")
        if not 0 <= self.warmup < 1 or not 0 <= self.dropout < 1:
            bad.append("warmup/dropout")
        if bad:
            raise ValueError(f"invalid tuning settings: {', '.join(bad)}")

    def to_json(self) -> dict[str, Any]:
        """Plain JSON values (paths as strings)."""
        return {k: str(v) if isinstance(v, Path) else v for k, v in asdict(self).items()}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> TuneSettings:
        """The settings of `to_json` output."""
        values = dict(data)
        for key in ("out", "base", "init_from"):
            if values.get(key) is not None:
                values[key] = Path(values[key])
        return cls(**values)


def command_line(settings: TuneSettings) -> str:
    """The `python -m searchlm.tune train ...` command that gives these settings."""
    parts = ["python", "-m", "searchlm.tune", "train"]
    for f in fields(settings):
        value = getattr(settings, f.name)
        if value is not None:
            parts += ["--" + f.name.replace("_", "-"), str(value)]
    return shlex.join(parts)


def resume_conflicts(saved: TuneSettings, wanted: TuneSettings) -> list[str]:
    """Fields that differ between a run's saved settings and a re-run's, beyond what may change."""
    return [
        f"{f.name}: {getattr(saved, f.name)} -> {getattr(wanted, f.name)}"
        for f in fields(saved)
        if f.name not in RESUMABLE_CHANGES and getattr(saved, f.name) != getattr(wanted, f.name)
    ]
