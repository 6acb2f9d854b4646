"""The engine thread: calls, back-to-back steps, ordered delivery, stop."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from model_server.engines.step_thread import StepThread


class Counter:
    """A fake runner: each sequence (an int budget) yields its remaining count per step."""

    def __init__(self) -> None:
        self.live: dict[int, int] = {}
        self.steps = 0
        self.threads: set[str] = set()

    def step(self, inbox: list[int], cancelled: list[int]) -> list[tuple[int, Any]]:
        self.threads.add(threading.current_thread().name)
        for seq in inbox:
            self.live[seq] = seq
        for seq in cancelled:
            self.live.pop(seq, None)
        self.steps += 1
        out = []
        for seq in list(self.live):
            self.live[seq] -= 1
            out.append((seq, self.live[seq]))
            if self.live[seq] == 0:
                del self.live[seq]
        return out

    def busy(self) -> bool:
        return bool(self.live)


async def _started(runner: Counter, delivered: list[tuple[int, Any]]) -> StepThread[int]:
    thread: StepThread[int] = StepThread(
        "test-engine", step=runner.step, busy=runner.busy, deliver=delivered.extend
    )
    thread.start(asyncio.get_running_loop())
    return thread


async def test_calls_run_on_the_engine_thread_and_raise_there() -> None:
    thread = await _started(Counter(), [])
    assert await thread.call(lambda: threading.current_thread().name) == "test-engine"
    assert await thread.call(lambda a, b: a + b, 2, 3) == 5
    with pytest.raises(ZeroDivisionError):
        await thread.call(lambda: 1 / 0)
    await thread.stop()


async def test_steps_go_on_while_the_event_loop_is_blocked() -> None:
    runner, delivered = Counter(), []
    thread = await _started(runner, delivered)
    thread.submit(10_000_000)
    time.sleep(0.3)  # blocks the event loop: the old loop-driven engine made no step here
    assert runner.steps > 10
    assert runner.threads == {"test-engine"}
    thread.cancel(10_000_000)
    await thread.stop()


async def test_results_arrive_in_step_order_on_the_event_loop() -> None:
    runner, delivered = Counter(), []
    thread = await _started(runner, delivered)
    thread.submit(5)
    for _ in range(100):
        if len(delivered) == 5:
            break
        await asyncio.sleep(0.01)
    assert delivered == [(5, 4), (5, 3), (5, 2), (5, 1), (5, 0)]
    await thread.stop()


async def test_a_failing_step_fails_its_new_sequences_and_the_thread_goes_on() -> None:
    delivered: list[tuple[int, Any]] = []
    calls = {"n": 0}

    def step(inbox: list[int], cancelled: list[int]) -> list[tuple[int, Any]]:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("decode failed")
        return [(seq, "ok") for seq in inbox]

    thread: StepThread[int] = StepThread("t", step=step, busy=lambda: False, deliver=delivered.extend)
    thread.start(asyncio.get_running_loop())
    thread.submit(1)
    await asyncio.sleep(0.1)
    thread.submit(2)
    await asyncio.sleep(0.1)
    assert isinstance(delivered[0][1], RuntimeError) and delivered[0][0] == 1
    assert delivered[1] == (2, "ok")
    await thread.stop()
    with pytest.raises(RuntimeError, match="stopped"):
        await thread.call(lambda: None)
