"""Lanes of the llama.cpp engine: which lane a request takes and how the threads are shared."""

from __future__ import annotations

from model_server.engines.llamacpp_batch import RunnerState
from model_server.engines.llamacpp_lanes import Lane, route, total_state


def test_base_requests_take_the_first_lane_and_adapters_share_the_others() -> None:
    adapters = ["a", "b", "c"]
    assert route("", 2, adapters) == 0
    assert {route(name, 2, adapters) for name in adapters} == {1}
    assert [route(name, 3, adapters) for name in adapters] == [1, 2, 1]
    assert {route(name, 1, adapters) for name in ["", *adapters]} == {0}


class _Busy:
    def __init__(self, busy: bool) -> None:
        self.busy = busy


def _lane(threads: int, busy: bool) -> Lane:
    lane = Lane("test", threads=threads, deliver=lambda _: None)
    lane.runner = _Busy(busy)  # type: ignore[assignment]
    return lane


def test_the_first_lane_takes_every_thread_alone_and_its_share_beside_busy_ones() -> None:
    first, second = _lane(2, busy=True), _lane(2, busy=False)
    first.peers = second.peers = [first, second]
    assert first.threads_now() == 2
    second.runner = _Busy(True)  # type: ignore[assignment]
    assert first.threads_now() == 1
    lone = _lane(1, busy=True)
    lone.peers = [lone, _lane(1, busy=True)]
    assert lone.threads_now() == 1  # never fewer than one


def test_other_lanes_run_on_one_thread_even_alone() -> None:
    # a second OpenMP team of several threads would make libgomp stop spinning for every lane
    first, second = _lane(4, busy=False), _lane(4, busy=True)
    first.peers = second.peers = [first, second]
    assert second.threads_now() == 1


def test_total_state_adds_the_lanes_counts() -> None:
    one = RunnerState(1, 0, 2, 3, 4, 5, 6)
    assert total_state([one, one]) == RunnerState(2, 0, 4, 6, 8, 10, 12)
