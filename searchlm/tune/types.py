"""What a tuning task gives the trainer: (prompt, target) examples and where they came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True)
class TuneExample:
    """One supervised example: the loss is taken on `target` only.

    Attributes:
        prompt: Text the model is given, exactly as the service will send it.
        target: Text it should continue with (for line answers: a leading space, the answer,
            then the stop string "\\n").
    """

    prompt: str
    target: str

    def __post_init__(self) -> None:
        if not self.prompt or not self.target:
            raise ValueError("a tuning example needs a prompt and a target")


@dataclass(frozen=True)
class TaskSplit:
    """A task's examples for one seed.

    Attributes:
        train: Training examples, in a seed-determined order.
        dev: Held-out examples (no answer shared with `train`), for exact match.
        sources: Where the data came from, one line each, for the model card.
        stats: Counts worth reporting (clean answers, examples per noise type, ...).
    """

    train: tuple[TuneExample, ...]
    dev: tuple[TuneExample, ...]
    sources: tuple[str, ...] = ()
    stats: dict[str, int] = field(default_factory=dict)


class TuningTask(Protocol):
    """A task the shared LM can be tuned on (registered in `searchlm.tune.tasks.TASKS`)."""

    @property
    def name(self) -> str:
        """Registry name, written into the adapter ("null-query-rewrite")."""
        ...

    @property
    def description(self) -> str:
        """One line for `python -m searchlm.tune tasks` and the model card."""
        ...

    def split(self, seed: int) -> TaskSplit:
        """The train and dev examples for `seed` (same seed, same examples)."""
        ...
