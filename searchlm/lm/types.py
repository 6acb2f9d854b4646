"""Domain face of the model server, as the services see it. Standard library only."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class LmSampling:
    """Decoding parameters; None leaves the server default.

    `choices` constrains the completion to one of a closed set of strings (the server masks
    every other token); `adapter` runs the request under a LoRA adapter the server lists.
    """

    max_tokens: int | None = None
    temperature: float | None = None
    top_p: float | None = None
    top_k: int | None = None
    repetition_penalty: float | None = None
    seed: int | None = None
    stop: tuple[str, ...] = ()
    n: int = 1
    logprobs: bool = False
    choices: tuple[str, ...] = ()
    adapter: str = ""


@dataclass(frozen=True)
class LmCompletion:
    """One generated candidate."""

    index: int
    text: str
    finish_reason: str  # "stop", "length" or "cancelled"
    generated_tokens: int


@dataclass(frozen=True)
class LmResult:
    """All candidates of one generation with usage."""

    completions: tuple[LmCompletion, ...]
    prompt_tokens: int
    generated_tokens: int
    time_to_first_token: float
    model: str


@dataclass(frozen=True)
class LmDelta:
    """Streamed text of one candidate; `final` carries the result at the end."""

    index: int
    text: str
    final: LmResult | None = None


@dataclass(frozen=True)
class LmScore:
    """Log-probability of one continuation."""

    index: int
    logprob: float
    num_tokens: int
    mean_logprob: float


class LmClient(Protocol):
    """The one way services reach the LM. Implementations pass the caller's remaining
    deadline and request id along, and raise searchlm.errors on failure."""

    async def generate(self, prompt: str, sampling: LmSampling | None = None) -> LmResult:
        """Complete candidates for a prompt."""
        ...

    def stream(self, prompt: str, sampling: LmSampling | None = None) -> AsyncIterator[LmDelta]:
        """Text deltas, then one delta with `final` set."""
        ...

    async def score(self, prompt: str, continuations: Sequence[str], *, adapter: str = "") -> list[LmScore]:
        """Log-probability of each continuation given the prompt (under `adapter` if named)."""
        ...

    async def adapters(self) -> tuple[str, ...]:
        """Names of the LoRA adapters the server serves (empty when it serves none)."""
        ...

    async def count_tokens(self, text: str) -> int:
        """Tokens of text under the served tokenizer."""
        ...
