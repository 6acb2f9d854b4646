"""``rouge``: review summaries against human references (ROUGE-1/2/L/Lsum F)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.bootstrap import mean_figure
from eval.data import summaries
from eval.data.summaries import SummaryItem
from eval.errors import InputFormatError
from eval.metrics.rouge import ROUGE_TYPES, RougeMetric
from eval.predictors.types import SummaryPrediction
from eval.tasks.common import PredictionSettings, load_items, predict_all, score_each, truncate
from eval.types import PlotSpec, TaskOutcome

SERVICE = "review_summary"


@dataclass(frozen=True)
class RougeSettings:
    """Settings of a ``rouge`` run.

    Attributes:
        data: Summary JSONL (or FewSum TSV) with ``references``.
        fmt: ``auto``, ``jsonl`` or ``fewsum``.
        lang: ``ko`` (Kiwi morphemes) or ``en`` (rouge-score tokenizer).
        use_stemmer: Porter stemming (English only).
        prediction: Where summaries come from.
        samples: Number of best and worst cases shown in the report.
    """

    data: Path
    fmt: str = "auto"
    lang: str = "ko"
    use_stemmer: bool = False
    prediction: PredictionSettings = field(default_factory=PredictionSettings)
    samples: int = 3


def _check_references(path: Path, items: list[SummaryItem]) -> None:
    for item in items:
        if not item.references:
            raise InputFormatError(path, f"item {item.id!r} has no 'references'", line=item.line)


def run(settings: RougeSettings) -> TaskOutcome:
    """Score every item's summary; items without one count 0 and are listed as failed."""
    items = load_items(settings.data, settings.fmt, summaries.FORMATS, summaries.SUFFIX_FORMATS)
    _check_references(settings.data, items)
    predictions = predict_all(
        items, settings.prediction, kind="summary", service=SERVICE, data_path=settings.data
    )
    metric = RougeMetric(lang=settings.lang, use_stemmer=settings.use_stemmer)

    def score(item: SummaryItem) -> dict[str, float] | None:
        prediction: SummaryPrediction | None = predictions.by_id.get(item.id)
        return None if prediction is None else metric.score(prediction.summary, item.references)

    scored, score_failures = score_each(items, score, "rouge")
    zero = dict.fromkeys(ROUGE_TYPES, 0.0)
    # Items without a score count 0, so a system cannot gain by failing.
    item_scores = [scored.get(item.id, zero) for item in items]
    per_item = [
        {"id": item.id, **s, "failed": item.id not in scored}
        for item, s in zip(items, item_scores, strict=True)
    ]
    return TaskOutcome(
        task="rouge",
        figures=tuple(mean_figure(name, [s[name] for s in item_scores]) for name in ROUGE_TYPES),
        plots=(_distribution_plot(per_item),),
        samples=_samples(items, predictions.by_id, scored, settings.samples),
        failures=predictions.failures + tuple(score_failures),
        n_items=len(items),
        model_ids=predictions.model_ids,
        details={"lang": settings.lang, "per_item": per_item},
    )


def _distribution_plot(per_item: list[dict[str, Any]]) -> PlotSpec:
    series = {name: [float(row[name]) for row in per_item] for name in ROUGE_TYPES}
    return PlotSpec(
        "histogram",
        "rouge_distribution.png",
        "Per-item ROUGE F-measure",
        {"series": series, "xlabel": "F-measure", "range": (0.0, 1.0)},
    )


def _samples(
    items: list[SummaryItem],
    by_id: Mapping[str, SummaryPrediction],
    scored: dict[str, dict[str, float]],
    count: int,
) -> dict[str, list[dict[str, Any]]]:
    ranked = sorted((i for i in items if i.id in scored), key=lambda i: scored[i.id]["rougeL"])

    def case(item: SummaryItem) -> dict[str, Any]:
        return {
            "id": item.id,
            "rougeL": round(scored[item.id]["rougeL"], 4),
            "summary": truncate(by_id[item.id].summary),
            "reference": truncate(item.references[0]),
        }

    lowest = ranked[:count]
    # With few items the two lists would overlap; show each case once.
    highest = [i for i in reversed(ranked[-count:]) if i not in lowest] if count else []
    return {"Lowest ROUGE-L": [case(i) for i in lowest], "Highest ROUGE-L": [case(i) for i in highest]}
