"""Accuracy, macro-F1 and confusion matrix for three-way NLI."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from eval.types import NliScoresLike

LABELS = ("entailment", "neutral", "contradiction")
#: Index used for items the scorer failed on: counted wrong, never as a class.
FAILED = -1

IntArray = npt.NDArray[np.int64]


def predicted_label(scores: NliScoresLike) -> str:
    """Return the label with the highest probability (ties: first in ``LABELS``)."""
    values = (scores.entailment, scores.neutral, scores.contradiction)
    return LABELS[max(range(len(LABELS)), key=lambda i: values[i])]


def label_indices(labels: Sequence[str | None]) -> IntArray:
    """Map labels to indices into ``LABELS``; ``None`` (failed) maps to ``FAILED``."""
    return np.array([FAILED if label is None else LABELS.index(label) for label in labels], dtype=np.int64)


def confusion_matrix(gold: IntArray, pred: IntArray) -> IntArray:
    """Counts with gold labels as rows and predictions as columns.

    A fourth column counts failed items so that none disappear from the table.
    """
    k = len(LABELS)
    columns = np.where(pred == FAILED, k, pred)
    matrix = np.zeros((k, k + 1), dtype=np.int64)
    np.add.at(matrix, (gold, columns), 1)
    return matrix


def accuracy(gold: IntArray, pred: IntArray) -> float:
    """Fraction of items predicted correctly; failed items count as wrong."""
    return float(np.mean(gold == pred)) if gold.size else float("nan")


def per_class_f1(gold: IntArray, pred: IntArray) -> list[float]:
    """F1 for each label in ``LABELS`` order (0 when a class has no hits)."""
    scores = []
    for label in range(len(LABELS)):
        true_pos = int(np.sum((gold == label) & (pred == label)))
        predicted = int(np.sum(pred == label))
        actual = int(np.sum(gold == label))
        denominator = predicted + actual
        scores.append(2 * true_pos / denominator if denominator else 0.0)
    return scores


def macro_f1(gold: IntArray, pred: IntArray) -> float:
    """Unweighted mean of the per-class F1 scores."""
    return float(np.mean(per_class_f1(gold, pred))) if gold.size else float("nan")
