"""A run's examples: made once per run from the task, tokenised, batched by length.

The task's examples are written into the run folder the first time (Kiwi over the corpora
takes ~20 s), so a resumed run reads the very examples it started with. Batches are a pure
function of (seed, epoch), so the n-th micro-batch is the same in a resumed run.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from searchlm.tune.types import TaskSplit, TuneExample, TuningTask

_DATA_JSON = "data.json"


def _write_jsonl(path: Path, examples: Sequence[TuneExample]) -> None:
    rows = (json.dumps(asdict(e), ensure_ascii=False) + "\n" for e in examples)
    path.write_text("".join(rows), encoding="utf-8")


def _read_jsonl(path: Path) -> tuple[TuneExample, ...]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return tuple(TuneExample(**json.loads(line)) for line in lines if line.strip())


def run_examples(task: TuningTask, seed: int, directory: Path) -> TaskSplit:
    """The task's split for `seed`, from `directory` when made before, else made and stored.

    Raises:
        ValueError: `directory` holds examples of another task or seed.
    """
    record = directory / _DATA_JSON
    if record.is_file():
        info = json.loads(record.read_text(encoding="utf-8"))
        if (info["task"], info["seed"]) != (task.name, seed):
            raise ValueError(f"{directory} holds {info['task']} seed {info['seed']}, not {task.name} {seed}")
        train, dev = _read_jsonl(directory / "train.jsonl"), _read_jsonl(directory / "dev.jsonl")
        return TaskSplit(train, dev, tuple(info["sources"]), info["stats"])
    split = task.split(seed)
    directory.mkdir(parents=True, exist_ok=True)
    _write_jsonl(directory / "train.jsonl", split.train)
    _write_jsonl(directory / "dev.jsonl", split.dev)
    info = {"task": task.name, "seed": seed, "sources": list(split.sources), "stats": split.stats}
    info |= {"train": len(split.train), "dev": len(split.dev)}
    record.write_text(json.dumps(info, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return split


def data_summary(directory: Path) -> dict[str, Any]:
    """The stored `data.json` of a run (sources, counts), {} when absent."""
    record = directory / _DATA_JSON
    return json.loads(record.read_text(encoding="utf-8")) if record.is_file() else {}


@dataclass(frozen=True)
class Encoded:
    """A tokenised example: prompt ids then target ids; loss on the target only."""

    ids: tuple[int, ...]
    n_prompt: int

    @property
    def n_target(self) -> int:
        """Target tokens (the ones the loss counts)."""
        return len(self.ids) - self.n_prompt


def encode(tokenizer: Any, examples: Sequence[TuneExample], max_len: int) -> tuple[list[Encoded], int]:
    """(examples that fit in `max_len` tokens, how many did not).

    The prompt gets the tokenizer's special tokens (BOS), as the server's prompt does; the
    target is tokenised on its own, which is how it is generated after the prompt.
    """
    if not examples:
        return [], 0
    prompts = tokenizer([e.prompt for e in examples])["input_ids"]
    targets = tokenizer([e.target for e in examples], add_special_tokens=False)["input_ids"]
    out = [Encoded(tuple(p) + tuple(t), len(p)) for p, t in zip(prompts, targets, strict=True) if t]
    kept = [e for e in out if len(e.ids) <= max_len]
    return kept, len(examples) - len(kept)


class BatchPlan:
    """Length-bucketed micro-batches, the same for a seed in every run.

    Each epoch shuffles the examples, sorts windows of 50 batches by length (little padding),
    cuts them into batches and shuffles the batches.

    Args:
        lengths: Token length of each example.
        batch: Examples per micro-batch.
        seed: Run seed.
    """

    def __init__(self, lengths: Sequence[int], batch: int, seed: int) -> None:
        if not lengths:
            raise ValueError("no training examples fit (check --max-len and the task's data)")
        self._lengths = list(lengths)
        self._batch = batch
        self._seed = seed
        self._epochs: dict[int, list[list[int]]] = {}
        self.per_epoch = -(-len(self._lengths) // batch)

    def _epoch(self, epoch: int) -> list[list[int]]:
        if epoch not in self._epochs:
            rng = random.Random(f"{self._seed}:epoch:{epoch}")
            order = list(range(len(self._lengths)))
            rng.shuffle(order)
            window = self._batch * 50
            batches: list[list[int]] = []
            for start in range(0, len(order), window):
                chunk = sorted(order[start : start + window], key=self._lengths.__getitem__)
                batches += [chunk[i : i + self._batch] for i in range(0, len(chunk), self._batch)]
            rng.shuffle(batches)
            self._epochs = {epoch: batches}  # one epoch at a time is all a run needs
        return self._epochs[epoch]

    def micro_batch(self, index: int) -> list[int]:
        """Example indices of the `index`-th micro-batch of the run (epochs run on)."""
        epoch, position = divmod(index, self.per_epoch)
        return self._epoch(epoch)[position]
