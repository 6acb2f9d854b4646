"""Binary detection from a score: ROC AUC, balanced accuracy, threshold choice.

Positives are the items to detect (unfaithful claims); a higher score means "more likely
positive", and an item is predicted positive when its score is at or above the threshold.
Figures that need both classes are ``nan`` when one is missing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


def _arrays(
    scores: Sequence[float] | FloatArray, positives: Sequence[bool] | BoolArray
) -> tuple[FloatArray, BoolArray]:
    values = np.asarray(scores, dtype=np.float64)
    labels = np.asarray(positives, dtype=np.bool_)
    if values.shape != labels.shape or values.ndim != 1:
        raise ValueError(f"scores {values.shape} and labels {labels.shape} must be 1-D of one length")
    return values, labels


def _average_ranks(values: FloatArray) -> FloatArray:
    """1-based ranks; tied values share the mean of their ranks."""
    order = np.argsort(values, kind="mergesort")
    _, first, counts = np.unique(values[order], return_index=True, return_counts=True)
    ranks = np.empty(values.size, dtype=np.float64)
    ranks[order] = np.repeat(first + (counts + 1) / 2, counts)
    return ranks


def roc_auc(scores: Sequence[float] | FloatArray, positives: Sequence[bool] | BoolArray) -> float:
    """Area under the ROC curve: P(score of a positive > score of a negative), ties half.

    Computed as the Mann-Whitney U statistic from average ranks, so it is exact (no curve
    interpolation) and ties between a positive and a negative count 0.5.
    """
    values, labels = _arrays(scores, positives)
    n_pos = int(labels.sum())
    n_neg = labels.size - n_pos
    if n_pos == 0 or n_neg == 0:
        return math.nan
    rank_sum = float(_average_ranks(values)[labels].sum())
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def balanced_accuracy(
    scores: Sequence[float] | FloatArray, positives: Sequence[bool] | BoolArray, threshold: float
) -> float:
    """Mean of the true-positive and true-negative rates at ``score >= threshold``."""
    values, labels = _arrays(scores, positives)
    if labels.all() or not labels.any():
        return math.nan
    predicted = values >= threshold
    return float((predicted[labels].mean() + (~predicted[~labels]).mean()) / 2)


@dataclass(frozen=True)
class Threshold:
    """A threshold chosen on calibration items.

    Attributes:
        value: Items with ``score >= value`` are predicted positive.
        balanced_accuracy: Balanced accuracy it reaches on the calibration items.
        n: Calibration items it was chosen on.
    """

    value: float
    balanced_accuracy: float
    n: int


def best_threshold(scores: Sequence[float] | FloatArray, positives: Sequence[bool] | BoolArray) -> Threshold:
    """The threshold with the highest balanced accuracy on these items.

    Candidates are the lowest score (everything positive) and the midpoints between
    consecutive distinct scores, so the cut falls between calibration items rather than on
    one of them. Ties go to the lowest candidate, so the choice is deterministic.

    Raises:
        ValueError: The items hold only one class.
    """
    values, labels = _arrays(scores, positives)
    if labels.all() or not labels.any():
        raise ValueError("choosing a threshold needs positive and negative items")
    distinct = np.unique(values)
    candidates = np.concatenate([distinct[:1], (distinct[1:] + distinct[:-1]) / 2])
    pos, neg = np.sort(values[labels]), np.sort(values[~labels])
    true_pos_rate = 1.0 - np.searchsorted(pos, candidates, side="left") / pos.size
    true_neg_rate = np.searchsorted(neg, candidates, side="left") / neg.size
    accuracy = (true_pos_rate + true_neg_rate) / 2
    best = int(np.argmax(accuracy))
    return Threshold(float(candidates[best]), float(accuracy[best]), int(values.size))
