"""``qa``: KorQuAD EM/F1, retrieval recall@k, abstention and yes/no accuracy.

EM and F1 are computed over ``extractive`` items; a missing prediction or an
abstention scores 0 there, as unanswered questions do in KorQuAD's official
script. ``yes_no`` items are scored by polarity instead, and ``unanswerable``
items by whether the system abstained.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.bootstrap import mean_figure
from eval.data import qa as qa_data
from eval.data.qa import QaItem
from eval.metrics import qa as metrics
from eval.predictors.types import QaPrediction
from eval.tasks.common import PredictionSettings, load_items, predict_all, truncate
from eval.types import Figure, PlotSpec, Table, TaskOutcome

SERVICE = "free_qa"


@dataclass(frozen=True)
class QaSettings:
    """Settings of a ``qa`` run.

    Attributes:
        data: KorQuAD/SQuAD JSON or QA JSONL.
        fmt: ``auto``, ``squad`` or ``jsonl``.
        ks: Cut-offs for retrieval recall@k.
        prediction: Where answers come from.
        samples: Number of wrong answers shown in the report.
    """

    data: Path
    fmt: str = "auto"
    ks: tuple[int, ...] = (1, 5, 10)
    prediction: PredictionSettings = field(default_factory=PredictionSettings)
    samples: int = 5

    def __post_init__(self) -> None:
        if not self.ks or min(self.ks) < 1:
            raise ValueError(f"ks must be positive integers, got {self.ks}")


def _answered(prediction: QaPrediction | None) -> str | None:
    if prediction is None or prediction.abstained or prediction.answer is None:
        return None
    return prediction.answer


def score_item(item: QaItem, prediction: QaPrediction | None, ks: Sequence[int]) -> dict[str, Any]:
    """Per-item scores; keys absent when a metric does not apply to the item."""
    answer = _answered(prediction)
    record: dict[str, Any] = {"id": item.id, "type": item.answer_type, "answer": answer}
    record["abstained"] = prediction is not None and answer is None
    if answer is not None and prediction is not None and prediction.confidence is not None:
        record["confidence"] = prediction.confidence
    if item.answer_type == "extractive":
        record["em"] = metrics.best_exact_match(answer, item.answers) if answer is not None else 0.0
        record["f1"] = metrics.best_char_f1(answer, item.answers) if answer is not None else 0.0
    elif item.answer_type == "yes_no":
        gold = metrics.yes_no_polarity(item.answers[0])
        record["yes_no"] = float(answer is not None and metrics.yes_no_polarity(answer) == gold)
    retrieved = prediction.retrieved_ids if prediction is not None else None
    if item.gold_passage_ids and retrieved is not None:
        for k in ks:
            record[f"recall@{k}"] = metrics.recall_at_k(retrieved, item.gold_passage_ids, k)
    return record


def run(settings: QaSettings) -> TaskOutcome:
    """Score every question; missing predictions are failures that score 0."""
    items = load_items(settings.data, settings.fmt, qa_data.FORMATS, qa_data.SUFFIX_FORMATS)
    predictions = predict_all(items, settings.prediction, kind="qa", service=SERVICE, data_path=settings.data)
    records = [score_item(item, predictions.by_id.get(item.id), settings.ks) for item in items]
    return TaskOutcome(
        task="qa",
        figures=_figures(records, predictions.by_id, settings.ks),
        tables=(_by_type_table(records), *_coverage_table(records)),
        plots=_plots(records, settings.ks),
        samples={"Wrong answers": _wrong(items, records, settings.samples)},
        failures=predictions.failures,
        n_items=len(items),
        model_ids=predictions.model_ids,
        details={"passage_id_convention": "<title>#<paragraph index>", "per_item": records},
    )


def _column(records: Sequence[Mapping[str, Any]], key: str) -> list[float]:
    return [float(r[key]) for r in records if key in r]


def _figures(
    records: Sequence[dict[str, Any]], by_id: Mapping[str, Any], ks: Sequence[int]
) -> tuple[Figure, ...]:
    predicted = [r for r in records if r["id"] in by_id]
    unanswerable = [r for r in predicted if r["type"] == "unanswerable"]
    figures = [
        mean_figure("exact_match", _column(records, "em")),
        mean_figure("f1", _column(records, "f1")),
        *(mean_figure(f"recall@{k}", _column(records, f"recall@{k}")) for k in ks),
        mean_figure("abstention_rate", [float(r["abstained"]) for r in predicted]),
        mean_figure("yes_no_accuracy", _column(records, "yes_no")),
        mean_figure("unanswerable_abstention", [float(r["abstained"]) for r in unanswerable]),
    ]
    # Figures with no eligible item (e.g. no yes/no questions) would only show "n/a".
    return tuple(f for f in figures if f.n > 0 or f.name in ("exact_match", "f1"))


def _by_type_table(records: Sequence[dict[str, Any]]) -> Table:
    rows = []
    for answer_type in qa_data.ANSWER_TYPES:
        subset = [r for r in records if r["type"] == answer_type]
        if subset:
            em, f1, yn = (_column(subset, k) for k in ("em", "f1", "yes_no"))
            cells = (_mean(em), _mean(f1), _mean(yn), _mean([float(r["abstained"]) for r in subset]))
            rows.append((answer_type, str(len(subset)), *cells))
    return Table("By answer type", ("type", "items", "EM", "F1", "yes/no acc.", "abstained"), tuple(rows))


#: Confidence thresholds of the coverage-vs-accuracy table.
COVERAGE_THRESHOLDS = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


def coverage_rows(records: Sequence[Mapping[str, Any]]) -> list[tuple[float, float, float, float]]:
    """Per threshold on extractive items: (threshold, answer rate, EM answered, F1 answered).

    An item counts as answered at a threshold when the system answered it with a reported
    confidence at or above it (what a caller abstaining below that threshold would serve).
    """
    extractive = [r for r in records if r["type"] == "extractive"]
    rows = []
    for t in COVERAGE_THRESHOLDS:
        kept = [r for r in extractive if r.get("confidence") is not None and r["confidence"] >= t]
        n = len(kept)
        em = sum(r["em"] for r in kept) / n if n else 0.0
        f1 = sum(r["f1"] for r in kept) / n if n else 0.0
        rows.append((t, n / len(extractive) if extractive else 0.0, em, f1))
    return rows


def _coverage_table(records: Sequence[Mapping[str, Any]]) -> tuple[Table, ...]:
    """Answer rate against EM as the confidence threshold rises (none without confidences)."""
    if not any("confidence" in r for r in records):
        return ()
    rows = tuple(
        (f"{t:.1f}", f"{rate:.4f}", f"{em:.4f}", f"{f1:.4f}") for t, rate, em, f1 in coverage_rows(records)
    )
    headers = ("min confidence", "answer rate", "EM answered", "F1 answered")
    return (Table("Coverage vs accuracy", headers, rows),)


def _mean(values: Sequence[float]) -> str:
    return f"{sum(values) / len(values):.4f}" if values else "-"


def _plots(records: Sequence[dict[str, Any]], ks: Sequence[int]) -> tuple[PlotSpec, ...]:
    plots = [
        PlotSpec(
            "histogram",
            "f1_distribution.png",
            "Per-question character F1",
            {"series": {"f1": _column(records, "f1")}, "xlabel": "F1", "range": (0.0, 1.0)},
        ),
    ]
    recalls = {k: _column(records, f"recall@{k}") for k in ks}
    if any(recalls.values()):
        points = [(float(k), sum(v) / len(v)) for k, v in recalls.items() if v]
        plots.append(
            PlotSpec(
                "line",
                "recall_at_k.png",
                "Retrieval recall@k",
                {"series": {"recall": points}, "xlabel": "k", "ylabel": "recall"},
            )
        )
    return tuple(plots)


def _wrong(items: Sequence[QaItem], records: Sequence[dict[str, Any]], count: int) -> list[dict[str, Any]]:
    pairs = [(i, r) for i, r in zip(items, records, strict=True) if r.get("em", 1.0) < 1.0]
    pairs.sort(key=lambda pair: pair[1]["f1"])
    return [
        {
            "id": i.id,
            "em": r["em"],
            "f1": round(r["f1"], 3),
            "question": truncate(i.question, 80),
            "prediction": truncate(r["answer"], 60) if r["answer"] is not None else "(none)",
            "gold": truncate(" | ".join(i.answers), 60),
        }
        for i, r in pairs[:count]
    ]
