"""Thresholds of the one-verdict rule, chosen on the training-side tune split.

For each decisive label (entailment, contradiction) the threshold is the
lowest probability at which the pair rule of `searchlm.nli.verdict` reaches
``target_precision`` on the tune split, which keeps as much recall as that
precision allows. Where no threshold reaches the target, the one with the best
precision is kept and the record says so. The test set is never used.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

import numpy as np

from searchlm.nli.types import LABELS

_GRID = np.round(np.arange(0.30, 0.991, 0.01), 2)


@dataclass(frozen=True)
class LabelThreshold:
    """The chosen threshold of one label and what it gives on the tune split."""

    threshold: float
    precision: float
    recall: float
    reached_target: bool


@dataclass(frozen=True)
class Calibration:
    """Thresholds for the services (``summary`` = ``entailment``)."""

    entailment: LabelThreshold
    contradiction: LabelThreshold
    target_precision: float
    n: int

    def as_record(self) -> dict[str, object]:
        """JSON-ready form stored in the artefact's ``config.json``."""
        out = asdict(self)
        out["summary"] = self.entailment.threshold
        return out


def _choose(probs: np.ndarray, gold: np.ndarray, label: int, target: float) -> LabelThreshold:
    other = 2 - label  # entailment (0) <-> contradiction (2)
    positives = max(1, int((gold == label).sum()))
    best: LabelThreshold | None = None
    for t in _GRID:
        if label == 0:
            predicted = (probs[:, 0] >= t) & (probs[:, 0] >= probs[:, other])
        else:
            predicted = (probs[:, label] >= t) & (probs[:, label] > probs[:, other])
        if not predicted.any():
            continue
        hits = int((predicted & (gold == label)).sum())
        found = LabelThreshold(float(t), hits / int(predicted.sum()), hits / positives, False)
        if found.precision >= target:
            return LabelThreshold(found.threshold, found.precision, found.recall, True)
        if best is None or found.precision > best.precision:
            best = found
    return best or LabelThreshold(0.5, 0.0, 0.0, False)


def calibrate(gold: Sequence[int], probs: np.ndarray, target_precision: float = 0.9) -> Calibration:
    """Choose the entailment and contradiction thresholds.

    Args:
        gold: tune-split label ids in LABELS order.
        probs: ``(n, 3)`` class probabilities.
        target_precision: precision each decisive verdict must reach.

    Returns:
        The two thresholds with their tune-split precision and recall.
    """
    g = np.asarray(gold)
    return Calibration(
        entailment=_choose(probs, g, LABELS.index("entailment"), target_precision),
        contradiction=_choose(probs, g, LABELS.index("contradiction"), target_precision),
        target_precision=target_precision,
        n=len(g),
    )
