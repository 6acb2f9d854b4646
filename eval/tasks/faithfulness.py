"""``faithfulness``: are summary claims supported by the source reviews?"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from eval.bootstrap import mean_figure, ratio_figure
from eval.data import summaries
from eval.data.summaries import SummaryItem
from eval.errors import InputFormatError
from eval.metrics.faithfulness import ClaimCheckSettings, ClaimVerdict, verify_summary
from eval.predictors.types import SummaryPrediction
from eval.scorers import load_scorer, scorer_model_id
from eval.tasks.common import PredictionSettings, load_items, predict_all, score_each, truncate
from eval.text import sentence_splitter
from eval.types import FailedItem, PlotSpec, Table, TaskOutcome

if TYPE_CHECKING:
    from searchlm.nli.types import EntailmentScorer

SERVICE = "review_summary"
_SUPPORT_BUCKETS = ("0", "1", "2", "3+")


@dataclass(frozen=True)
class FaithfulnessSettings:
    """Settings of a ``faithfulness`` run.

    Attributes:
        data: JSONL ``{id, reviews, summary?}``.
        fmt: ``auto`` or ``jsonl``.
        scorer: Registry name or ``module:attribute`` of the EntailmentScorer.
        lang: Sentence splitter for claims and premises (``ko``: Kiwi).
        check: Thresholds and premise chunking.
        prediction: Where summaries come from (default: ``summary`` in ``data``).
        samples: Number of unsupported claims shown in the report.
    """

    data: Path
    fmt: str = "auto"
    scorer: str = "default"
    lang: str = "ko"
    check: ClaimCheckSettings = field(default_factory=ClaimCheckSettings)
    prediction: PredictionSettings = field(default_factory=PredictionSettings)
    samples: int = 5


def _check_reviews(path: Path, items: Sequence[SummaryItem]) -> None:
    for item in items:
        if not item.reviews:
            raise InputFormatError(path, f"item {item.id!r} has no 'reviews'", line=item.line)


def run(settings: FaithfulnessSettings, scorer: EntailmentScorer | None = None) -> TaskOutcome:
    """Check every summary; summaries without claims or predictions are failures."""
    items = load_items(settings.data, settings.fmt, summaries.FORMATS, summaries.SUFFIX_FORMATS)
    _check_reviews(settings.data, items)
    predictions = predict_all(
        items, settings.prediction, kind="summary", service=SERVICE, data_path=settings.data
    )
    scorer = scorer if scorer is not None else load_scorer(settings.scorer)
    split = sentence_splitter(settings.lang)

    def check(item: SummaryItem) -> list[ClaimVerdict] | None:
        prediction: SummaryPrediction | None = predictions.by_id.get(item.id)
        if prediction is None:
            return None
        return verify_summary(prediction.summary, item.reviews, scorer, split=split, settings=settings.check)

    verdicts, failures = score_each(items, check, "faithfulness")
    failures += [
        FailedItem(i, "claims", "summary has no sentences to check") for i, v in verdicts.items() if not v
    ]
    return TaskOutcome(
        task="faithfulness",
        figures=_figures(items, verdicts),
        tables=(_support_table(verdicts),),
        plots=_plots(verdicts),
        samples={"Unsupported claims": _unsupported(verdicts, settings.samples)},
        failures=predictions.failures + tuple(failures),
        n_items=len(items),
        model_ids=(*predictions.model_ids, scorer_model_id(scorer, settings.scorer)),
        details={"per_item": [_item_record(i.id, verdicts.get(i.id)) for i in items]},
    )


def _figures(items: Sequence[SummaryItem], verdicts: Mapping[str, list[ClaimVerdict]]) -> tuple[Any, ...]:
    checked = [v for v in (verdicts.get(i.id) for i in items) if v]
    passed = [sum(c.passed for c in v) for v in checked]
    claims = [len(v) for v in checked]
    support = [sum(c.supporting_reviews for c in v) for v in checked]
    # Unchecked summaries (no prediction, scorer error, no claims) count as failing.
    all_passed = [float(_all_passed(verdicts.get(i.id))) for i in items]
    return (
        ratio_figure("claim_pass_rate", passed, claims),
        mean_figure("summary_pass_rate", all_passed),
        ratio_figure("mean_supporting_reviews", support, claims),
    )


def _all_passed(verdicts: list[ClaimVerdict] | None) -> bool:
    return bool(verdicts) and all(c.passed for c in verdicts or [])


def _bucket(count: int) -> str:
    return _SUPPORT_BUCKETS[min(count, len(_SUPPORT_BUCKETS) - 1)]


def _support_counts(verdicts: Mapping[str, list[ClaimVerdict]]) -> Counter[str]:
    return Counter(_bucket(c.supporting_reviews) for v in verdicts.values() for c in v)


def _support_table(verdicts: Mapping[str, list[ClaimVerdict]]) -> Table:
    counts = _support_counts(verdicts)
    total = sum(counts.values()) or 1
    rows = tuple((b, str(counts[b]), f"{counts[b] / total:.4f}") for b in _SUPPORT_BUCKETS)
    return Table("Claims by number of supporting reviews", ("supporting reviews", "claims", "share"), rows)


def _plots(verdicts: Mapping[str, list[ClaimVerdict]]) -> tuple[PlotSpec, ...]:
    entailment = [c.entailment for v in verdicts.values() for c in v]
    counts = _support_counts(verdicts)
    return (
        PlotSpec(
            "histogram",
            "claim_entailment.png",
            "Best entailment per claim",
            {"series": {"claims": entailment}, "xlabel": "max P(entailment)", "range": (0.0, 1.0)},
        ),
        PlotSpec(
            "bars",
            "claim_support.png",
            "Claims by number of supporting reviews",
            {"groups": {b: {"claims": float(counts[b])} for b in _SUPPORT_BUCKETS}, "ylabel": "claims"},
        ),
    )


def _item_record(item_id: str, verdicts: list[ClaimVerdict] | None) -> dict[str, Any]:
    claims = [
        {
            "claim": c.claim,
            "entailment": c.entailment,
            "contradiction": c.contradiction,
            "supporting_reviews": c.supporting_reviews,
            "passed": c.passed,
        }
        for c in verdicts or []
    ]
    return {"id": item_id, "checked": verdicts is not None, "claims": claims}


def _unsupported(verdicts: Mapping[str, list[ClaimVerdict]], count: int) -> list[dict[str, Any]]:
    failing = [(item_id, c) for item_id, v in verdicts.items() for c in v if not c.passed]
    failing.sort(key=lambda pair: pair[1].entailment)
    return [
        {
            "id": item_id,
            "claim": truncate(c.claim, 100),
            "entailment": round(c.entailment, 3),
            "contradiction": round(c.contradiction, 3),
            "best premise": truncate(c.best_premise, 100),
        }
        for item_id, c in failing[:count]
    ]
