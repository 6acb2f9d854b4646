"""KorQuAD 1.0 EM/F1 (official-script behaviour), recall@k and yes/no polarity."""

from __future__ import annotations

import pytest

from eval.metrics.qa import (
    best_char_f1,
    best_exact_match,
    char_f1,
    exact_match,
    normalize_answer,
    recall_at_k,
    yes_no_polarity,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("'세종대왕'", "세종대왕"),
        ("《훈민정음》(1446년)", "훈민정음 1446년"),  # brackets become spaces
        ("1,000원", "1000원"),  # ASCII punctuation is deleted, no space
        ("The Beatles", "the beatles"),  # articles are kept, unlike SQuAD
        ("don't", "don t"),  # the apostrophe becomes a space before punctuation removal
        ("  서울   특별시 ", "서울 특별시"),
        ("‘한강’의 기적", "한강 의 기적"),
        ("「서울」", "「서울」"),  # only ASCII punctuation and the listed symbols go
    ],
)
def test_normalize_answer_matches_official_script(raw: str, expected: str) -> None:
    assert normalize_answer(raw) == expected


def test_exact_match_keeps_spacing_significant() -> None:
    assert exact_match("서울 특별시", "서울특별시") == 0.0
    assert exact_match("서울특별시.", "서울특별시") == 1.0


def test_exact_match_differs_from_squad_on_apostrophes() -> None:
    # SQuAD would normalise both to "dont"; KorQuAD turns "'" into a space.
    assert exact_match("don't", "dont") == 0.0


def test_char_f1_ignores_spacing() -> None:
    assert char_f1("서울 특별시", "서울특별시") == 1.0


def test_char_f1_hand_computed_partial_overlap() -> None:
    # pred 세종대왕이 (5 chars), gold 세종대왕 (4): common 4 -> P 0.8, R 1.0.
    assert char_f1("세종대왕이", "세종대왕") == pytest.approx(2 * 0.8 * 1.0 / 1.8)


def test_char_f1_counts_repeated_characters_as_multisets() -> None:
    # 가가나 vs 가나나: common {가:1, 나:1} = 2 -> P = R = 2/3.
    assert char_f1("가가나", "가나나") == pytest.approx(2 / 3)


def test_char_f1_english_is_character_level_too() -> None:
    # "cat" vs "act": same letters -> F1 1.0 although the words differ.
    assert char_f1("cat", "act") == 1.0


def test_char_f1_empty_prediction_is_zero() -> None:
    assert char_f1("", "세종") == 0.0
    assert char_f1("!!!", "세종") == 0.0


def test_best_scores_take_the_best_gold_answer() -> None:
    golds = ["1446년", "1446년 10월"]
    assert best_exact_match("1446년 10월", golds) == 1.0
    # pred chars 1446년10 (7). vs 1446년 (5): common 5, F1 = 10/12.
    # vs 1446년10월 (8): common 7, P 1, R 7/8, F1 = 14/15 -> the best.
    assert best_char_f1("1446년 10", golds) == pytest.approx(14 / 15)


def test_recall_at_k_counts_gold_in_top_k() -> None:
    assert recall_at_k(["p3", "p2", "p1"], ["p1"], 1) == 0.0
    assert recall_at_k(["p3", "p2", "p1"], ["p1"], 3) == 1.0
    assert recall_at_k(["p1", "x"], ["p1", "p2"], 2) == 0.5


def test_recall_at_k_rejects_bad_arguments() -> None:
    with pytest.raises(ValueError, match="k must be"):
        recall_at_k(["p1"], ["p1"], 0)
    with pytest.raises(ValueError, match="gold"):
        recall_at_k(["p1"], [], 1)


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("네, 맞습니다.", True),
        ("예", True),
        ("Yes.", True),
        ("아니요, 다릅니다", False),
        ("no", False),
        ("서울", None),
        ("", None),
    ],
)
def test_yes_no_polarity_reads_the_first_word(answer: str, expected: bool | None) -> None:
    assert yes_no_polarity(answer) is expected
