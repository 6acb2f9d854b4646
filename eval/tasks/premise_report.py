"""Figures, tables, plots and the verdict of a ``premise`` run.

Every interval comes from the same 1,000 resamples of the reported items (one seed, one
item count), so a difference of two methods' AUCs is a paired bootstrap: both AUCs are
computed on the same resampled items each time.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from eval.bootstrap import statistic_figure
from eval.data.premise import FAITHFULNESS_LABELS, SUPPORTED, ReviewSetItem
from eval.metrics.detection import Threshold, balanced_accuracy, roc_auc
from eval.metrics.premise import METHODS
from eval.tasks.common import truncate
from eval.types import FailedItem, Figure, PlotSpec, Table, TaskOutcome

MethodScores = dict[str, npt.NDArray[np.float64]]

#: The claim's ordering, best first: each method should beat the next by AUC.
CLAIMED_ORDER = ("nli-packed", "nli-sentence", "rouge1")
#: The method every other one is compared with.
REFERENCE = CLAIMED_ORDER[0]
_UNFAITHFUL_LABELS = tuple(label for label in FAITHFULNESS_LABELS.values() if label != SUPPORTED)


def _auc_figure(name: str, detect: np.ndarray, positive: np.ndarray) -> Figure:
    return statistic_figure(name, lambda idx: roc_auc(detect[idx], positive[idx]), detect.size)


def _ba_figure(name: str, detect: np.ndarray, positive: np.ndarray, threshold: float) -> Figure:
    return statistic_figure(
        name, lambda idx: balanced_accuracy(detect[idx], positive[idx], threshold), detect.size
    )


def _diff_figure(a: np.ndarray, b: np.ndarray, positive: np.ndarray, name: str) -> Figure:
    return statistic_figure(
        name, lambda idx: roc_auc(a[idx], positive[idx]) - roc_auc(b[idx], positive[idx]), a.size
    )


def diff_name(a: str, b: str) -> str:
    """Figure name of AUC(a) - AUC(b)."""
    return f"auc_diff.{a}-minus-{b}"


def _comparisons() -> list[tuple[str, str]]:
    pairs = [(REFERENCE, other) for other in METHODS if other != REFERENCE]
    steps = list(itertools.pairwise(CLAIMED_ORDER))
    return pairs + [step for step in steps if step not in pairs]


def figures(
    labels: Sequence[str], faithful: MethodScores, thresholds: Mapping[str, Threshold]
) -> dict[str, Figure]:
    """AUC (all, and per kind of unfaithful claim), balanced accuracy, paired AUC differences."""
    gold = np.array(labels)
    positive = gold != SUPPORTED
    detect = {name: 1.0 - faithful[name] for name in METHODS}
    found: list[Figure] = []
    for name in METHODS:
        found.append(_auc_figure(f"{name}.auc", detect[name], positive))
        for kind in _UNFAITHFUL_LABELS:
            keep = (gold == kind) | ~positive
            found.append(_auc_figure(f"{name}.auc_{kind}", detect[name][keep], positive[keep]))
        found.append(_ba_figure(f"{name}.balanced_accuracy", detect[name], positive, thresholds[name].value))
    for a, b in _comparisons():
        found.append(_diff_figure(detect[a], detect[b], positive, diff_name(a, b)))
    return {figure.name: figure for figure in found}


def verdict(found: Mapping[str, Figure]) -> str:
    """One line: does AUC order the methods as the claim says, and do the steps clear the CIs?"""
    aucs = [found[f"{name}.auc"].value for name in CLAIMED_ORDER]
    if any(np.isnan(aucs)):
        return "verdict: cannot be judged (an AUC is undefined: the items hold one class only)"
    ranking = " > ".join(CLAIMED_ORDER)
    shown = ", ".join(f"{name} {auc:.3f}" for name, auc in zip(CLAIMED_ORDER, aucs, strict=True))
    steps = [found[diff_name(a, b)] for a, b in itertools.pairwise(CLAIMED_ORDER)]
    broken = [
        f"{s.name.removeprefix('auc_diff.')} = {s.value:+.3f}, CI [{s.ci_low:+.3f}, {s.ci_high:+.3f}]"
        for s in steps
        if not s.value > 0
    ]
    if broken:
        return f"verdict: {ranking} by AUC does NOT hold (AUC {shown}; {', '.join(broken)})"
    unclear = [
        f"{s.name.removeprefix('auc_diff.')} CI [{s.ci_low:+.3f}, {s.ci_high:+.3f}]"
        for s in steps
        if not s.ci_low > 0
    ]
    if unclear:
        return (
            f"verdict: {ranking} by AUC holds on point estimates only (AUC {shown}); "
            f"paired 95 % CI includes 0: {', '.join(unclear)}"
        )
    return f"verdict: {ranking} by AUC holds (AUC {shown}); every step's paired 95 % CI is above 0"


def _ci(figure: Figure) -> str:
    return f"[{figure.ci_low:.4f}, {figure.ci_high:.4f}]"


def _methods_table(found: Mapping[str, Figure], thresholds: Mapping[str, Threshold]) -> Table:
    headers = (
        "method",
        "AUC",
        "AUC 95 % CI",
        "AUC unsupported",
        "AUC contradicted",
        "balanced acc.",
        "balanced acc. 95 % CI",
        "threshold (1 − faithful ≥)",
        "calibration balanced acc.",
    )
    rows = tuple(
        (
            name,
            f"{found[f'{name}.auc'].value:.4f}",
            _ci(found[f"{name}.auc"]),
            f"{found[f'{name}.auc_unsupported'].value:.4f}",
            f"{found[f'{name}.auc_contradicted'].value:.4f}",
            f"{found[f'{name}.balanced_accuracy'].value:.4f}",
            _ci(found[f"{name}.balanced_accuracy"]),
            f"{thresholds[name].value:.4f}",
            f"{thresholds[name].balanced_accuracy:.4f}",
        )
        for name in METHODS
    )
    return Table("Methods: detecting unfaithful claims", headers, rows)


def _diff_table(found: Mapping[str, Figure]) -> Table:
    rows = tuple(
        (f"{a} − {b}", f"{f.value:+.4f}", _ci(f), "yes" if f.ci_low > 0 or f.ci_high < 0 else "no")
        for a, b in _comparisons()
        for f in (found[diff_name(a, b)],)
    )
    return Table("Paired AUC differences", ("AUC(A) − AUC(B)", "Δ", "95 % CI", "CI excludes 0"), rows)


def _items_table(items: Sequence[ReviewSetItem], premise_counts: Mapping[str, float]) -> Table:
    counts = Counter((item.genre, item.label) for item in items)
    labels = tuple(FAITHFULNESS_LABELS.values())
    rows = tuple(
        (genre, *(str(counts[(genre, label)]) for label in labels))
        for genre in sorted({item.genre for item in items})
    )
    premises = ", ".join(f"{name} {count:.2f}" for name, count in premise_counts.items())
    return Table(f"Items by genre and label (premises per item: {premises})", ("genre", *labels), rows)


def _plots(
    labels: Sequence[str], faithful: MethodScores, found: Mapping[str, Figure]
) -> tuple[PlotSpec, ...]:
    groups = {
        name: {kind: found[f"{name}.auc{suffix}"].value for kind, suffix in _AUC_KINDS.items()}
        for name in METHODS
    }
    bars = PlotSpec(
        "bars", "auc_by_method.png", "AUC for unfaithful claims", {"groups": groups, "ylim": (0.0, 1.0)}
    )
    histograms = tuple(
        PlotSpec(
            "histogram",
            f"faithful_{name}.png",
            f"{name}: faithful score by gold label",
            {
                "series": {
                    label: [float(s) for s, g in zip(faithful[name], labels, strict=True) if g == label]
                    for label in FAITHFULNESS_LABELS.values()
                },
                "xlabel": "faithful score",
                "range": (0.0, 1.0),
            },
        )
        for name in METHODS
    )
    return (bars, *histograms)


_AUC_KINDS = {"all": "", "unsupported": "_unsupported", "contradicted": "_contradicted"}


def _misjudged(
    items: Sequence[ReviewSetItem], faithful: MethodScores, threshold: Threshold, count: int
) -> list[dict[str, Any]]:
    """Items the reference method gets wrong at its threshold, the most confident first."""
    detect = 1.0 - faithful[REFERENCE]
    wrong = [i for i, item in enumerate(items) if (detect[i] >= threshold.value) != item.unfaithful]
    wrong.sort(key=lambda i: -abs(detect[i] - threshold.value))
    return [
        {
            "id": items[i].id,
            "label": items[i].label,
            "claim": truncate(items[i].claim, 80),
            "source review": truncate(items[i].reviews[items[i].source_position], 80),
            **{name: float(faithful[name][i]) for name in METHODS},
        }
        for i in wrong[:count]
    ]


def _item_record(index: int, item: ReviewSetItem, faithful: MethodScores) -> dict[str, Any]:
    return {
        "id": item.id,
        "genre": item.genre,
        "label": item.label,
        "source_position": item.source_position,
        "faithful": {name: float(faithful[name][index]) for name in METHODS},
    }


def outcome(
    items: Sequence[ReviewSetItem],
    faithful: MethodScores,
    thresholds: Mapping[str, Threshold],
    *,
    failures: tuple[FailedItem, ...],
    model_id: str,
    premise_counts: Mapping[str, float],
    samples: int,
) -> TaskOutcome:
    """Everything a ``premise`` run reports."""
    labels = [item.label for item in items]
    found = figures(labels, faithful, thresholds)
    line = verdict(found)
    return TaskOutcome(
        task="premise",
        figures=tuple(found.values()),
        tables=(
            Table("Verdict", ("claim", "result"), (("nli-packed > nli-sentence > rouge1 by AUC", line),)),
            _methods_table(found, thresholds),
            _diff_table(found),
            _items_table(items, premise_counts),
        ),
        plots=_plots(labels, faithful, found),
        samples={f"Misjudged by {REFERENCE}": _misjudged(items, faithful, thresholds[REFERENCE], samples)},
        failures=failures,
        n_items=len(items),
        model_ids=(model_id,),
        details={
            "verdict": line,
            "thresholds": {
                name: {
                    "unfaithfulness_at_least": t.value,
                    "unfaithful_when_faithful_score_at_most": 1.0 - t.value,
                    "calibration_balanced_accuracy": t.balanced_accuracy,
                    "calibration_items": t.n,
                }
                for name, t in thresholds.items()
            },
            "premises_per_item": dict(premise_counts),
            "per_item": [_item_record(i, item, faithful) for i, item in enumerate(items)],
        },
    )
