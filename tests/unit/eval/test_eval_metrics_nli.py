"""Accuracy, macro-F1 and confusion matrix, checked against hand counts."""

from __future__ import annotations

import pytest

from eval.metrics.nli import (
    FAILED,
    accuracy,
    confusion_matrix,
    label_indices,
    macro_f1,
    per_class_f1,
    predicted_label,
)
from tests.unit.eval.fakes import FakeScores

GOLD = ["entailment", "entailment", "neutral", "contradiction", "contradiction", "neutral"]
PRED = ["entailment", "neutral", "neutral", "contradiction", "entailment", None]


def test_predicted_label_is_the_argmax() -> None:
    assert predicted_label(FakeScores(0.2, 0.3, 0.5)) == "contradiction"
    assert predicted_label(FakeScores(0.4, 0.4, 0.2)) == "entailment"  # tie -> first label


def test_accuracy_counts_failed_items_as_wrong() -> None:
    assert accuracy(label_indices(GOLD), label_indices(PRED)) == pytest.approx(3 / 6)


def test_per_class_f1_hand_computed() -> None:
    # entailment: tp 1, predicted 2, gold 2 -> 2/4; neutral: tp 1, pred 2, gold 2 -> 2/4;
    # contradiction: tp 1, pred 1, gold 2 -> 2/3.
    f1 = per_class_f1(label_indices(GOLD), label_indices(PRED))
    assert f1 == pytest.approx([0.5, 0.5, 2 / 3])
    assert macro_f1(label_indices(GOLD), label_indices(PRED)) == pytest.approx((0.5 + 0.5 + 2 / 3) / 3)


def test_confusion_matrix_has_a_failed_column() -> None:
    matrix = confusion_matrix(label_indices(GOLD), label_indices(PRED))
    assert matrix.tolist() == [
        [1, 1, 0, 0],
        [0, 1, 0, 1],
        [1, 0, 1, 0],
    ]


def test_label_indices_maps_none_to_failed() -> None:
    assert label_indices([None]).tolist() == [FAILED]


def test_project_nli_types_fit_the_eval_protocol() -> None:
    # eval mirrors searchlm.nli.types structurally; this catches drift between them.
    nli_types = pytest.importorskip("searchlm.nli.types")
    from eval.metrics.nli import LABELS

    assert tuple(nli_types.LABELS) == LABELS
    scores = nli_types.NliScores(entailment=0.1, neutral=0.2, contradiction=0.7)
    assert predicted_label(scores) == scores.label == "contradiction"
