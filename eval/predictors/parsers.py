"""Turn one predictions-file record into a task's prediction object.

Predictions files are JSONL with an ``id`` per line and the task's fields:

* summary: ``{"id", "summary", "model"?}``
* qa: ``{"id", "answer", "retrieved_ids"?, "abstained"?, "model"?}``; a
  KorQuAD-style JSON object ``{"<id>": "<answer>", ...}`` is accepted too.
* rewrite: ``{"id", "rewrites": [...], "model"?}`` or ``{"id", "rewrite": str|null}``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from eval.predictors.types import QaPrediction, RewritePrediction, SummaryPrediction
from eval.readers import Record


def parse_summary(record: Record) -> SummaryPrediction:
    """Read ``summary`` (and ``model``)."""
    return SummaryPrediction(record.text("summary"), record.optional_text("model"))


def parse_qa(record: Record) -> QaPrediction:
    """Read ``answer``, ``retrieved_ids``, ``abstained`` (and ``model``, ``confidence``)."""
    answer = record.optional_text("answer")
    retrieved = record.data.get("retrieved_ids")
    confidence = record.data.get("confidence")
    return QaPrediction(
        answer=answer,
        retrieved_ids=None if retrieved is None else record.text_list("retrieved_ids"),
        abstained=record.flag("abstained") or answer is None,
        model=record.optional_text("model"),
        confidence=float(confidence) if isinstance(confidence, int | float) else None,
    )


def parse_rewrite(record: Record) -> RewritePrediction:
    """Read ``rewrites`` (a ranked list) or a single ``rewrite`` (and ``model``)."""
    if "rewrites" in record.data:
        rewrites = record.text_list("rewrites")
    else:
        single = record.optional_text("rewrite")
        rewrites = () if single is None else (single,)
    return RewritePrediction(rewrites, record.optional_text("model"))


#: Field a bare ``{"<id>": value}`` JSON object maps its values to, per kind.
MAPPING_FIELDS = {"summary": "summary", "qa": "answer", "rewrite": "rewrite"}

PARSERS: dict[str, Callable[[Record], Any]] = {
    "summary": parse_summary,
    "qa": parse_qa,
    "rewrite": parse_rewrite,
}
