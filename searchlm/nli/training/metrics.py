"""Classification metrics for the NLI held-out evaluation (numpy only)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from searchlm.nli.types import LABELS


@dataclass(frozen=True)
class NliReport:
    """Held-out figures reported in the model card.

    Attributes:
        n: number of pairs.
        accuracy: 3-way accuracy.
        accuracy_ci95: bootstrap 95 % interval of the accuracy.
        macro_f1: unweighted mean of per-class F1.
        per_class_f1: F1 per label.
        confusion: rows = gold, columns = predicted, in LABELS order.
        ent_vs_con_accuracy: on gold entailment/contradiction pairs, share where
            P(entailment) vs P(contradiction) picks the gold one.
        ent_vs_con_strict: same pairs, 3-way argmax must equal gold.
        n_ent_vs_con: number of those pairs.
    """

    n: int
    accuracy: float
    accuracy_ci95: tuple[float, float]
    macro_f1: float
    per_class_f1: dict[str, float]
    confusion: list[list[int]]
    ent_vs_con_accuracy: float
    ent_vs_con_strict: float
    n_ent_vs_con: int


def confusion_matrix(gold: np.ndarray, pred: np.ndarray, k: int = 3) -> np.ndarray:
    """``k x k`` counts, rows gold, columns predicted."""
    cm = np.zeros((k, k), dtype=np.int64)
    np.add.at(cm, (gold, pred), 1)
    return cm


def f1_per_class(cm: np.ndarray) -> np.ndarray:
    """Per-class F1 from a confusion matrix (0 where undefined)."""
    tp = np.diag(cm).astype(float)
    prec = np.divide(tp, cm.sum(0), out=np.zeros_like(tp), where=cm.sum(0) > 0)
    rec = np.divide(tp, cm.sum(1), out=np.zeros_like(tp), where=cm.sum(1) > 0)
    denom = prec + rec
    return np.divide(2 * prec * rec, denom, out=np.zeros_like(tp), where=denom > 0)


def bootstrap_ci(correct: np.ndarray, rounds: int = 2000, seed: int = 0) -> tuple[float, float]:
    """Percentile bootstrap 95 % interval of the mean of a 0/1 vector."""
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(correct), size=(rounds, len(correct)))
    means = correct[idx].mean(axis=1)
    return float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def nli_report(gold: Sequence[int], probs: np.ndarray) -> NliReport:
    """Compute every held-out figure from gold ids and class probabilities.

    Args:
        gold: gold label ids (LABELS order).
        probs: ``(n, 3)`` probabilities in LABELS order.

    Returns:
        The report.
    """
    g = np.asarray(gold, dtype=np.int64)
    pred = probs.argmax(axis=1)
    cm = confusion_matrix(g, pred)
    f1 = f1_per_class(cm)
    correct = (pred == g).astype(float)
    ec = (g == 0) | (g == 2)
    binary = np.where(probs[:, 0] >= probs[:, 2], 0, 2)
    return NliReport(
        n=len(g),
        accuracy=float(correct.mean()),
        accuracy_ci95=bootstrap_ci(correct),
        macro_f1=float(f1.mean()),
        per_class_f1={name: float(v) for name, v in zip(LABELS, f1, strict=True)},
        confusion=cm.tolist(),
        ent_vs_con_accuracy=float((binary[ec] == g[ec]).mean()) if ec.any() else 0.0,
        ent_vs_con_strict=float((pred[ec] == g[ec]).mean()) if ec.any() else 0.0,
        n_ent_vs_con=int(ec.sum()),
    )
