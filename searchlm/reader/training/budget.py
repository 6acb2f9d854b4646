"""The wall-clock budget of a training command (``--time-budget-min``)."""

from __future__ import annotations

import time
from dataclasses import dataclass

from searchlm.reader.training.settings import ReaderTrainSettings


@dataclass
class TimeBudget:
    """Wall-clock limit of the command and the time kept back for the last scorings and export.

    What is kept back is the larger of ``floor`` and the estimated cost of one tune scoring
    (the state reached at the stop) plus the held-out scoring: measured on the last tune
    scoring, or, before any, guessed from the training steps (a forward pass is about a
    third of a training step, and a question has about 1.3 windows).
    """

    end: float | None
    floor: float
    n_questions: int
    per_question: float = 0.0
    measured: bool = False

    @classmethod
    def of(cls, s: ReaderTrainSettings, began: float, n_tune: int, n_heldout: int) -> TimeBudget:
        end = began + 60 * s.time_budget_min if s.time_budget_min > 0 else None
        return cls(end, 60 * s.finish_reserve_min, n_tune + n_heldout)

    @property
    def reserve(self) -> float:
        """Seconds kept back now."""
        return max(self.floor, self.per_question * self.n_questions + 30 if self.per_question else 0.0)

    def expired(self) -> bool:
        return self.end is not None and time.monotonic() + self.reserve >= self.end

    def learn_step(self, seconds: float, n_windows: int) -> None:
        """Refine the guess from one training step, until a tune scoring has been measured."""
        if self.measured or n_windows < 1:
            return
        guess = seconds / n_windows / 3 * 1.3
        self.per_question = guess if not self.per_question else 0.9 * self.per_question + 0.1 * guess

    def learn_tune(self, seconds: float, n_questions: int) -> None:
        """Take the cost per question of a tune scoring just measured."""
        self.per_question, self.measured = seconds / max(1, n_questions), True
