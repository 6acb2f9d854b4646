"""Bounded-concurrency async map, the one way tasks call predictors.

A file predictor answers instantly, but a gRPC target must not receive the
whole data set at once: the semaphore keeps at most ``limit`` calls in flight
so the server's admission control is exercised, not flooded.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")
R = TypeVar("R")


@dataclass(frozen=True)
class Outcome(Generic[R]):
    """Result of one call: a value or the error it raised, never both.

    Attributes:
        value: The call's result, ``None`` on failure.
        error: ``"<ExceptionType>: message"`` on failure, else ``None``.
    """

    value: R | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        """Whether the call succeeded."""
        return self.error is None


async def bounded_map(
    fn: Callable[[T], Awaitable[R]],
    items: Sequence[T],
    *,
    limit: int,
    on_done: Callable[[], None] | None = None,
) -> list[Outcome[R]]:
    """Apply ``fn`` to every item with at most ``limit`` calls in flight.

    Args:
        fn: Async function called once per item.
        items: Inputs; results keep their order.
        limit: Maximum concurrent calls (>= 1).
        on_done: Called after each item finishes (progress bars).

    Returns:
        One :class:`Outcome` per item, in input order. Exceptions are captured
        per item so one bad item never cancels the others.
    """
    if limit < 1:
        raise ValueError(f"limit must be >= 1, got {limit}")
    semaphore = asyncio.Semaphore(limit)

    async def run_one(item: T) -> Outcome[R]:
        async with semaphore:
            try:
                outcome: Outcome[R] = Outcome(await fn(item))
            except Exception as exc:
                outcome = Outcome(None, f"{type(exc).__name__}: {exc}")
        if on_done is not None:
            on_done()
        return outcome

    return list(await asyncio.gather(*(run_one(item) for item in items)))


def run_bounded(
    fn: Callable[[T], Awaitable[R]],
    items: Sequence[T],
    *,
    limit: int,
    on_done: Callable[[], None] | None = None,
) -> list[Outcome[R]]:
    """Synchronous wrapper around :func:`bounded_map` for the CLI."""
    return asyncio.run(bounded_map(fn, items, limit=limit, on_done=on_done))
