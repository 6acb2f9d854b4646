"""ROUGE with Kiwi morphemes (Korean) and rouge-score's tokenizer (English)."""

from __future__ import annotations

import pytest
from rouge_score import rouge_scorer

from eval.metrics.rouge import RougeMetric
from eval.text.kiwi import KiwiTokenizer, morphemes, split_sentences

REFERENCE = "배송이 빠르고 포장이 꼼꼼해요."
PREDICTION = "배송이 빨라요."


@pytest.fixture(scope="module")
def korean() -> RougeMetric:
    return RougeMetric(lang="ko")


def test_default_rouge_tokenizer_scores_korean_zero() -> None:
    # The bug this module exists to avoid: rouge-score deletes non-ASCII text.
    scores = rouge_scorer.RougeScorer(["rouge1"]).score(REFERENCE, REFERENCE)
    assert scores["rouge1"].fmeasure == 0.0


def test_kiwi_tokenizer_yields_morphemes_without_punctuation() -> None:
    assert morphemes(REFERENCE) == ["배송", "이", "빠르", "고", "포장", "이", "꼼꼼", "하", "어요"]
    assert KiwiTokenizer().tokenize(PREDICTION) == ["배송", "이", "빠르", "어요"]


def test_rouge_korean_identical_texts_score_one(korean: RougeMetric) -> None:
    assert korean.score(REFERENCE, [REFERENCE]) == pytest.approx(
        {"rouge1": 1.0, "rouge2": 1.0, "rougeL": 1.0, "rougeLsum": 1.0}
    )


def test_rouge_korean_hand_computed(korean: RougeMetric) -> None:
    # pred 배송 이 빠르 어요 (4) vs ref 배송 이 빠르 고 포장 이 꼼꼼 하 어요 (9).
    # R1: 4 shared -> P 1, R 4/9, F 8/13. R2: 2 of 3 vs 8 bigrams -> F 4/11.
    # RL: LCS 배송 이 빠르 어요 = 4 -> F 8/13.
    scores = korean.score(PREDICTION, [REFERENCE])
    assert scores["rouge1"] == pytest.approx(8 / 13)
    assert scores["rouge2"] == pytest.approx(4 / 11)
    assert scores["rougeL"] == pytest.approx(8 / 13)
    assert scores["rougeLsum"] == pytest.approx(8 / 13)


def test_rouge_korean_lsum_uses_kiwi_sentences(korean: RougeMetric) -> None:
    assert split_sentences("배송이 빨라요. 맛이 좋아요") == ["배송이 빨라요.", "맛이 좋아요"]
    scores = korean.score("맛이 좋아요. 배송이 빨라요.", ["배송이 빨라요. 맛이 좋아요."])
    assert scores["rougeLsum"] == pytest.approx(1.0)
    assert scores["rougeL"] < 1.0


def test_rouge_multi_reference_takes_the_best(korean: RougeMetric) -> None:
    scores = korean.score(PREDICTION, ["전혀 다른 문장", PREDICTION])
    assert scores["rouge1"] == pytest.approx(1.0)


def test_rouge_english_hand_computed() -> None:
    metric = RougeMetric(lang="en")
    scores = metric.score("the cat sat", ["The cat sat on the mat."])
    assert scores["rouge1"] == pytest.approx(2 / 3)  # P 3/3, R 3/6
    assert scores["rouge2"] == pytest.approx(2 * 1 * 0.4 / 1.4)  # P 2/2, R 2/5


def test_rouge_english_lsum_rewards_reordered_sentences() -> None:
    scores = RougeMetric(lang="en").score("c d. a b.", ["a b. c d."])
    assert scores["rougeL"] == pytest.approx(0.5)
    assert scores["rougeLsum"] == pytest.approx(1.0)


def test_rouge_rejects_unknown_language_and_missing_references() -> None:
    with pytest.raises(ValueError, match="language"):
        RougeMetric(lang="fr")
    with pytest.raises(ValueError, match="reference"):
        RougeMetric(lang="en").score("x", [])
