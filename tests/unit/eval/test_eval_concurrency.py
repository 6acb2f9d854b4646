"""bounded_map: order kept, concurrency bounded, errors captured per item."""

from __future__ import annotations

import asyncio

import pytest

from eval.concurrency import bounded_map, run_bounded


def test_bounded_map_never_exceeds_the_limit_and_keeps_order() -> None:
    in_flight = 0
    peak = 0

    async def work(x: int) -> int:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await asyncio.sleep(0.001 * (5 - x % 5))
        in_flight -= 1
        return x * 2

    outcomes = asyncio.run(bounded_map(work, list(range(20)), limit=3))
    assert [o.value for o in outcomes] == [x * 2 for x in range(20)]
    assert peak == 3


def test_bounded_map_captures_errors_without_cancelling_others() -> None:
    done: list[int] = []

    async def work(x: int) -> int:
        if x == 1:
            raise KeyError("missing")
        return x

    outcomes = run_bounded(work, [0, 1, 2], limit=2, on_done=lambda: done.append(1))
    assert [o.ok for o in outcomes] == [True, False, True]
    assert outcomes[1].error is not None and "KeyError" in outcomes[1].error
    assert len(done) == 3


def test_bounded_map_rejects_a_zero_limit() -> None:
    async def work(x: int) -> int:
        return x

    with pytest.raises(ValueError, match="limit"):
        run_bounded(work, [1], limit=0)
