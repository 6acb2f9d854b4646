"""transformers engine on CUDA: batching stays exact on the GPU."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from model_server.types import SamplingParams


async def test_cuda_batched_greedy_equals_alone(tmp_path: Path) -> None:
    from model_server.engines.hf import TransformersEngine
    from tests.tiny_model import build_tiny_model

    engine = TransformersEngine(model_path=str(build_tiny_model(tmp_path)), device="cuda", max_batch_size=8)
    await engine.start()
    try:
        assert engine.info.device == "cuda"
        params = SamplingParams(max_tokens=12, temperature=0.0)

        async def run(prompt: str) -> list[int]:
            ids = engine.tokenize(prompt, add_special=True)
            return [s.token_id async for s in engine.generate(ids, params, seed=0)]

        prompts = ["대한민국의 수도는", "한글은 누가", "The quick brown"]
        alone = [await run(p) for p in prompts]
        assert list(await asyncio.gather(*[run(p) for p in prompts])) == alone
    finally:
        await engine.stop()


def test_cuda_is_visible() -> None:
    import torch

    assert torch.cuda.device_count() >= 1
    pytest.importorskip("faiss")
