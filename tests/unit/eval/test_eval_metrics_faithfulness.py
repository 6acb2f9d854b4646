"""Claim verdicts: thresholds, contradiction at the best chunk, support counts."""

from __future__ import annotations

import math

import pytest

from eval.metrics.faithfulness import (
    ClaimCheckSettings,
    PremiseChunk,
    chunk_reviews,
    judge_claim,
    verify_summary,
)
from eval.text.english import split_sentences
from tests.unit.eval.fakes import CONTRADICT, ENTAIL, NEUTRAL, FakeScores, KeywordScorer

SETTINGS = ClaimCheckSettings()


def test_chunk_reviews_packs_sentences_up_to_the_limit_per_review() -> None:
    chunks = chunk_reviews(["Aa. Bb. Cc.", "Dd."], split_sentences, max_chars=7)
    assert chunks == [
        PremiseChunk(0, "Aa. Bb."),
        PremiseChunk(0, "Cc."),
        PremiseChunk(1, "Dd."),
    ]


def test_chunk_reviews_keeps_an_overlong_sentence_whole() -> None:
    assert chunk_reviews(["A very long sentence."], split_sentences, max_chars=3) == [
        PremiseChunk(0, "A very long sentence.")
    ]


def test_judge_claim_passes_on_entailment_and_counts_distinct_reviews() -> None:
    chunks = [PremiseChunk(0, "a"), PremiseChunk(0, "b"), PremiseChunk(1, "c"), PremiseChunk(2, "d")]
    verdict = judge_claim("claim", chunks, [ENTAIL, ENTAIL, ENTAIL, NEUTRAL], SETTINGS)
    assert verdict.passed and verdict.supporting_reviews == 2 and verdict.entailment == 0.9


def test_judge_claim_contradiction_elsewhere_does_not_fail_a_supported_claim() -> None:
    chunks = [PremiseChunk(0, "fast delivery"), PremiseChunk(1, "slow delivery")]
    verdict = judge_claim("delivery is fast", chunks, [ENTAIL, CONTRADICT], SETTINGS)
    assert verdict.passed and verdict.best_premise == "fast delivery"


def test_judge_claim_fails_when_best_chunk_also_contradicts() -> None:
    verdict = judge_claim("x", [PremiseChunk(0, "p")], [FakeScores(0.6, 0.0, 0.55)], SETTINGS)
    assert not verdict.passed


def test_judge_claim_threshold_is_inclusive_for_entailment() -> None:
    verdict = judge_claim("x", [PremiseChunk(0, "p")], [FakeScores(0.5, 0.5, 0.0)], SETTINGS)
    assert verdict.passed


def test_judge_claim_without_premises_fails() -> None:
    verdict = judge_claim("x", [], [], SETTINGS)
    assert not verdict.passed and math.isnan(verdict.contradiction)


def test_verify_summary_scores_every_claim_chunk_pair_in_one_call() -> None:
    scorer = KeywordScorer()
    verdicts = verify_summary(
        "Fast delivery. Rude staff.",
        ["Fast delivery. Good price.", "Tasty food."],
        scorer,
        split=split_sentences,
        settings=SETTINGS,
    )
    assert [v.passed for v in verdicts] == [True, False]
    assert scorer.calls == [4]  # 2 claims x 2 chunks in a single batch


def test_claim_check_settings_reject_out_of_range_thresholds() -> None:
    with pytest.raises(ValueError, match="entailment_threshold"):
        ClaimCheckSettings(entailment_threshold=1.5)
    with pytest.raises(ValueError, match="chunk_chars"):
        ClaimCheckSettings(chunk_chars=0)
