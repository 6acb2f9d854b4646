"""ModelRuntime over a byte-level fake engine: streaming, stops, candidates, limits."""

from __future__ import annotations

import asyncio

import pytest

from model_server.runtime import ModelRuntime
from model_server.types import FinishReason, GenerationRequest, SamplingParams, StreamEnd, TextDelta
from model_server.validation import Limits
from searchlm.errors import InvalidRequestError, NotReadyError, OverloadedError
from tests.fakes import ByteEngine


async def _runtime(engine: ByteEngine, max_waiting: int = 4) -> ModelRuntime:
    runtime = ModelRuntime(engine=engine, limits=Limits(), max_waiting=max_waiting)
    await runtime.start()
    return runtime


async def test_runtime_stream_emits_whole_syllables_and_final_usage() -> None:
    runtime = await _runtime(ByteEngine("한국어 답변"))
    events = [
        e async for e in runtime.generate_stream(GenerationRequest("질문", SamplingParams(max_tokens=64)))
    ]
    deltas = [e for e in events if isinstance(e, TextDelta)]
    assert "".join(d.text for d in deltas) == "한국어 답변"
    assert all("\ufffd" not in d.text and d.text for d in deltas)
    end = events[-1]
    assert isinstance(end, StreamEnd)
    assert end.candidates[0].finish_reason == FinishReason.STOP
    assert end.usage.generated_tokens == len("한국어 답변".encode())
    assert end.usage.prompt_tokens == 1 + len("질문".encode())


async def test_runtime_stop_sequence_spanning_tokens_truncates_text() -> None:
    runtime = await _runtime(ByteEngine("서울입니다.\n\n질문: 다음"))
    result = await runtime.generate(GenerationRequest("q", SamplingParams(stop=("\n\n질문:",))))
    assert result.candidates[0].text == "서울입니다."
    assert result.candidates[0].finish_reason == FinishReason.STOP


async def test_runtime_max_tokens_gives_length_finish() -> None:
    runtime = await _runtime(ByteEngine("abcdef"))
    result = await runtime.generate(GenerationRequest("q", SamplingParams(max_tokens=3)))
    assert result.candidates[0].text == "abc"
    assert result.candidates[0].finish_reason == FinishReason.LENGTH


async def test_runtime_n_candidates_each_complete() -> None:
    runtime = await _runtime(ByteEngine("가나"))
    result = await runtime.generate(GenerationRequest("q", SamplingParams(n=3, logprobs=True)))
    assert [c.text for c in result.candidates] == ["가나"] * 3
    assert all(len(c.token_logprobs) == 6 for c in result.candidates)


async def test_runtime_rejects_prompt_over_context() -> None:
    runtime = await _runtime(ByteEngine(context_length=16))
    with pytest.raises(InvalidRequestError) as info:
        await runtime.generate(GenerationRequest("가" * 10))
    assert info.value.field == "prompt"


async def test_runtime_refuses_before_start() -> None:
    runtime = ModelRuntime(engine=ByteEngine(), limits=Limits(), max_waiting=1)
    with pytest.raises(NotReadyError):
        await runtime.generate(GenerationRequest("q"))


async def test_runtime_cancelled_stream_frees_engine_sequence_and_slot() -> None:
    engine = ByteEngine("x" * 1000, delay=0.01, eos=False)
    runtime = await _runtime(engine)

    async def consume() -> None:
        async for _ in runtime.generate_stream(GenerationRequest("q", SamplingParams(max_tokens=1000))):
            pass

    task = asyncio.create_task(consume())
    await asyncio.sleep(0.05)
    assert engine.live == 1 and runtime.scheduler.running == 1
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert engine.live == 0
    assert runtime.scheduler.running == 0


async def test_runtime_overload_refused_while_queue_full() -> None:
    engine = ByteEngine("x" * 100, delay=0.01, eos=False)
    runtime = await _runtime(engine, max_waiting=1)
    request = GenerationRequest("q", SamplingParams(max_tokens=100))
    tasks = [asyncio.create_task(runtime.generate(request)) for _ in range(2)]
    await asyncio.sleep(0.02)
    with pytest.raises(OverloadedError):
        await runtime.generate(request)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)


async def test_runtime_score_returns_one_per_continuation() -> None:
    runtime = await _runtime(ByteEngine())
    prompt_tokens, scores = await runtime.score("수도는", ["서울", "부산"])
    assert prompt_tokens == 1 + len("수도는".encode())
    assert [s.num_tokens for s in scores] == [6, 6]
    assert scores[0].mean_logprob == pytest.approx(-0.5)


async def test_runtime_unknown_adapter_is_invalid_naming_the_field() -> None:
    runtime = await _runtime(ByteEngine(adapters=["null-query-rewrite"]))
    with pytest.raises(InvalidRequestError) as info:
        await runtime.generate(GenerationRequest("q", adapter="nope"))
    assert info.value.field == "adapter"
    assert "null-query-rewrite" in str(info.value)
    with pytest.raises(InvalidRequestError) as info:
        await runtime.score("q", ["a"], adapter="nope")
    assert info.value.field == "adapter"


async def test_runtime_passes_the_adapter_to_every_candidate_and_score() -> None:
    engine = ByteEngine("가", adapters=["nq"])
    runtime = await _runtime(engine)
    await runtime.generate(GenerationRequest("q", SamplingParams(n=2), adapter="nq"))
    await runtime.score("q", ["a"], adapter="nq")
    await runtime.generate(GenerationRequest("q"))
    assert engine.adapter_calls == ["nq", "nq", "nq", ""]


async def test_runtime_spells_choices_and_caps_max_tokens_at_the_longest() -> None:
    engine = ByteEngine("예")
    runtime = await _runtime(engine)
    await runtime.generate(GenerationRequest("q", SamplingParams(max_tokens=64, choices=("예", "아니오"))))
    params = engine.params[-1]
    assert params.choice_tokens == (tuple("예".encode()), tuple("아니오".encode()))
    assert params.max_tokens == len("아니오".encode()) + 1
