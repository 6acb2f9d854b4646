"""Request validation names the offending field."""

from __future__ import annotations

import math

import pytest

from model_server.validation import (
    Limits,
    RawSampling,
    validate_continuations,
    validate_sampling,
    validate_text,
)
from searchlm.errors import InvalidRequestError

LIMITS = Limits(max_tokens_limit=256, max_candidates=4, max_stop_sequences=2, max_stop_length=8)


@pytest.mark.parametrize(
    ("raw", "field"),
    [
        (RawSampling(max_tokens=0), "sampling.max_tokens"),
        (RawSampling(max_tokens=-3), "sampling.max_tokens"),
        (RawSampling(max_tokens=257), "sampling.max_tokens"),
        (RawSampling(temperature=-0.1), "sampling.temperature"),
        (RawSampling(temperature=math.nan), "sampling.temperature"),
        (RawSampling(top_p=0.0), "sampling.top_p"),
        (RawSampling(top_p=1.5), "sampling.top_p"),
        (RawSampling(top_k=-1), "sampling.top_k"),
        (RawSampling(repetition_penalty=0.0), "sampling.repetition_penalty"),
        (RawSampling(stop=("a", "b", "c")), "sampling.stop"),
        (RawSampling(stop=("a", "")), "sampling.stop[1]"),
        (RawSampling(stop=("x" * 9,)), "sampling.stop[0]"),
        (RawSampling(n=5), "sampling.n"),
        (RawSampling(n=-1), "sampling.n"),
        (RawSampling(choices=tuple(str(i) for i in range(65))), "sampling.choices"),
        (RawSampling(choices=("예", "")), "sampling.choices[1]"),
        (RawSampling(choices=("x" * 257,)), "sampling.choices[0]"),
    ],
)
def test_validate_sampling_rejects_bad_field_naming_it(raw: RawSampling, field: str) -> None:
    with pytest.raises(InvalidRequestError) as info:
        validate_sampling(raw, LIMITS)
    assert info.value.field == field
    assert field in str(info.value)


def test_validate_sampling_fills_defaults_when_unset() -> None:
    params = validate_sampling(RawSampling(), LIMITS)
    assert params.max_tokens == min(LIMITS.default_max_tokens, LIMITS.max_tokens_limit)
    assert (params.temperature, params.top_p, params.top_k, params.n) == (1.0, 1.0, 0, 1)


def test_validate_sampling_accepts_greedy_zero_temperature() -> None:
    assert validate_sampling(RawSampling(temperature=0.0), LIMITS).greedy


@pytest.mark.parametrize("text", ["", "   \n"])
def test_validate_text_rejects_empty_prompt(text: str) -> None:
    with pytest.raises(InvalidRequestError, match="prompt"):
        validate_text("prompt", text, LIMITS)


def test_validate_continuations_names_the_empty_one() -> None:
    with pytest.raises(InvalidRequestError) as info:
        validate_continuations(["서울", ""], LIMITS)
    assert info.value.field == "continuations[1]"


def test_validate_sampling_keeps_choices_in_order_without_duplicates() -> None:
    params = validate_sampling(RawSampling(choices=("예", "아니오", "예")), LIMITS)
    assert params.choices == ("예", "아니오")
