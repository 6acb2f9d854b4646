"""transformers engine in process on a tiny random model: continuous batching is exact."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from model_server.types import SamplingParams

pytest.importorskip("torch")
pytest.importorskip("transformers")

from model_server.engines.hf import TransformersEngine
from tests.tiny_model import build_tiny_model

PROMPTS = ["대한민국의 수도는", "한글은 누가", "The quick brown", "배송이 빠르고 품질이 좋아요. 다시"]


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_tiny_model(tmp_path_factory.mktemp("tiny-llama"))


async def _generate(
    engine: TransformersEngine, prompt: str, params: SamplingParams, seed: int = 0
) -> list[int]:
    ids = engine.tokenize(prompt, add_special=True)
    return [step.token_id async for step in engine.generate(ids, params, seed=seed)]


async def test_batched_greedy_equals_each_sequence_alone(model_dir: Path) -> None:
    engine = TransformersEngine(model_path=str(model_dir), device="cpu", max_batch_size=8, num_threads=1)
    await engine.start()
    try:
        params = SamplingParams(max_tokens=12, temperature=0.0)
        alone = [await _generate(engine, p, params) for p in PROMPTS]
        together = await asyncio.gather(*[_generate(engine, p, params) for p in PROMPTS])
        assert list(together) == alone
    finally:
        await engine.stop()


async def test_sequences_joining_midway_stay_exact(model_dir: Path) -> None:
    engine = TransformersEngine(model_path=str(model_dir), device="cpu", max_batch_size=8, num_threads=1)
    await engine.start()
    try:
        long, short = (
            SamplingParams(max_tokens=20, temperature=0.0),
            SamplingParams(max_tokens=5, temperature=0.0),
        )
        expected_long = await _generate(engine, PROMPTS[0], long)
        expected_short = await _generate(engine, PROMPTS[1], short)

        async def late_short() -> list[int]:
            await asyncio.sleep(0.05)  # joins a batch that is already decoding
            return await _generate(engine, PROMPTS[1], short)

        got_long, got_short = await asyncio.gather(_generate(engine, PROMPTS[0], long), late_short())
        assert (got_long, got_short) == (expected_long, expected_short)
    finally:
        await engine.stop()


async def test_cancelled_sequence_leaves_the_batch(model_dir: Path) -> None:
    engine = TransformersEngine(model_path=str(model_dir), device="cpu", max_batch_size=4, num_threads=1)
    await engine.start()
    try:
        params = SamplingParams(max_tokens=200, temperature=1.0)
        stream = engine.generate(engine.tokenize("한글", add_special=True), params, seed=1)
        await anext(stream)
        await stream.aclose()
        for _ in range(50):
            if not engine._batch.members or all(s.cancelled for s in engine._batch.members):
                break
            await asyncio.sleep(0.01)
        # The next request runs normally after the cancelled one was dropped.
        assert len(await _generate(engine, "서울", SamplingParams(max_tokens=3, temperature=0.0))) >= 1
        assert all(not s.cancelled for s in engine._batch.members)
    finally:
        await engine.stop()


async def test_score_matches_greedy_logprobs(model_dir: Path) -> None:
    engine = TransformersEngine(model_path=str(model_dir), device="cpu", max_batch_size=2, num_threads=1)
    await engine.start()
    try:
        prompt = engine.tokenize("대한민국의 수도는", add_special=True)
        steps = [
            s async for s in engine.generate(prompt, SamplingParams(max_tokens=4, temperature=0.0), seed=0)
        ]
        tokens = [s.token_id for s in steps if not s.is_eos]
        (scored,) = await engine.score(prompt, [tokens])
        assert scored == pytest.approx(sum(s.logprob for s in steps[: len(tokens)]), abs=1e-3)
    finally:
        await engine.stop()


def _tiny_lora(model_dir: Path, folder: Path) -> Path:
    import json

    import numpy as np

    from searchlm.tune.gguf_lora import write_gguf_lora

    config = json.loads((model_dir / "config.json").read_text())
    hidden, layers, rank = config["hidden_size"], config["num_hidden_layers"], 4
    rng = np.random.default_rng(1)
    tensors = {
        f"model.layers.{i}.{block}": (
            rng.normal(0, 0.5, (rank, hidden)).astype(np.float32),
            rng.normal(0, 0.5, (hidden, rank)).astype(np.float32),
        )
        for i in range(layers)
        for block in ("self_attn.q_proj", "self_attn.o_proj")
    }
    folder.mkdir(exist_ok=True)
    write_gguf_lora(
        folder / "tuned.gguf",
        tensors,
        alpha=8.0,
        rank=rank,
        task="test-task",
        base_model="tiny",
        base_sha256="",
        architecture="llama",
    )
    return folder


async def test_peft_adapters_mix_in_one_batch_and_match_each_alone(model_dir: Path, tmp_path: Path) -> None:
    pytest.importorskip("peft")
    pytest.importorskip("gguf")
    adapters = _tiny_lora(model_dir, tmp_path / "adapters")
    engine = TransformersEngine(
        model_path=str(model_dir), device="cpu", max_batch_size=8, num_threads=1, adapters_dir=str(adapters)
    )
    await engine.start()
    try:
        assert [a.name for a in engine.info.adapters] == ["tuned"]
        params = SamplingParams(max_tokens=10, temperature=0.0)
        jobs = [(p, a) for p in PROMPTS[:2] for a in ("", "tuned")]

        async def run(prompt: str, adapter: str) -> list[int]:
            ids = engine.tokenize(prompt, add_special=True)
            return [s.token_id async for s in engine.generate(ids, params, seed=0, adapter=adapter)]

        alone = [await run(p, a) for p, a in jobs]
        together = await asyncio.gather(*[run(p, a) for p, a in jobs])
        assert list(together) == alone
        assert alone[0] != alone[1]  # the adapter changes the output
        ids = engine.tokenize(PROMPTS[0], add_special=True)
        base = await engine.score(ids, [[5, 6]])
        tuned = await engine.score(ids, [[5, 6]], adapter="tuned")
        assert base != pytest.approx(tuned)
    finally:
        await engine.stop()
