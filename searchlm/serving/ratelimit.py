"""Per-client token buckets, so one caller cannot starve the others.

Standard library only; used by the access interceptor with the authenticated client id.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable


class TokenBuckets:
    """One token bucket per client, bounded in number (least recently seen evicted).

    Args:
        rate: Tokens added per second per client.
        burst: Bucket capacity (requests a client may make at once).
        max_clients: Buckets kept; memory stays flat under many client ids.
        clock: Monotonic clock (injectable for tests).
    """

    def __init__(
        self,
        *,
        rate: float,
        burst: float,
        max_clients: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self._rate, self._burst, self._max = rate, burst, max_clients
        self._clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    def allow(self, client: str) -> bool:
        """Takes one token from the client's bucket; False when it is empty."""
        now = self._clock()
        tokens, last = self._buckets.pop(client, (self._burst, now))
        tokens = min(self._burst, tokens + (now - last) * self._rate)
        allowed = tokens >= 1.0
        self._buckets[client] = (tokens - 1.0 if allowed else tokens, now)
        if len(self._buckets) > self._max:
            self._buckets.popitem(last=False)
        return allowed
