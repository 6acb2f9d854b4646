"""Lanes: llama.cpp contexts on one model, each with its own running batch and engine thread.

A llama.cpp decode call runs under one LoRA adapter set, so in one context a batch of 16 with
half its sequences on an adapter runs as two calls of 8, one after the other, each on every
thread: about 0.66 of the all-base throughput in the raw loop. With two lanes, base-model
sequences decode in one context and adapter sequences in another, on their own threads at
the same time (`bench/adapters.py` has the served figures). The first lane (the base model)
runs on every thread while it works alone and on its share beside the others; the other lanes
on one thread each (see `Lane.threads_now`), so adapter-only traffic decodes on one thread.
A row's bits do not depend on the thread count, so a request's output is the same in either
lane layout. Each lane holds its own KV cache: two lanes cost a second one in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from model_server.engines.llamacpp_batch import BatchRunner, BatchSequence, Result, RunnerState
from model_server.engines.step_thread import StepThread


class Lane:
    """One context, the `BatchRunner` over it and the thread that steps it.

    Args:
        name: Thread name.
        threads: CPU threads of the whole engine (shared between the lanes that have work).
        deliver: Called on the event loop with each step's results.
    """

    def __init__(
        self, name: str, *, threads: int, deliver: Callable[[list[tuple[BatchSequence, Any]]], None]
    ) -> None:
        self.ctx: Any = None
        self.runner: BatchRunner | None = None
        self.peers: Sequence[Lane] = ()
        self._threads = threads
        self.thread: StepThread[BatchSequence] = StepThread(
            name, step=self._step, busy=self.busy, deliver=deliver
        )

    def busy(self) -> bool:
        """True while the lane's runner has sequences waiting, prefilling or decoding."""
        return self.runner is not None and self.runner.busy

    def threads_now(self) -> int:
        """The threads of this lane's next step: the first lane's, all of them while it works
        alone and its share beside busy lanes; any other lane's, one.

        llama.cpp's CPU backend runs a decode call as an OpenMP team of the calling thread.
        Once the threads of all teams outnumber the cores, libgomp stops spinning at its
        barriers and sleeps instead, and every team slows down (measured here: two lanes that
        had each run a 2-thread call decode 5-12 % slower ever after, base-only traffic
        included). So only the first lane ever runs a team of more than one thread.
        """
        if self.peers and self is not self.peers[0]:
            return 1
        working = 1 + sum(1 for lane in self.peers if lane is not self and lane.busy())
        return max(1, self._threads // working)

    def _step(
        self, inbox: list[BatchSequence], cancelled: list[BatchSequence]
    ) -> list[tuple[BatchSequence, Any]]:
        runner = self.runner
        if runner is None:
            raise RuntimeError("engine stopped")
        failed: list[Result] = []
        for seq in inbox:
            try:
                runner.submit(seq)
            except ValueError as exc:
                seq.finished = True
                failed.append((seq, exc))
        for seq in cancelled:  # after submitting: one may have been cancelled in the inbox
            runner.release(seq)
        if len(self.peers) > 1:
            self.ctx.set_threads(self.threads_now())
        # whether a token is a sequence's last is read here, on the engine thread: by the
        # time the event loop delivers it, later steps may have run
        return [
            (seq, item if isinstance(item, BaseException) else (item, seq.finished))
            for seq, item in [*failed, *runner.step()]
        ]


def route(adapter: str, lanes: int, adapters: Sequence[str]) -> int:
    """The lane of a request: 0 for the base model; adapters share the other lanes by name
    order (all of them in lane 1 with two lanes); everything in lane 0 with one."""
    if lanes == 1 or not adapter:
        return 0
    index = adapters.index(adapter) if adapter in adapters else 0
    return 1 + index % (lanes - 1)


def total_state(states: Sequence[RunnerState]) -> RunnerState:
    """The lanes' counts added up."""
    return RunnerState(*(sum(getattr(s, f) for s in states) for f in RunnerState.__dataclass_fields__))
