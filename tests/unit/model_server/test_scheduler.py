"""Admission: bounded queue, immediate refusal, cancellation frees places."""

from __future__ import annotations

import asyncio

import pytest

from model_server.scheduler import Scheduler
from searchlm.errors import NotReadyError, OverloadedError


async def _hold(scheduler: Scheduler, release: asyncio.Event) -> None:
    async with scheduler.slot():
        await release.wait()


async def test_scheduler_refuses_at_once_when_queue_full() -> None:
    scheduler = Scheduler(max_running=1, max_waiting=1)
    release = asyncio.Event()
    running = asyncio.create_task(_hold(scheduler, release))
    waiting = asyncio.create_task(_hold(scheduler, release))
    await asyncio.sleep(0.01)
    assert (scheduler.running, scheduler.waiting) == (1, 1)
    with pytest.raises(OverloadedError):
        async with scheduler.slot():
            pass
    release.set()
    await asyncio.gather(running, waiting)
    assert (scheduler.running, scheduler.waiting) == (0, 0)


async def test_scheduler_cancel_while_waiting_leaves_queue() -> None:
    scheduler = Scheduler(max_running=1, max_waiting=1)
    release = asyncio.Event()
    running = asyncio.create_task(_hold(scheduler, release))
    waiting = asyncio.create_task(_hold(scheduler, release))
    await asyncio.sleep(0.01)
    waiting.cancel()
    await asyncio.gather(waiting, return_exceptions=True)
    assert scheduler.waiting == 0
    # The freed queue place can be taken again.
    again = asyncio.create_task(_hold(scheduler, release))
    await asyncio.sleep(0.01)
    assert scheduler.waiting == 1
    release.set()
    await asyncio.gather(running, again)


async def test_scheduler_cancel_while_running_frees_slot() -> None:
    scheduler = Scheduler(max_running=1, max_waiting=0)
    task = asyncio.create_task(_hold(scheduler, asyncio.Event()))
    await asyncio.sleep(0.01)
    assert scheduler.running == 1
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert scheduler.running == 0
    async with scheduler.slot():
        assert scheduler.running == 1


async def test_scheduler_fifo_order_when_slots_free_up() -> None:
    scheduler = Scheduler(max_running=1, max_waiting=5)
    order: list[int] = []
    gate = asyncio.Event()

    async def job(i: int) -> None:
        async with scheduler.slot():
            order.append(i)
            await gate.wait()

    tasks = [asyncio.create_task(job(i)) for i in range(4)]
    await asyncio.sleep(0.01)
    gate.set()
    await asyncio.gather(*tasks)
    assert order == [0, 1, 2, 3]


async def test_scheduler_refuses_new_work_after_close() -> None:
    scheduler = Scheduler(max_running=2, max_waiting=2)
    scheduler.close()
    with pytest.raises(NotReadyError):
        async with scheduler.slot():
            pass


def test_scheduler_rejects_bad_construction() -> None:
    with pytest.raises(ValueError):
        Scheduler(max_running=0, max_waiting=1)


async def test_scheduler_refuses_when_expected_wait_exceeds_deadline() -> None:
    scheduler = Scheduler(max_running=1, max_waiting=100)
    async with scheduler.slot():
        await asyncio.sleep(0.05)  # teaches the scheduler a slot is held ~50 ms
    release = asyncio.Event()
    running = asyncio.create_task(_hold(scheduler, release))
    await asyncio.sleep(0.01)
    assert scheduler.expected_wait > 0.04
    with pytest.raises(OverloadedError, match="deadline"):
        async with scheduler.slot(budget=0.01):
            pass
    waiting = asyncio.create_task(_hold_budget(scheduler, release, budget=5.0))
    await asyncio.sleep(0.01)
    assert scheduler.waiting == 1  # a caller with time to spare still queues
    release.set()
    await asyncio.gather(running, waiting)


async def test_scheduler_counts_the_queued_request_own_run_time() -> None:
    # ~100 ms holds: with all slots busy a newcomer waits ~100 ms and then runs ~100 ms, so a
    # 150 ms budget (enough for the wait alone) is refused at once, and a 500 ms one queues.
    scheduler = Scheduler(max_running=1, max_waiting=100)
    async with scheduler.slot():
        await asyncio.sleep(0.1)
    release = asyncio.Event()
    running = asyncio.create_task(_hold(scheduler, release))
    await asyncio.sleep(0.01)
    assert 0.09 < scheduler.expected_wait < 0.15
    with pytest.raises(OverloadedError, match="run time"):
        async with scheduler.slot(budget=0.15):
            pass
    waiting = asyncio.create_task(_hold_budget(scheduler, release, budget=0.5))
    await asyncio.sleep(0.01)
    assert scheduler.waiting == 1
    release.set()
    await asyncio.gather(running, waiting)


async def test_scheduler_admits_to_a_free_slot_whatever_the_average_run_time() -> None:
    scheduler = Scheduler(max_running=2, max_waiting=0)
    async with scheduler.slot():
        await asyncio.sleep(0.1)
    async with scheduler.slot(budget=0.05):  # a slot is free: the request may still finish early
        pass


async def _hold_budget(scheduler: Scheduler, release: asyncio.Event, budget: float) -> None:
    async with scheduler.slot(budget=budget):
        await release.wait()
