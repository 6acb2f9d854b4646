"""Per-client token buckets."""

from __future__ import annotations

import pytest

from searchlm.serving.interceptors import parse_tokens
from searchlm.serving.ratelimit import TokenBuckets


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_bucket_allows_burst_then_refuses_until_refilled() -> None:
    clock = _Clock()
    buckets = TokenBuckets(rate=2.0, burst=3, clock=clock)
    assert [buckets.allow("a") for _ in range(4)] == [True, True, True, False]
    clock.now = 0.5  # one token back at 2/s
    assert buckets.allow("a") and not buckets.allow("a")


def test_one_client_cannot_starve_another() -> None:
    buckets = TokenBuckets(rate=1.0, burst=2, clock=_Clock())
    while buckets.allow("greedy"):
        pass
    assert buckets.allow("polite")


def test_bucket_count_stays_bounded() -> None:
    buckets = TokenBuckets(rate=1.0, burst=1, max_clients=100, clock=_Clock())
    for i in range(10_000):
        buckets.allow(f"client-{i}")
    assert len(buckets._buckets) == 100


def test_parse_tokens_maps_token_to_client_and_rejects_garbage() -> None:
    assert parse_tokens("null_query:abc, free_qa:def") == {"abc": "null_query", "def": "free_qa"}
    with pytest.raises(ValueError):
        parse_tokens("no-colon-here")
