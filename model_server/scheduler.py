"""Admission control: a bounded number of running requests and a bounded waiting queue.

Beyond the queue, requests are refused at once (OverloadedError -> RESOURCE_EXHAUSTED)
rather than left to time out, so a frontend can fall back within its own budget. The same
happens when the expected wait (queue position x the running average time a slot is held)
plus the request's own run time would already exceed the caller's remaining deadline:
queueing it would only turn a fast refusal into a slow DEADLINE_EXCEEDED. A request
cancelled while waiting leaves the queue; one cancelled while running frees its slot when
its task unwinds.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable

from searchlm.errors import NotReadyError, OverloadedError


class Scheduler:
    """FIFO admission with a fixed number of running slots.

    Args:
        max_running: Requests that may run at once (the engine's batch capacity).
        max_waiting: Requests that may wait for a slot; more are refused.
        on_change: Called with (running, waiting) after every change, for metrics.
    """

    def __init__(
        self,
        *,
        max_running: int,
        max_waiting: int,
        on_change: Callable[[int, int], None] | None = None,
    ) -> None:
        if max_running < 1:
            raise ValueError("max_running must be >= 1")
        if max_waiting < 0:
            raise ValueError("max_waiting must be >= 0")
        self._max_running = max_running
        self._max_waiting = max_waiting
        self._slots = asyncio.Semaphore(max_running)
        self._running = 0
        self._waiting = 0
        self._closed = False
        self._on_change = on_change or (lambda running, waiting: None)
        self._idle = asyncio.Event()
        self._idle.set()
        self._hold_ewma = 0.0  # seconds a slot is held, smoothed

    @property
    def expected_wait(self) -> float:
        """Seconds a request admitted now would wait for a slot, by the running average."""
        if self._running < self._max_running and not self._slots.locked():
            return 0.0
        return self._hold_ewma * (self._waiting // self._max_running + 1)

    @property
    def running(self) -> int:
        """Requests holding a slot."""
        return self._running

    @property
    def waiting(self) -> int:
        """Requests queued for a slot."""
        return self._waiting

    def close(self) -> None:
        """Refuses new requests (drain); admitted ones carry on."""
        self._closed = True

    async def wait_idle(self) -> None:
        """Returns when no request is waiting or running."""
        await self._idle.wait()

    @contextlib.asynccontextmanager
    async def slot(self, budget: float | None = None) -> AsyncIterator[None]:
        """Holds one running slot for the body of the `async with`.

        Args:
            budget: Seconds left of the caller's deadline (None: no deadline).

        Raises:
            NotReadyError: the scheduler is draining.
            OverloadedError: the queue is full, or the expected wait exceeds `budget`.
        """
        self._admit(budget)
        try:
            await self._slots.acquire()
        finally:
            self._waiting -= 1
            self._changed()
        self._running += 1
        self._changed()
        start = time.monotonic()
        try:
            yield
        finally:
            held = time.monotonic() - start
            self._hold_ewma = held if not self._hold_ewma else 0.8 * self._hold_ewma + 0.2 * held
            self._running -= 1
            self._slots.release()
            self._changed()

    def _admit(self, budget: float | None) -> None:
        if self._closed:
            raise NotReadyError("server is draining")
        busy = self._running >= self._max_running or self._slots.locked()
        wait = self.expected_wait
        # A queued request still has to run once it gets a slot: count its own hold too.
        need = wait + self._hold_ewma if busy else wait
        if budget is not None and need > budget:
            raise OverloadedError(
                f"expected queue wait {wait:.2f}s plus run time {need - wait:.2f}s exceeds the "
                f"remaining deadline {budget:.2f}s"
            )
        if busy and self._waiting >= self._max_waiting:
            raise OverloadedError(
                f"{self._running} running and {self._waiting} waiting (limit {self._max_waiting})"
            )
        self._waiting += 1
        self._changed()

    def _changed(self) -> None:
        if self._running or self._waiting:
            self._idle.clear()
        else:
            self._idle.set()
        self._on_change(self._running, self._waiting)
