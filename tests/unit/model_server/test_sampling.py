"""The shared numpy sampler."""

from __future__ import annotations

import numpy as np
import pytest

from model_server.sampling import Sampler, apply_repetition_penalty, logsumexp, nucleus, top_k_pool
from model_server.types import SamplingParams

LOGITS = np.array([0.0, 3.0, 2.5, -1.0, 1.0], dtype=np.float32)


def test_sampler_greedy_picks_argmax_when_temperature_zero() -> None:
    token, logprob = Sampler(SamplingParams(temperature=0.0), seed=1).sample(LOGITS, [])
    assert token == 1
    assert logprob < 0


def test_sampler_same_seed_gives_same_tokens() -> None:
    params = SamplingParams(temperature=1.0)
    a = [Sampler(params, seed=7).sample(LOGITS, [])[0] for _ in range(1)]
    runs = [[s.sample(LOGITS, [])[0] for _ in range(20)] for s in (Sampler(params, 7), Sampler(params, 7))]
    assert runs[0] == runs[1]
    assert a[0] == runs[0][0]


def test_sampler_top_k_restricts_to_k_best() -> None:
    sampler = Sampler(SamplingParams(temperature=5.0, top_k=2), seed=3)
    tokens = {sampler.sample(LOGITS, [])[0] for _ in range(200)}
    assert tokens <= {1, 2}


def test_sampler_top_p_keeps_smallest_nucleus() -> None:
    # token 1 alone has > 50 % of the mass, so top_p=0.5 keeps only it.
    sampler = Sampler(SamplingParams(temperature=1.0, top_p=0.5), seed=3)
    assert {sampler.sample(LOGITS, [])[0] for _ in range(100)} == {1}


def test_sampler_top_p_works_on_large_vocabulary() -> None:
    rng = np.random.default_rng(0)
    logits = rng.normal(size=262_144).astype(np.float32)
    sampler = Sampler(SamplingParams(temperature=1.0, top_p=0.9), seed=3)
    token, logprob = sampler.sample(logits, [])
    assert 0 <= token < logits.size and logprob < 0


def test_repetition_penalty_lowers_seen_tokens() -> None:
    logits = LOGITS.copy()
    apply_repetition_penalty(logits, [1, 3], 2.0)
    assert logits[1] == 1.5 and logits[3] == -2.0 and logits[2] == 2.5


def test_sampler_repetition_penalty_changes_greedy_choice() -> None:
    token, _ = Sampler(SamplingParams(temperature=0.0, repetition_penalty=2.0), None).sample(LOGITS, [1])
    assert token == 2


def _reference_nucleus(scores: np.ndarray, top_p: float) -> set[int]:
    """Full sort of the whole vocabulary: the definition the fast path must match."""
    probs = np.exp(scores.astype(np.float64) - np.logaddexp.reduce(scores.astype(np.float64)))
    order = np.argsort(-probs, kind="stable")
    keep = int(np.searchsorted(np.cumsum(probs[order]), top_p)) + 1
    return set(order[:keep].tolist())


@pytest.mark.parametrize("spread", [0.5, 2.0, 6.0])
@pytest.mark.parametrize("top_p", [0.5, 0.9, 0.95, 0.99])
def test_nucleus_matches_a_full_sort(spread: float, top_p: float) -> None:
    rng = np.random.default_rng(int(spread * 100 + top_p * 1000))
    scores = (rng.standard_normal(50_000) * spread).astype(np.float32)
    scores[rng.integers(0, scores.size, 20)] += 4 * spread  # a few strong candidates, like LM output
    norm = logsumexp(scores)
    got = set(nucleus(scores, None, top_p, norm).tolist())
    want = _reference_nucleus(scores, top_p)
    assert len(got ^ want) <= 1  # at most the boundary token, where float32 and float64 sums differ


def test_nucleus_inside_a_pool_smaller_than_top_p_keeps_the_whole_pool() -> None:
    scores = np.array([0.0, 1.0, 1.0, 1.0, 5.0], dtype=np.float32)
    pool = np.array([1, 2], dtype=np.int64)  # together < 0.9 of the mass
    assert sorted(nucleus(scores, pool, 0.9, logsumexp(scores)).tolist()) == [1, 2]


@pytest.mark.parametrize("top_k", [1, 5, 40, 400])
def test_top_k_pool_matches_a_full_partition(top_k: int) -> None:
    rng = np.random.default_rng(top_k)
    scores = (rng.standard_normal(100_000) * 3).astype(np.float32)
    pool = top_k_pool(scores, top_k)
    assert pool is not None and pool.size == top_k
    assert set(pool.tolist()) == set(np.argsort(-scores, kind="stable")[:top_k].tolist())


def test_top_k_pool_is_none_for_no_limit() -> None:
    assert top_k_pool(LOGITS, 0) is None and top_k_pool(LOGITS, LOGITS.size) is None
