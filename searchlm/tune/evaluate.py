"""Dev exact match: greedy first lines of a (LoRA-wrapped) transformers model."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import torch

from searchlm.tune.types import TuneExample


def first_line(text: str) -> str:
    """The answer in a completion: its first line, stripped (the server stops at "\\n")."""
    return text.strip().split("\n", 1)[0].strip()


def _stop_ids(tokenizer: Any) -> list[int]:
    newline = tokenizer("\n", add_special_tokens=False)["input_ids"]
    return [tokenizer.eos_token_id] + (newline if len(newline) == 1 else [])


@torch.no_grad()
def greedy_lines(
    model: Any, tokenizer: Any, prompts: Sequence[str], *, max_new_tokens: int, batch: int = 16
) -> list[str]:
    """The greedy first line after each prompt (batched, left-padded, dropout off)."""
    was_training = model.training
    model.eval()
    tokenizer.padding_side = "left"
    out: list[str] = []
    for start in range(0, len(prompts), batch):
        enc = tokenizer(list(prompts[start : start + batch]), return_tensors="pt", padding=True)
        generated = model.generate(
            **enc,
            max_new_tokens=max_new_tokens,
            do_sample=False,
            eos_token_id=_stop_ids(tokenizer),
            pad_token_id=tokenizer.pad_token_id,
        )
        texts = tokenizer.batch_decode(generated[:, enc["input_ids"].shape[1] :], skip_special_tokens=True)
        out += [first_line(t) for t in texts]
    model.train(was_training)
    return out


def exact_match(
    model: Any, tokenizer: Any, examples: Sequence[TuneExample], *, batch: int = 16
) -> tuple[float, list[dict[str, str]]]:
    """(share of examples whose greedy first line equals the target's, the predictions)."""
    if not examples:
        return 0.0, []
    longest = max(len(tokenizer(e.target, add_special_tokens=False)["input_ids"]) for e in examples)
    lines = greedy_lines(
        model, tokenizer, [e.prompt for e in examples], max_new_tokens=longest + 2, batch=batch
    )
    rows = [
        {"prompt": e.prompt, "target": first_line(e.target), "output": line}
        for e, line in zip(examples, lines, strict=True)
    ]
    return sum(r["output"] == r["target"] for r in rows) / len(rows), rows
