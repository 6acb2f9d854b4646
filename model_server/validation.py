"""Request validation: turns raw, possibly-unset fields into validated domain params.

Every failure raises `InvalidRequestError` naming the field as the caller spelled it, so the
error interceptor can answer INVALID_ARGUMENT with a message a frontend engineer can act on.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from model_server.types import SamplingParams
from searchlm.errors import InvalidRequestError

_MAX_SEED = 2**63 - 1


@dataclass(frozen=True)
class Limits:
    """Server-side limits that requests are validated against."""

    max_tokens_limit: int = 1024
    default_max_tokens: int = 128
    max_candidates: int = 8
    max_stop_sequences: int = 8
    max_stop_length: int = 64
    max_continuations: int = 32
    max_prompt_chars: int = 200_000
    max_choices: int = 64
    max_choice_chars: int = 256


@dataclass(frozen=True)
class RawSampling:
    """Sampling fields as received; None means the caller left the field unset."""

    max_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    repetition_penalty: float | None = None
    seed: int | None = None
    stop: tuple[str, ...] = ()
    n: int = 0
    logprobs: bool = False
    choices: tuple[str, ...] = ()


def _finite(field: str, value: float) -> float:
    if not math.isfinite(value):
        raise InvalidRequestError(field, "must be a finite number")
    return value


def _max_tokens(raw: RawSampling, limits: Limits) -> int:
    if raw.max_tokens is None:
        return min(limits.default_max_tokens, limits.max_tokens_limit)
    if not 1 <= raw.max_tokens <= limits.max_tokens_limit:
        raise InvalidRequestError(
            "sampling.max_tokens", f"must be in [1, {limits.max_tokens_limit}], got {raw.max_tokens}"
        )
    return raw.max_tokens


def _temperature(raw: RawSampling) -> float:
    value = 1.0 if raw.temperature is None else _finite("sampling.temperature", raw.temperature)
    if value < 0:
        raise InvalidRequestError("sampling.temperature", f"must be >= 0, got {value}")
    return value


def _top_p(raw: RawSampling) -> float:
    value = 1.0 if raw.top_p is None else _finite("sampling.top_p", raw.top_p)
    if not 0.0 < value <= 1.0:
        raise InvalidRequestError("sampling.top_p", f"must be in (0, 1], got {value}")
    return value


def _top_k(raw: RawSampling) -> int:
    value = 0 if raw.top_k is None else raw.top_k
    if value < 0:
        raise InvalidRequestError("sampling.top_k", f"must be >= 0, got {value}")
    return value


def _repetition_penalty(raw: RawSampling) -> float:
    if raw.repetition_penalty is None:
        return 1.0
    value = _finite("sampling.repetition_penalty", raw.repetition_penalty)
    if not 0.0 < value <= 10.0:
        raise InvalidRequestError("sampling.repetition_penalty", f"must be in (0, 10], got {value}")
    return value


def _strings(field: str, values: tuple[str, ...], *, most: int, longest: int, noun: str) -> tuple[str, ...]:
    """A bounded list of non-empty, bounded strings (stop sequences, choices)."""
    if len(values) > most:
        raise InvalidRequestError(field, f"at most {most} {noun}, got {len(values)}")
    for i, value in enumerate(values):
        if not value:
            raise InvalidRequestError(f"{field}[{i}]", "must not be empty")
        if len(value) > longest:
            raise InvalidRequestError(f"{field}[{i}]", f"longer than {longest} characters")
    return values


def _stop(raw: RawSampling, limits: Limits) -> tuple[str, ...]:
    return _strings(
        "sampling.stop",
        tuple(raw.stop),
        most=limits.max_stop_sequences,
        longest=limits.max_stop_length,
        noun="sequences",
    )


def _n(raw: RawSampling, limits: Limits) -> int:
    value = raw.n or 1
    if not 1 <= value <= limits.max_candidates:
        raise InvalidRequestError("sampling.n", f"must be in [1, {limits.max_candidates}], got {raw.n}")
    return value


def _seed(raw: RawSampling) -> int | None:
    if raw.seed is not None and not 0 <= raw.seed <= _MAX_SEED:
        raise InvalidRequestError("sampling.seed", f"must be in [0, {_MAX_SEED}]")
    return raw.seed


def _choices(raw: RawSampling, limits: Limits) -> tuple[str, ...]:
    choices = _strings(
        "sampling.choices",
        tuple(raw.choices),
        most=limits.max_choices,
        longest=limits.max_choice_chars,
        noun="choices",
    )
    return tuple(dict.fromkeys(choices))  # duplicates add nothing to the set


def validate_sampling(raw: RawSampling, limits: Limits) -> SamplingParams:
    """Validates raw sampling fields and fills defaults.

    Raises:
        InvalidRequestError: naming the first invalid field.
    """
    return SamplingParams(
        max_tokens=_max_tokens(raw, limits),
        temperature=_temperature(raw),
        top_p=_top_p(raw),
        top_k=_top_k(raw),
        repetition_penalty=_repetition_penalty(raw),
        seed=_seed(raw),
        stop=_stop(raw, limits),
        n=_n(raw, limits),
        logprobs=raw.logprobs,
        choices=_choices(raw, limits),
    )


def validate_text(field: str, text: str, limits: Limits) -> str:
    """Checks that a prompt-like text is present and not absurdly long.

    The token-level context check happens after tokenisation; this guards the tokenizer
    itself against megabyte-sized inputs.
    """
    if not text or not text.strip():
        raise InvalidRequestError(field, "must not be empty")
    if len(text) > limits.max_prompt_chars:
        raise InvalidRequestError(field, f"longer than {limits.max_prompt_chars} characters")
    return text


def validate_continuations(continuations: list[str], limits: Limits) -> list[str]:
    """Checks the continuations of a Score request."""
    if not continuations:
        raise InvalidRequestError("continuations", "must not be empty")
    if len(continuations) > limits.max_continuations:
        raise InvalidRequestError(
            "continuations", f"at most {limits.max_continuations}, got {len(continuations)}"
        )
    for i, text in enumerate(continuations):
        if not text:
            raise InvalidRequestError(f"continuations[{i}]", "must not be empty")
        if len(text) > limits.max_prompt_chars:
            raise InvalidRequestError(f"continuations[{i}]", "too long")
    return continuations
