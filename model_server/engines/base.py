"""The `Engine` interface every backend implements."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from typing import Protocol

from model_server.detokenizer import IncrementalDetokenizer
from model_server.types import ModelInfo, SamplingParams, TokenStep


class Engine(Protocol):
    """A loaded model that turns token ids into more token ids.

    Detokenisation, stop sequences, candidates, admission and metrics live above the engine
    (`model_server.runtime`), so every engine gets them identically.
    """

    @property
    def info(self) -> ModelInfo:
        """What is served, for GetModelInfo and limits."""
        ...

    async def start(self) -> None:
        """Loads the model. Called once before the server reports SERVING."""
        ...

    async def stop(self) -> None:
        """Releases the model and its threads."""
        ...

    def tokenize(self, text: str, *, add_special: bool) -> list[int]:
        """Token ids of text; `add_special` adds BOS where the model expects one."""
        ...

    def new_detokenizer(self) -> IncrementalDetokenizer:
        """A fresh incremental detokenizer for one sequence."""
        ...

    def generate(
        self, prompt_ids: Sequence[int], params: SamplingParams, *, seed: int | None, adapter: str = ""
    ) -> AsyncIterator[TokenStep]:
        """Generates one sequence, one token per item, until EOS or `params.max_tokens`.

        `adapter` names one of `info.adapters` (the runtime has checked it); empty runs the
        base model. `params.choice_tokens`, when set, must be enforced (the shared `Sampler`
        does it). Closing the iterator early (cancellation, stop sequence) must free the
        sequence's engine slot at once.
        """
        ...

    async def score(
        self, prompt_ids: Sequence[int], continuations: Sequence[Sequence[int]], *, adapter: str = ""
    ) -> list[float]:
        """Sum of log-probabilities of each continuation's tokens given the prompt."""
        ...
