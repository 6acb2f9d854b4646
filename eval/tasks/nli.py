"""``nli``: accuracy, macro-F1 and confusion matrix of an EntailmentScorer."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from eval.bootstrap import mean_figure, statistic_figure
from eval.data import nli as nli_data
from eval.data.nli import NliItem
from eval.metrics import nli as metrics
from eval.progress import progress_bar
from eval.scorers import load_scorer, scorer_model_id
from eval.tasks.common import load_items, truncate
from eval.types import FailedItem, NliScoresLike, PlotSpec, Table, TaskOutcome

if TYPE_CHECKING:
    from searchlm.nli.types import EntailmentScorer


@dataclass(frozen=True)
class NliSettings:
    """Settings of an ``nli`` run.

    Attributes:
        data: KLUE-NLI JSON, KorNLI TSV or JSONL file.
        fmt: ``auto``, ``klue``, ``kornli`` or ``jsonl``.
        scorer: Registry name or ``module:attribute`` of the scorer.
        batch_size: Pairs per ``score`` call.
        samples: Number of misclassified cases shown in the report.
    """

    data: Path
    fmt: str = "auto"
    scorer: str = "default"
    batch_size: int = 32
    samples: int = 5

    def __post_init__(self) -> None:
        if self.batch_size < 1:
            raise ValueError(f"batch_size must be >= 1, got {self.batch_size}")


def _score_batch(scorer: EntailmentScorer, batch: Sequence[NliItem]) -> list[NliScoresLike]:
    results: list[NliScoresLike] = list(scorer.score([(item.premise, item.hypothesis) for item in batch]))
    if len(results) != len(batch):
        raise ValueError(f"scorer returned {len(results)} results for {len(batch)} pairs")
    return results


def score_items(
    scorer: EntailmentScorer, items: Sequence[NliItem], batch_size: int
) -> tuple[dict[str, NliScoresLike], list[FailedItem]]:
    """Score items in batches; a failing batch is retried item by item.

    The retry isolates the one pair that breaks the model so the rest of the
    batch is still measured and only that pair is reported as failed.
    """
    scores: dict[str, NliScoresLike] = {}
    failures: list[FailedItem] = []
    with progress_bar("nli", len(items)) as advance:
        for start in range(0, len(items), batch_size):
            batch = items[start : start + batch_size]
            try:
                scores.update(zip((i.id for i in batch), _score_batch(scorer, batch), strict=True))
            except Exception:
                for item in batch:
                    try:
                        scores[item.id] = _score_batch(scorer, [item])[0]
                    except Exception as exc:
                        failures.append(FailedItem(item.id, "score", f"{type(exc).__name__}: {exc}"))
            for _ in batch:
                advance()
    return scores, failures


def run(settings: NliSettings, scorer: EntailmentScorer | None = None) -> TaskOutcome:
    """Evaluate ``scorer`` (default: the one named in ``settings``) on the data."""
    items = load_items(settings.data, settings.fmt, nli_data.FORMATS, nli_data.SUFFIX_FORMATS)
    scorer = scorer if scorer is not None else load_scorer(settings.scorer)
    scores, failures = score_items(scorer, items, settings.batch_size)
    predicted = [metrics.predicted_label(scores[i.id]) if i.id in scores else None for i in items]
    gold = metrics.label_indices([i.gold for i in items])
    pred = metrics.label_indices(predicted)
    matrix = metrics.confusion_matrix(gold, pred)
    figures = (
        mean_figure("accuracy", (gold == pred).astype(float).tolist()),
        statistic_figure("macro_f1", lambda idx: metrics.macro_f1(gold[idx], pred[idx]), len(items)),
    )
    return TaskOutcome(
        task="nli",
        figures=figures,
        tables=(_confusion_table(matrix), _per_class_table(gold, pred), _per_source_table(items, gold, pred)),
        plots=_plots(items, scores, matrix),
        samples={"Misclassified": _errors(items, predicted, scores, settings.samples)},
        failures=tuple(failures),
        n_items=len(items),
        model_ids=(scorer_model_id(scorer, settings.scorer),),
        details={
            "labels": list(metrics.LABELS),
            "confusion_matrix": matrix.tolist(),
            "per_class_f1": dict(zip(metrics.LABELS, metrics.per_class_f1(gold, pred), strict=True)),
            "per_item": [_item_record(i, p, scores.get(i.id)) for i, p in zip(items, predicted, strict=True)],
        },
    )


def _item_record(item: NliItem, predicted: str | None, scores: NliScoresLike | None) -> dict[str, Any]:
    record: dict[str, Any] = {"id": item.id, "source": item.source, "gold": item.gold, "pred": predicted}
    if scores is not None:
        record.update(e=scores.entailment, n=scores.neutral, c=scores.contradiction)
    return record


def _confusion_table(matrix: np.ndarray) -> Table:
    headers = ("gold \\ predicted", *metrics.LABELS, "failed")
    rows = tuple(
        (label, *(str(v) for v in row)) for label, row in zip(metrics.LABELS, matrix.tolist(), strict=True)
    )
    return Table("Confusion matrix", headers, rows)


def _per_class_table(gold: np.ndarray, pred: np.ndarray) -> Table:
    f1 = metrics.per_class_f1(gold, pred)
    rows = tuple(
        (label, str(int(np.sum(gold == k))), str(int(np.sum(pred == k))), f"{f1[k]:.4f}")
        for k, label in enumerate(metrics.LABELS)
    )
    return Table("Per class", ("label", "gold count", "predicted count", "F1"), rows)


def _per_source_table(items: Sequence[NliItem], gold: np.ndarray, pred: np.ndarray) -> Table:
    correct: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for item, ok in zip(items, (gold == pred).tolist(), strict=True):
        total[item.source] += 1
        correct[item.source] += int(ok)
    rows = tuple((src, str(total[src]), f"{correct[src] / total[src]:.4f}") for src in sorted(total))
    return Table("Accuracy by source", ("source", "items", "accuracy"), rows)


def _plots(
    items: Sequence[NliItem], scores: dict[str, NliScoresLike], matrix: np.ndarray
) -> tuple[PlotSpec, ...]:
    by_gold = {
        label: [scores[i.id].entailment for i in items if i.gold == label and i.id in scores]
        for label in metrics.LABELS
    }
    return (
        PlotSpec(
            "heatmap",
            "confusion_matrix.png",
            "NLI confusion matrix",
            {
                "matrix": matrix.tolist(),
                "rows": list(metrics.LABELS),
                "columns": [*metrics.LABELS, "failed"],
                "xlabel": "predicted",
                "ylabel": "gold",
            },
        ),
        PlotSpec(
            "histogram",
            "entailment_by_gold.png",
            "Entailment probability by gold label",
            {"series": by_gold, "xlabel": "P(entailment)", "range": (0.0, 1.0)},
        ),
    )


def _errors(
    items: Sequence[NliItem], predicted: Sequence[str | None], scores: dict[str, NliScoresLike], count: int
) -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for item, label in zip(items, predicted, strict=True):
        if label is not None and label != item.gold and len(cases) < count:
            s = scores[item.id]
            cases.append(
                {
                    "id": item.id,
                    "gold": item.gold,
                    "pred": label,
                    "scores (e/n/c)": f"{s.entailment:.2f}/{s.neutral:.2f}/{s.contradiction:.2f}",
                    "premise": truncate(item.premise, 100),
                    "hypothesis": truncate(item.hypothesis, 100),
                }
            )
    return cases
