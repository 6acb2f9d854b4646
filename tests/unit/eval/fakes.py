"""Small in-process fakes for eval tests (never used in integration tests).

Imported by dotted name ("tests.unit.eval.fakes:make_keyword_scorer") through the scorer
registry, exactly like the real ``searchlm.nli:load_default_scorer``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class FakeScores:
    """Same shape as searchlm.nli.types.NliScores."""

    entailment: float
    neutral: float
    contradiction: float


ENTAIL = FakeScores(0.9, 0.05, 0.05)
NEUTRAL = FakeScores(0.1, 0.8, 0.1)
CONTRADICT = FakeScores(0.05, 0.05, 0.9)


def _squash(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


class KeywordScorer:
    """Entails when the hypothesis (letters only) occurs in the premise.

    Contradicts when the hypothesis contains "안" but the premise does not;
    raises on any pair containing "BOOM" to exercise failure handling.
    """

    model_id = "fake-keyword-nli"

    def __init__(self) -> None:
        self.calls: list[int] = []

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[FakeScores]:
        self.calls.append(len(pairs))
        if any("BOOM" in p or "BOOM" in h for p, h in pairs):
            raise RuntimeError("fake model exploded")
        return [self._one(p, h) for p, h in pairs]

    @staticmethod
    def _one(premise: str, hypothesis: str) -> FakeScores:
        if _squash(hypothesis) and _squash(hypothesis) in _squash(premise):
            return ENTAIL
        if "안" in hypothesis and "안" not in premise:
            return CONTRADICT
        return NEUTRAL


class FixedScorer:
    """Returns the same scores for every pair."""

    def __init__(self, scores: FakeScores) -> None:
        self._scores = scores

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[FakeScores]:
        return [self._scores for _ in pairs]


def make_keyword_scorer() -> KeywordScorer:
    """Zero-argument factory, the shape load_default_scorer will have."""
    return KeywordScorer()


class LexicalScorer:
    """Deterministic lexical NLI: entailment = share of the hypothesis's distinct letters
    found in the premise (the rest is neutral).

    A longer premise can only raise the score, which makes packing effects predictable.
    Raises on any pair containing "BOOM" to exercise failure handling.
    """

    model_id = "fake-lexical-nli"

    def __init__(self) -> None:
        self.calls: list[list[tuple[str, str]]] = []

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[FakeScores]:
        self.calls.append(list(pairs))
        if any("BOOM" in p or "BOOM" in h for p, h in pairs):
            raise RuntimeError("fake model exploded")
        return [self._one(p, h) for p, h in pairs]

    @staticmethod
    def _one(premise: str, hypothesis: str) -> FakeScores:
        letters = set(_squash(hypothesis))
        share = len(letters & set(_squash(premise))) / len(letters) if letters else 0.0
        return FakeScores(share, 1.0 - share, 0.0)


def make_lexical_scorer() -> LexicalScorer:
    """Zero-argument factory of the lexical fake."""
    return LexicalScorer()
