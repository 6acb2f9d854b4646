"""Is a request in a llama.cpp batch bit-identical to the same request alone? Measured, by batch size.

llama.cpp's CPU matmuls run rows one by one below 8 rows and through a GEMM kernel from 8 rows
on; the GEMM path is what makes batching pay, and it rounds differently. So with the engine's
exact context (one KV stream per sequence, no repacking, no flash attention) a sequence's
logits are bit-identical to the same sequence alone only while fewer than 8 sequences decode in
one call. This bench prints, in one run on the packaged Gemma 3 270M:

1. one decode step at batch sizes 1..16: how many sequences' logits are bit-identical to the
   same step alone, and the largest logit difference;
2. decode speed of 16 sequences in one call against calls of at most 7 rows (what keeping the
   batch exact would cost);
3. end to end through the engine: greedy 64-token outputs of 16 prompts served alone, then
   all together (and 7 together), how many are identical.

    python bench/batch_exactness.py [--threads 2]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import model_server_common  # noqa: E402
from model_server.engines.llamacpp import LlamaCppEngine  # noqa: E402
from model_server.engines.llamacpp_context import LlamaContext  # noqa: E402
from model_server.types import SamplingParams  # noqa: E402
from searchlm.files import packaged_gguf  # noqa: E402

TOPICS = [*model_server_common.TOPICS, "불고기", "한라산", "독도", "세종대왕"]
TOPICS += ["비빔밥", "설악산", "인천", "대구"]
TEXT = (
    "다음은 백과사전 설명이다. 한글은 조선의 세종대왕이 만든 문자로, "
    "서울과 부산과 제주도에는 많은 사람들이 산다. "
) * 4
SLOTS = 17
FILLER = 236770  # any token: the speed of a decode call does not depend on it


def _prompts(ctx: LlamaContext, batch: int) -> list[list[int]]:
    ids = ctx.tokenize(TEXT, add_bos=True)
    return [ids[:1] + ids[1 + 2 * i : 20 + 2 * i] for i in range(batch)]


def _prefill(ctx: LlamaContext, prompts: list[list[int]]) -> list[int]:
    """Each prompt alone in its own sequence; returns each one's greedy next token."""
    firsts = []
    for seq, prompt in enumerate(prompts):
        ctx.remove(seq)
        ctx.decode(prompt, range(len(prompt)), [seq] * len(prompt), [False] * (len(prompt) - 1) + [True])
        firsts.append(int(np.argmax(ctx.logits(len(prompt) - 1))))
    return firsts


def one_step(ctx: LlamaContext, batch: int) -> tuple[int, float]:
    """(sequences whose batched step is bit-identical to alone, largest logit difference)."""
    prompts = _prompts(ctx, batch)
    firsts = _prefill(ctx, prompts)
    ctx.decode(firsts, [len(p) for p in prompts], list(range(batch)), [True] * batch)
    batched = [ctx.logits(i).copy() for i in range(batch)]
    same, worst = 0, 0.0
    for seq, prompt in enumerate(prompts):
        ctx.remove(seq, len(prompt))
        ctx.decode([firsts[seq]], [len(prompt)], [seq], [True])
        alone = ctx.logits(0)
        same += int(np.array_equal(alone, batched[seq]))
        worst = max(worst, float(np.abs(alone - batched[seq]).max()))
        ctx.remove(seq)
    return same, worst


def split_speed(ctx: LlamaContext, groups: list[int], steps: int = 32) -> float:
    """Decode tokens/s of 16 sequences run in calls of the given row counts."""
    prompts = _prompts(ctx, sum(groups))
    _prefill(ctx, prompts)
    positions = [len(p) for p in prompts]
    start = time.perf_counter()
    for _ in range(steps):
        first = 0
        for rows in groups:
            ids = list(range(first, first + rows))
            ctx.decode([FILLER] * rows, [positions[i] for i in ids], ids, [True] * rows)
            first += rows
        positions = [p + 1 for p in positions]
    return sum(groups) * steps / (time.perf_counter() - start)


def _first_difference(a: list[int], b: list[int]) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


async def served(threads: int, together: int) -> tuple[int, list[int]]:
    """Greedy 64-token outputs alone, then `together` at once: (identical, first differing indices)."""
    engine = LlamaCppEngine(context_length=512, threads=threads, max_batch_size=16)
    await engine.start()
    params = SamplingParams(max_tokens=64, temperature=0.0)

    async def generate(topic: str) -> list[int]:
        ids = engine.tokenize(f"다음은 {topic}에 대한 백과사전 설명이다.\n\n{topic}은(는)", add_special=True)
        return [step.token_id async for step in engine.generate(ids, params, seed=0)]

    try:
        alone = [await generate(t) for t in TOPICS[:together]]
        batched = await asyncio.gather(*[generate(t) for t in TOPICS[:together]])
    finally:
        await engine.stop()
    diverge = [_first_difference(a, b) for a, b in zip(alone, batched, strict=True) if a != b]
    return together - len(diverge), diverge


def main() -> None:
    formatter = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=formatter)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    ctx = LlamaContext(packaged_gguf(), n_ctx=SLOTS * 512, n_seq_max=SLOTS, n_batch=135, threads=args.threads)
    try:
        print("| batch | logits bit-identical to alone | largest logit difference |\n|---|---|---|")
        for batch in (1, 2, 4, 7, 8, 9, 12, 16):
            same, worst = one_step(ctx, batch)
            print(f"| {batch} | {same}/{batch} | {worst:.3g} |", flush=True)
        whole, split = split_speed(ctx, [16]), split_speed(ctx, [7, 7, 2])
        print(f"\n16 sequences: one call {whole:.1f} tok/s, calls of 7+7+2 rows {split:.1f} tok/s", end="")
        print(f" ({split / whole:.2f}x)")
    finally:
        ctx.close()
    for together in (7, 16):
        same, diverge = asyncio.run(served(args.threads, together))
        where = f"; first differing token at {sorted(diverge)}" if diverge else ""
        print(f"served greedy 64-token outputs, {together} together: ", end="")
        print(f"{same}/{together} identical to alone{where}")


if __name__ == "__main__":
    main()
