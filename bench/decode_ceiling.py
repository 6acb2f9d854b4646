"""Raw `llama_decode` ceiling: tokens/s at batch 1 and at batch 16, no sampling or scheduling.

The most continuous batching can give on this machine, measured with the engine's own context
settings (bit-exact, or FAST_MODE); `bench/model_server.py` prints it beside the served figures.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from model_server.settings import ModelServerSettings


def _prompt() -> str:
    return "다음은 한글에 대한 백과사전 설명이다.\n\n한글은(는)"


def decode_ceiling(settings: ModelServerSettings, batch: int = 16, steps: int = 48) -> tuple[float, float]:
    """Raw `llama_decode` tokens/s at batch 1 and at `batch`: the most batching can give here.

    The engine's own context settings (one KV stream per sequence, the same cell count),
    greedy argmax only: no sampling, no scheduling, no gRPC. The ratio of the two bounds any
    concurrency-16 against one-at-a-time figure on this machine.
    """
    from model_server.engines.llamacpp_context import LlamaContext
    from searchlm.files import packaged_gguf

    path = Path(settings.model_path) if settings.model_path else packaged_gguf()
    n_seq = batch + 1
    ctx = LlamaContext(
        path,
        n_ctx=n_seq * settings.context_length,
        n_seq_max=n_seq,
        n_batch=256,
        threads=settings.threads,
        fast=settings.fast_mode,
    )
    try:
        prompt_ids = ctx.tokenize(_prompt(), add_bos=True)
        return _decode_rate(ctx, prompt_ids, 1, steps), _decode_rate(ctx, prompt_ids, batch, steps)
    finally:
        ctx.close()


def _decode_rate(ctx: Any, prompt_ids: list[int], batch: int, steps: int) -> float:
    last = []
    for seq in range(batch):
        ctx.remove(seq)
        n = len(prompt_ids)
        ctx.decode(prompt_ids, range(n), [seq] * n, [False] * (n - 1) + [True])
        last.append(int(ctx.logits(n - 1).argmax()))
    position = len(prompt_ids)
    start = time.perf_counter()
    for _ in range(steps):
        ctx.decode(last, [position] * batch, list(range(batch)), [True] * batch)
        last = [int(ctx.logits(i).argmax()) for i in range(batch)]
        position += 1
    rate = batch * steps / (time.perf_counter() - start)
    for seq in range(batch):
        ctx.remove(seq)
    return rate


def report_ceiling(single: float, batched: float) -> None:
    """Prints the raw decode ceiling measured in this run."""
    print(
        f"\nraw llama_decode ceiling (greedy argmax, no sampling or scheduling): batch 1 {single:.1f} "
        f"tok/s, batch 16 {batched:.1f} tok/s = {batched / single:.2f}x, the most continuous batching "
        "can give on this machine",
        flush=True,
    )
