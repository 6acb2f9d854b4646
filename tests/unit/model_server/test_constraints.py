"""Constrained choices: the token trie and the sampler that masks with it."""

from __future__ import annotations

import numpy as np
import pytest

from model_server.constraints import ChoiceConstraint
from model_server.sampling import Sampler
from model_server.types import SamplingParams

EOS = 99
VOCAB = 100
# "예" = [5], "예요" = [5, 6], "아니오" = [7, 8, 9]
CHOICES = ((5,), (5, 6), (7, 8, 9))


def _run(sampler: Sampler, logits_for_step: list[np.ndarray]) -> list[int]:
    out: list[int] = []
    for logits in logits_for_step:
        token, _ = sampler.sample(logits, [])
        out.append(token)
        if token == EOS:
            break
    return out


def test_constraint_allows_first_tokens_then_children() -> None:
    constraint = ChoiceConstraint(CHOICES, eos={EOS})
    assert constraint.allowed().tolist() == [5, 7]
    constraint.advance(7)
    assert constraint.allowed().tolist() == [8]


def test_constraint_allows_end_where_a_choice_ends_and_longer_choices_go_on() -> None:
    constraint = ChoiceConstraint(CHOICES, eos={EOS})
    constraint.advance(5)  # "예" is whole, "예요" goes on
    assert constraint.allowed().tolist() == [6, EOS]
    constraint.advance(6)
    assert constraint.allowed().tolist() == [EOS]
    constraint.advance(EOS)
    assert constraint.done


def test_constraint_refuses_a_token_off_the_list() -> None:
    constraint = ChoiceConstraint(CHOICES, eos={EOS})
    with pytest.raises(ValueError, match="not allowed"):
        constraint.advance(8)


@pytest.mark.parametrize(("choices", "eos"), [((), {EOS}), (((),), {EOS}), (((1,),), set())])
def test_constraint_rejects_empty_choices_or_no_end(
    choices: tuple[tuple[int, ...], ...], eos: set[int]
) -> None:
    with pytest.raises(ValueError):
        ChoiceConstraint(choices, eos=eos)


def test_greedy_sampler_picks_the_best_allowed_token_not_the_best_token() -> None:
    params = SamplingParams(temperature=0.0, choice_tokens=CHOICES)
    sampler = Sampler(params, 0, eos={EOS})
    logits = np.zeros(VOCAB, dtype=np.float32)
    logits[42] = 10.0  # the model's favourite is off the list
    logits[7] = 1.0
    steps = [logits.copy() for _ in range(5)]
    assert _run(sampler, steps) == [7, 8, 9, EOS]


def test_sampled_completions_are_always_whole_choices() -> None:
    rng = np.random.default_rng(3)
    seen = set()
    for seed in range(60):
        params = SamplingParams(temperature=1.5, top_p=0.95, top_k=50, choice_tokens=CHOICES)
        sampler = Sampler(params, seed, eos={EOS})
        tokens = _run(sampler, [rng.normal(size=VOCAB).astype(np.float32) for _ in range(6)])
        assert tokens[-1] == EOS
        seen.add(tuple(tokens[:-1]))
    assert seen <= set(CHOICES)
    assert len(seen) == 3  # every choice is reachable


def test_constrained_logprob_is_renormalised_over_allowed_tokens() -> None:
    params = SamplingParams(temperature=0.0, choice_tokens=((1,), (2,)))
    sampler = Sampler(params, 0, eos={EOS})
    logits = np.zeros(VOCAB, dtype=np.float32)
    token, logprob = sampler.sample(logits, [])
    assert token in (1, 2)
    assert logprob == pytest.approx(np.log(0.5), abs=1e-6)


def test_unconstrained_sampler_is_unchanged_by_eos() -> None:
    logits = np.arange(VOCAB, dtype=np.float32)
    plain = Sampler(SamplingParams(temperature=0.0), 0).sample(logits, [])
    with_eos = Sampler(SamplingParams(temperature=0.0), 0, eos={EOS}).sample(logits, [])
    assert plain == with_eos == (VOCAB - 1, pytest.approx(plain[1]))
