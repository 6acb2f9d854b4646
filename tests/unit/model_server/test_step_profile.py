"""bench/step_profile.py's bucketing of py-spy stacks (the figures in docs/benchmarks.md)."""

from __future__ import annotations

from pathlib import Path

from bench.step_profile import IDLE, bucket, role, summarise

ENGINE = "Thread._bootstrap (threading.py);StepThread._main (model_server/engines/step_thread.py)"


def _stack(*frames: str) -> str:
    return ";".join([ENGINE, *frames])


def test_decode_prefill_and_sampling_are_told_apart() -> None:
    decode = _stack(
        "BatchRunner._decode (model_server/engines/llamacpp_batch.py)", "LlamaContext.decode (x.py)"
    )
    prefill = _stack(
        "BatchRunner._prefill (model_server/engines/llamacpp_batch.py)", "LlamaContext.decode (x.py)"
    )
    sample = _stack(
        "BatchRunner._sample (model_server/engines/llamacpp_batch.py)", "nucleus (model_server/sampling.py)"
    )
    assert bucket(decode) == "llama_decode: decode steps"
    assert bucket(prefill) == "llama_decode: prompt chunks (prefill)"
    assert bucket(sample) == "sampling (numpy over the vocabulary)"


def test_a_waiting_thread_is_idle_whatever_called_it() -> None:
    assert bucket(_stack("Event.wait (threading.py)", "wait (threading.py)")) == IDLE
    assert bucket("run_forever (asyncio/base_events.py);select (selectors.py)") == IDLE


def test_summarise_counts_per_thread_and_names_the_engine_thread(tmp_path: Path) -> None:
    raw = tmp_path / "raw.txt"
    decode = _stack("BatchRunner._decode (a.py)", "LlamaContext.decode (b.py)")
    raw.write_text(
        f"thread (1): llamacpp;{decode} 90\n"
        f"thread (1): llamacpp;{_stack('Sampler.sample (model_server/sampling.py)')} 10\n"
        "thread (2): MainThread;run_forever (asyncio/base_events.py);select (selectors.py) 100\n"
    )
    threads = summarise(raw)
    engine = threads["thread (1): llamacpp"]
    assert engine["llama_decode: decode steps"] == 90 and role(engine) == "engine thread"
    assert threads["thread (2): MainThread"][IDLE] == 100
