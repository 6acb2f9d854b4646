"""The engine thread: steps the batch back to back, never waiting for the event loop.

A llama.cpp context must be used from one thread. Stepping it from the event loop (await one
step on an executor, deliver, await the next) puts the event loop's latency between every
two decode calls: at concurrency 16 the loop is busy streaming the last step's tokens over
gRPC when the step ends, and the context sits idle until the loop gets round to submitting
the next one. Here the thread runs step after step on its own; new sequences and
cancellations reach it through a locked inbox, and each step's tokens go back to the event
loop in one `call_soon_threadsafe`, so streaming them overlaps the next decode. Other work
on the context (loading, scoring, state) runs on the same thread between two steps.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import threading
from collections.abc import Callable
from typing import Any, Generic, TypeVar

_log = logging.getLogger(__name__)
_T = TypeVar("_T")
_S = TypeVar("_S")

Step = Callable[[list[_S], list[_S]], list[tuple[_S, Any]]]


class StepThread(Generic[_S]):
    """One thread that owns an engine context and runs its steps.

    Args:
        name: Thread name.
        step: Runs one step given the sequences submitted and cancelled since the last one;
            returns (sequence, token or error) pairs.
        busy: True while the runner has sequences in flight.
        deliver: Called on the event loop with each step's results.
    """

    def __init__(
        self,
        name: str,
        *,
        step: Step[_S],
        busy: Callable[[], bool],
        deliver: Callable[[list[tuple[_S, Any]]], None],
    ) -> None:
        self._step = step
        self._busy = busy
        self._deliver = deliver
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._calls: list[tuple[Callable[[], Any], concurrent.futures.Future[Any]]] = []
        self._inbox: list[_S] = []
        self._cancelled: list[_S] = []
        self._stopping = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)

    def start(self, loop: asyncio.AbstractEventLoop) -> None:
        """Starts the thread; results are delivered on `loop`."""
        self._loop = loop
        self._thread.start()

    async def call(self, fn: Callable[..., _T], *args: Any) -> _T:
        """Runs fn(*args) on the engine thread between two steps."""
        future: concurrent.futures.Future[_T] = concurrent.futures.Future()
        with self._lock:
            if self._stopping:
                raise RuntimeError("engine thread stopped")
            self._calls.append((lambda: fn(*args), future))
        self._wake.set()
        return await asyncio.wrap_future(future)

    def submit(self, seq: _S) -> None:
        """Hands a new sequence to the next step."""
        with self._lock:
            self._inbox.append(seq)
        self._wake.set()

    def cancel(self, seq: _S) -> None:
        """Asks the next step to release a sequence."""
        with self._lock:
            self._cancelled.append(seq)
        self._wake.set()

    async def stop(self) -> None:
        """Finishes the pending calls, then ends the thread."""
        with self._lock:
            self._stopping = True
        self._wake.set()
        if self._thread.is_alive():
            await asyncio.to_thread(self._thread.join)

    def _main(self) -> None:
        while True:
            with self._lock:
                calls, self._calls = self._calls, []
                inbox, self._inbox = self._inbox, []
                cancelled, self._cancelled = self._cancelled, []
                stopping = self._stopping
            for fn, future in calls:
                _run_call(fn, future)
            if stopping:
                self._fail(inbox, RuntimeError("engine stopped"))
                return
            if not (inbox or cancelled or self._busy()):
                if not calls:
                    self._wake.wait()
                    self._wake.clear()
                continue
            self._run_step(inbox, cancelled)

    def _run_step(self, inbox: list[_S], cancelled: list[_S]) -> None:
        try:
            results = self._step(inbox, cancelled)
        except Exception as exc:  # a failed step fails its new sequences, not the engine
            _log.exception("engine step failed")
            results = [(seq, exc) for seq in inbox]
        if results:
            self._post(results)

    def _fail(self, seqs: list[_S], exc: BaseException) -> None:
        if seqs:
            self._post([(seq, exc) for seq in seqs])

    def _post(self, results: list[tuple[_S, Any]]) -> None:
        assert self._loop is not None
        try:
            self._loop.call_soon_threadsafe(self._deliver, results)
        except RuntimeError:  # the event loop is closed: nobody is left to read them
            pass


def _run_call(fn: Callable[[], Any], future: concurrent.futures.Future[Any]) -> None:
    if not future.set_running_or_notify_cancel():
        return
    try:
        future.set_result(fn())
    except BaseException as exc:  # handed to the awaiting coroutine
        future.set_exception(exc)
