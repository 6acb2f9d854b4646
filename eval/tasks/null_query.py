"""``null-query``: recovery of noisy queries and rewrites that should not happen.

* ``top1_recovery`` / ``top3_recovery``: over noisy queries (gold != query),
  the gold query is the first / among the first three rewrites. A noisy query
  without a prediction counts as not recovered.
* ``false_rewrite_rate``: over clean queries, a rewrite was proposed.
* ``wrong_rewrite_rate``: over rewrites proposed for noisy queries, the top
  rewrite is not the gold query.
* ``bad_rewrite_share``: of all proposed rewrites, the share that is either
  unnecessary or wrong: what a user shown "did you mean" would find unhelpful.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from eval.bootstrap import mean_figure
from eval.data import null_query as nq_data
from eval.data.null_query import NullQueryItem
from eval.metrics.null_query import RewriteJudgement, judge_rewrites
from eval.predictors.types import RewritePrediction
from eval.tasks.common import PredictionSettings, load_items, predict_all, truncate
from eval.types import Figure, PlotSpec, Table, TaskOutcome

SERVICE = "null_query"
_NOT_RECOVERED = RewriteJudgement(needs_rewrite=True, proposed=False, rank=None)


@dataclass(frozen=True)
class NullQuerySettings:
    """Settings of a ``null-query`` run.

    Attributes:
        data: Null-query JSONL or Kiwi spacing benchmark text.
        fmt: ``auto``, ``jsonl`` or ``kiwi-space``.
        prediction: Where rewrites come from.
        samples: Number of cases of each kind shown in the report.
    """

    data: Path
    fmt: str = "auto"
    prediction: PredictionSettings = field(default_factory=PredictionSettings)
    samples: int = 5


def _judge(item: NullQueryItem, prediction: RewritePrediction | None) -> RewriteJudgement | None:
    if prediction is None:
        # Unjudgeable clean items are left out; noisy ones count as misses.
        return _NOT_RECOVERED if item.query != item.gold else None
    return judge_rewrites(item.query, item.gold, prediction.rewrites)


def run(settings: NullQuerySettings) -> TaskOutcome:
    """Judge every item's ranked rewrites against its gold query."""
    items = load_items(settings.data, settings.fmt, nq_data.FORMATS, nq_data.SUFFIX_FORMATS)
    predictions = predict_all(
        items, settings.prediction, kind="rewrite", service=SERVICE, data_path=settings.data
    )
    judged = [(item, j) for item in items if (j := _judge(item, predictions.by_id.get(item.id)))]
    by_type = _by_noise_type(judged)
    return TaskOutcome(
        task="null_query",
        figures=_figures([j for _, j in judged]),
        tables=(_noise_table(by_type),),
        plots=(_recovery_plot(by_type),),
        samples=_samples(judged, predictions.by_id, settings.samples),
        failures=predictions.failures,
        n_items=len(items),
        model_ids=predictions.model_ids,
        details={
            "by_noise_type": {t: _type_summary(js) for t, js in by_type.items()},
            "per_item": [_record(i, j) for i, j in judged],
        },
    )


def _figures(judgements: Sequence[RewriteJudgement]) -> tuple[Figure, ...]:
    noisy = [j for j in judgements if j.needs_rewrite]
    clean = [j for j in judgements if not j.needs_rewrite]
    proposed_noisy = [j for j in noisy if j.proposed]
    proposed = [j for j in judgements if j.proposed]
    return (
        mean_figure("top1_recovery", [float(j.top1) for j in noisy]),
        mean_figure("top3_recovery", [float(j.top3) for j in noisy]),
        mean_figure("false_rewrite_rate", [float(j.false_rewrite) for j in clean]),
        mean_figure("wrong_rewrite_rate", [float(j.wrong_rewrite) for j in proposed_noisy]),
        mean_figure("bad_rewrite_share", [float(j.false_rewrite or j.wrong_rewrite) for j in proposed]),
    )


def _by_noise_type(
    judged: Sequence[tuple[NullQueryItem, RewriteJudgement]],
) -> dict[str, list[RewriteJudgement]]:
    groups: dict[str, list[RewriteJudgement]] = {}
    for item, judgement in judged:
        groups.setdefault(item.noise_type, []).append(judgement)
    return dict(sorted(groups.items()))


def _rate(values: Sequence[bool]) -> float | None:
    return sum(values) / len(values) if values else None


def _type_summary(judgements: Sequence[RewriteJudgement]) -> dict[str, Any]:
    noisy = [j for j in judgements if j.needs_rewrite]
    return {
        "items": len(judgements),
        "top1": _rate([j.top1 for j in noisy]),
        "top3": _rate([j.top3 for j in noisy]),
        "rewritten": _rate([j.proposed for j in judgements]),
        "false_rewrite": _rate([j.false_rewrite for j in judgements if not j.needs_rewrite]),
    }


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def _noise_table(by_type: Mapping[str, list[RewriteJudgement]]) -> Table:
    rows = []
    for noise_type, judgements in by_type.items():
        s = _type_summary(judgements)
        rows.append(
            (
                noise_type,
                str(s["items"]),
                *(_cell(s[k]) for k in ("top1", "top3", "rewritten", "false_rewrite")),
            )
        )
    headers = ("noise type", "items", "top-1", "top-3", "rewritten", "false rewrite")
    return Table("Recovery by noise type", headers, tuple(rows))


def _recovery_plot(by_type: Mapping[str, list[RewriteJudgement]]) -> PlotSpec:
    groups = {}
    for noise_type, judgements in by_type.items():
        s = _type_summary(judgements)
        if s["top1"] is not None:
            groups[noise_type] = {"top-1": s["top1"], "top-3": s["top3"]}
    return PlotSpec(
        "bars",
        "recovery_by_noise_type.png",
        "Recovery by noise type",
        {"groups": groups, "ylabel": "recovery", "ylim": (0.0, 1.0)},
    )


def _record(item: NullQueryItem, j: RewriteJudgement) -> dict[str, Any]:
    return {
        "id": item.id,
        "noise_type": item.noise_type,
        "needs_rewrite": j.needs_rewrite,
        "proposed": j.proposed,
        "rank": j.rank,
    }


def _samples(
    judged: Sequence[tuple[NullQueryItem, RewriteJudgement]],
    by_id: Mapping[str, RewritePrediction],
    count: int,
) -> dict[str, list[dict[str, Any]]]:
    def case(item: NullQueryItem) -> dict[str, Any]:
        rewrites = by_id[item.id].rewrites if item.id in by_id else ()
        return {
            "id": item.id,
            "noise": item.noise_type,
            "query": truncate(item.query, 60),
            "gold": truncate(item.gold, 60),
            "rewrites": truncate(" | ".join(rewrites[:3]), 90) or "(none)",
        }

    missed = [i for i, j in judged if j.needs_rewrite and not j.top1]
    false = [i for i, j in judged if j.false_rewrite]
    return {
        "Not recovered (top-1)": [case(i) for i in missed[:count]],
        "False rewrites": [case(i) for i in false[:count]],
    }
