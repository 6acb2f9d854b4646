"""Run data: examples cached per run, length-bucketed batches the same in every run."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from searchlm.tune.data import BatchPlan, encode, run_examples
from searchlm.tune.settings import TuneSettings, command_line, resume_conflicts
from searchlm.tune.types import TuneExample
from tests.unit.tune.fakes import TINY_TASK


def test_batch_plan_is_seeded_covers_each_epoch_and_groups_lengths() -> None:
    lengths = [(i * 37) % 50 + 5 for i in range(1000)]
    plan, again = BatchPlan(lengths, 16, seed=3), BatchPlan(lengths, 16, seed=3)
    epoch = [plan.micro_batch(i) for i in range(plan.per_epoch)]
    assert epoch == [again.micro_batch(i) for i in range(plan.per_epoch)]
    assert sorted(i for batch in epoch for i in batch) == list(range(1000))
    spread = sum(max(lengths[i] for i in b) - min(lengths[i] for i in b) for b in epoch) / len(epoch)
    assert spread < 5  # random batches of these lengths spread over ~45 tokens
    assert plan.micro_batch(plan.per_epoch) != epoch[0]  # the next epoch is reshuffled
    assert BatchPlan(lengths, 16, seed=4).micro_batch(0) != epoch[0]


class _CharTokenizer:
    """One id per character; BOS (1) when special tokens are asked for."""

    def __call__(self, texts: list[str], add_special_tokens: bool = True) -> dict[str, list[list[int]]]:
        return {"input_ids": [[1] * add_special_tokens + [ord(c) for c in t] for t in texts]}


def test_encode_marks_the_prompt_and_skips_examples_over_max_len() -> None:
    examples = [TuneExample("검색어: a\n고친 검색어:", " 가\n"), TuneExample("x" * 40, " 나\n")]
    encoded, skipped = encode(_CharTokenizer(), examples, max_len=32)
    assert skipped == 1 and len(encoded) == 1
    (item,) = encoded
    assert item.ids[0] == 1 and item.n_prompt == 1 + len(examples[0].prompt)
    assert "".join(map(chr, item.ids[item.n_prompt :])) == " 가\n" and item.n_target == 3


def test_run_examples_are_made_once_and_read_back(tmp_path: Path) -> None:
    made = run_examples(TINY_TASK, 5, tmp_path / "data")
    read = run_examples(TINY_TASK, 5, tmp_path / "data")
    assert read == made and len(made.train) == 8 and (tmp_path / "data" / "train.jsonl").is_file()
    with pytest.raises(ValueError, match="seed 5"):
        run_examples(TINY_TASK, 6, tmp_path / "data")


def test_settings_reject_bad_values_and_give_their_command() -> None:
    with pytest.raises(ValueError, match="rank"):
        TuneSettings(rank=0)
    with pytest.raises(ValueError, match="warmup"):
        TuneSettings(warmup=1.5)
    command = command_line(TuneSettings(out=Path("runs/x"), steps=10))
    assert command.startswith(
        "python -m searchlm.tune train --task null-query-rewrite --out runs/x --steps 10"
    )
    assert "--base" not in command


def test_resume_may_change_steps_but_not_the_recipe() -> None:
    saved = TuneSettings(steps=100)
    assert resume_conflicts(saved, TuneSettings(steps=200, eval_every=50, threads=1)) == []
    assert resume_conflicts(saved, TuneSettings(lr=1e-3)) == ["lr: 0.0003 -> 0.001"]
    assert TuneSettings.from_json(saved.to_json()) == saved


def test_serving_side_modules_load_without_torch() -> None:
    modules = "searchlm.tune.gguf_lora, searchlm.tune.base, searchlm.tune.export, searchlm.tune.tasks"
    code = f"import sys, {modules}, searchlm.tune.cli; print('torch' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
