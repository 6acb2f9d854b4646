"""One verdict per claim: how entailment and contradiction scores combine.

An NLI scorer returns three probabilities per (premise, hypothesis) pair. The
services need one answer per claim, so the rules live here, once:

1. **Pair**: :func:`pair_verdict` gives ``entailed`` when the entailment
   probability reaches its threshold and is at least the contradiction
   probability, ``contradicted`` when the contradiction probability reaches its
   threshold and exceeds the entailment probability, and ``neutral`` otherwise.
   A pair is never both, whatever the thresholds.
2. **Source**: a claim is scored against several premises that each carry one
   or more sources (reviews, passages). :class:`SourceTally` gives every source
   exactly one side: evidence about a single source (a chunk of one review)
   outranks evidence about a packed premise of several, and among equally
   specific evidence the more confident verdict wins. A review is never counted
   as both supporting and contradicting a claim.
3. **Claim**: :meth:`SourceTally.verdict` is ``entailed`` when at least
   ``min_support`` sources support the claim and more support it than
   contradict it, ``contradicted`` when some source contradicts it and at least
   as many contradict as support, else ``neutral`` (unsupported).

The default thresholds are calibrated on the NLI model's training-side tune
split (see the artefact's ``config.json`` ``extra.thresholds`` and
``python -m searchlm.nli calibrate``); the services' settings default to them.
Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from enum import StrEnum

from searchlm.nli.types import NliScores


class Verdict(StrEnum):
    """What a premise (or all premises together) says about a claim."""

    ENTAILED = "entailed"
    NEUTRAL = "neutral"
    CONTRADICTED = "contradicted"


@dataclass(frozen=True)
class Thresholds:
    """Probability thresholds of the pair rule.

    Attributes:
        entailment: entailment probability needed for ``entailed``.
        contradiction: contradiction probability needed for ``contradicted``.
    """

    entailment: float = 0.5
    contradiction: float = 0.5

    def __post_init__(self) -> None:
        for name in ("entailment", "contradiction"):
            value = getattr(self, name)
            if not 0.0 < value <= 1.0:
                raise ValueError(f"{name} threshold must be in (0, 1], got {value}")


# Calibrated for the shipped artefact (its config.json ``extra.thresholds``; a unit test keeps
# the two equal). Services' settings default to these.
# Calibrated for the shipped v2 artefact on its tune split (precision >= 0.9 for each decisive
# verdict: entailment 0.901 at recall 0.592, contradiction 0.901 at recall 0.421); a test checks
# they equal the artefact's config.json extra.thresholds.
SHIPPED_THRESHOLDS = Thresholds(entailment=0.78, contradiction=0.84)


def pair_verdict(scores: NliScores, thresholds: Thresholds) -> Verdict:
    """The one verdict of a single (premise, hypothesis) pair (rule 1 above)."""
    e, c = scores.entailment, scores.contradiction
    if e >= thresholds.entailment and e >= c:
        return Verdict.ENTAILED
    if c >= thresholds.contradiction and c > e:
        return Verdict.CONTRADICTED
    return Verdict.NEUTRAL


@dataclass(frozen=True, order=True)
class _Rank:
    """Evidence order: more specific first (fewer sources), then more confident."""

    specificity: float
    confidence: float


@dataclass
class SourceTally:
    """Per-source verdicts about one claim (rules 2 and 3 above).

    Attributes:
        thresholds: the pair thresholds.
        entailment: highest entailment probability seen for the claim.
        contradiction: highest contradiction probability seen for the claim.
    """

    thresholds: Thresholds = field(default_factory=Thresholds)
    entailment: float = 0.0
    contradiction: float = 0.0
    _sides: dict[str, tuple[Verdict, _Rank]] = field(default_factory=dict)

    def add(self, sources: Iterable[str], scores: NliScores, thresholds: Thresholds | None = None) -> Verdict:
        """Record one premise's scores for the sources it was built from (judged with
        `thresholds` when given, else the tally's own)."""
        ids = list(dict.fromkeys(sources))
        self.entailment = max(self.entailment, scores.entailment)
        self.contradiction = max(self.contradiction, scores.contradiction)
        verdict = pair_verdict(scores, thresholds or self.thresholds)
        if verdict is not Verdict.NEUTRAL and ids:
            strength = scores.entailment if verdict is Verdict.ENTAILED else scores.contradiction
            self._place(ids, verdict, _Rank(1.0 / len(ids), strength))
        return verdict

    def quote(self, sources: Iterable[str]) -> None:
        """Sources that state the claim word for word support it, whatever NLI said."""
        ids = list(dict.fromkeys(sources))
        if ids:
            self.entailment = 1.0
            self._place(ids, Verdict.ENTAILED, _Rank(2.0, 1.0))

    def _place(self, ids: list[str], verdict: Verdict, rank: _Rank) -> None:
        for source in ids:
            held = self._sides.get(source)
            if held is None or rank > held[1]:
                self._sides[source] = (verdict, rank)

    def side(self, source: str) -> Verdict:
        """Where one source stands (``neutral`` when it said nothing decisive)."""
        held = self._sides.get(source)
        return held[0] if held else Verdict.NEUTRAL

    @property
    def supporting(self) -> tuple[str, ...]:
        """Sources that entail the claim, in the order they were first seen."""
        return tuple(s for s, (v, _) in self._sides.items() if v is Verdict.ENTAILED)

    @property
    def contradicting(self) -> tuple[str, ...]:
        """Sources that contradict the claim (disjoint from :attr:`supporting`)."""
        return tuple(s for s, (v, _) in self._sides.items() if v is Verdict.CONTRADICTED)

    def strength(self, verdict: Verdict) -> float:
        """Highest probability behind the sources on one side (0 when none)."""
        return max((r.confidence for v, r in self._sides.values() if v is verdict), default=0.0)

    def strongest(self, verdict: Verdict) -> str | None:
        """The source whose evidence for ``verdict`` is the most confident (None when none)."""
        ranked = [(r.confidence, s) for s, (v, r) in self._sides.items() if v is verdict]
        return max(ranked, key=lambda pair: pair[0])[1] if ranked else None

    def verdict(self, min_support: int = 1) -> Verdict:
        """The claim's single verdict (rule 3)."""
        support, against = len(self.supporting), len(self.contradicting)
        if support >= max(1, min_support) and support > against:
            return Verdict.ENTAILED
        if against and against >= support:
            return Verdict.CONTRADICTED
        return Verdict.NEUTRAL
