"""The one-verdict rules: pair, source and claim (searchlm.nli.verdict)."""

from __future__ import annotations

import pytest

from searchlm.nli.types import NliScores
from searchlm.nli.verdict import SourceTally, Thresholds, Verdict, pair_verdict

LOW = Thresholds(entailment=0.3, contradiction=0.3)


@pytest.mark.parametrize(
    ("scores", "thresholds", "expected"),
    [
        (NliScores(0.9, 0.05, 0.05), Thresholds(), Verdict.ENTAILED),
        (NliScores(0.05, 0.05, 0.9), Thresholds(), Verdict.CONTRADICTED),
        (NliScores(0.4, 0.3, 0.3), Thresholds(), Verdict.NEUTRAL),
        (NliScores(0.6, 0.1, 0.3), Thresholds(entailment=0.7), Verdict.NEUTRAL),
        # both above low thresholds: the larger wins, never both
        (NliScores(0.45, 0.1, 0.45), LOW, Verdict.ENTAILED),
        (NliScores(0.35, 0.2, 0.45), LOW, Verdict.CONTRADICTED),
        (NliScores(0.45, 0.2, 0.35), LOW, Verdict.ENTAILED),
    ],
)
def test_pair_verdict_gives_one_label_per_pair(
    scores: NliScores, thresholds: Thresholds, expected: Verdict
) -> None:
    assert pair_verdict(scores, thresholds) is expected


@pytest.mark.parametrize("bad", [0.0, -0.1, 1.5])
def test_thresholds_outside_the_unit_interval_are_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="threshold"):
        Thresholds(entailment=bad)


def test_a_review_never_counts_on_both_sides_and_its_own_chunk_outranks_a_pack() -> None:
    tally = SourceTally()
    tally.add(("r1", "r2"), NliScores(0.99, 0.0, 0.01))  # the pack entails
    tally.add(("r1",), NliScores(0.01, 0.0, 0.99))  # r1 alone contradicts
    assert tally.supporting == ("r2",)
    assert tally.contradicting == ("r1",)
    assert set(tally.supporting).isdisjoint(tally.contradicting)
    assert tally.verdict() is Verdict.CONTRADICTED  # one for, one against


def test_among_equally_specific_evidence_the_more_confident_wins() -> None:
    tally = SourceTally()
    tally.add(("r1",), NliScores(0.7, 0.1, 0.2))
    tally.add(("r1",), NliScores(0.05, 0.0, 0.95))
    assert tally.side("r1") is Verdict.CONTRADICTED
    tally.add(("r1",), NliScores(0.6, 0.0, 0.4))  # weaker: does not move it back
    assert tally.side("r1") is Verdict.CONTRADICTED


def test_a_quote_outranks_every_nli_verdict() -> None:
    tally = SourceTally()
    tally.add(("r1",), NliScores(0.0, 0.0, 1.0))
    tally.quote(("r1",))
    assert tally.side("r1") is Verdict.ENTAILED and tally.entailment == 1.0


@pytest.mark.parametrize(
    ("support", "against", "min_support", "expected"),
    [
        (3, 1, 1, Verdict.ENTAILED),
        (1, 1, 1, Verdict.CONTRADICTED),
        (0, 2, 1, Verdict.CONTRADICTED),
        (0, 0, 1, Verdict.NEUTRAL),
        (1, 0, 2, Verdict.NEUTRAL),
        (2, 0, 2, Verdict.ENTAILED),
    ],
)
def test_claim_verdict_counts_sources(
    support: int, against: int, min_support: int, expected: Verdict
) -> None:
    tally = SourceTally()
    for i in range(support):
        tally.add((f"s{i}",), NliScores(0.9, 0.05, 0.05))
    for i in range(against):
        tally.add((f"c{i}",), NliScores(0.05, 0.05, 0.9))
    assert tally.verdict(min_support) is expected


def test_strength_reports_only_the_sources_on_that_side() -> None:
    tally = SourceTally()
    tally.add(("r1", "r2"), NliScores(0.02, 0.0, 0.98))  # pack contradicts ...
    tally.add(("r1",), NliScores(0.97, 0.0, 0.03))  # ... r1 alone entails
    tally.add(("r2",), NliScores(0.96, 0.0, 0.04))  # ... and so does r2
    assert tally.contradicting == ()
    assert tally.strength(Verdict.CONTRADICTED) == 0.0
    assert tally.contradiction == pytest.approx(0.98)  # raw maximum still visible
    assert tally.verdict() is Verdict.ENTAILED


def test_services_default_to_the_thresholds_calibrated_for_the_shipped_artefact() -> None:
    import json

    from searchlm.nli.verdict import SHIPPED_THRESHOLDS
    from services.free_qa.settings import FreeQaSettings
    from services.review_summary.settings import ReviewSummarySettings

    from .conftest import SHIPPED

    record = json.loads((SHIPPED / "config.json").read_text(encoding="utf-8"))["extra"]["thresholds"]
    assert SHIPPED_THRESHOLDS.entailment == record["entailment"]["threshold"] == record["summary"]
    assert SHIPPED_THRESHOLDS.contradiction == record["contradiction"]["threshold"]
    qa, rs = FreeQaSettings(), ReviewSummarySettings()
    assert (qa.nli_entailment_threshold, qa.nli_contradiction_threshold) == (
        SHIPPED_THRESHOLDS.entailment,
        SHIPPED_THRESHOLDS.contradiction,
    )
    assert (rs.entailment_threshold, rs.contradiction_threshold, rs.summary_threshold) == (
        SHIPPED_THRESHOLDS.entailment,
        SHIPPED_THRESHOLDS.contradiction,
        SHIPPED_THRESHOLDS.entailment,
    )
