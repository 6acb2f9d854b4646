"""The shared numpy sampler."""

from __future__ import annotations

import numpy as np

from model_server.sampling import Sampler, apply_repetition_penalty
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
