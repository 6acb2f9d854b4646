"""Plumbing shared by the tasks: loading items, calling predictors, failures."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from eval.concurrency import run_bounded
from eval.data import HasId, choose_format
from eval.predictors import PredictorRequest, build_predictor, choose_source
from eval.progress import progress_bar
from eval.types import FailedItem

ItemT = TypeVar("ItemT", bound=HasId)
PredT = TypeVar("PredT")


@dataclass(frozen=True)
class PredictionSettings:
    """Where a task's predictions come from.

    Attributes:
        source: ``file``, ``inprocess`` or ``grpc`` (``None``: ``grpc`` when
            ``target`` is set, else ``file``).
        predictions: Predictions file for the ``file`` source (``None``: read
            them from the data file).
        target: ``host:port`` of a live service for the ``grpc`` source.
        concurrency: Maximum predictor calls in flight.
    """

    source: str | None = None
    predictions: Path | None = None
    target: str | None = None
    concurrency: int = 8

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise ValueError(f"concurrency must be >= 1, got {self.concurrency}")


def load_items(
    path: Path, fmt: str, formats: Mapping[str, Callable[[Path], list[ItemT]]], by_suffix: Mapping[str, str]
) -> list[ItemT]:
    """Read ``path`` with the loader for ``fmt`` (``auto``: chosen by suffix)."""
    return formats[choose_format(path, fmt, formats, by_suffix)](path)


@dataclass(frozen=True)
class Predictions:
    """Predictions for a task run.

    Attributes:
        by_id: Item id -> prediction, for items that got one.
        failures: Items that did not.
        model_ids: Models named in the predictions.
    """

    by_id: Mapping[str, Any]
    failures: tuple[FailedItem, ...]
    model_ids: tuple[str, ...]


def predict_all(
    items: Sequence[ItemT],
    settings: PredictionSettings,
    *,
    kind: str,
    service: str,
    data_path: Path,
) -> Predictions:
    """Build the configured predictor and run it over ``items`` with a progress bar."""
    request = PredictorRequest(kind, service, data_path, settings.predictions, settings.target)
    predictor = build_predictor(choose_source(settings.source, settings.target), request)
    with progress_bar(f"predict ({service})", len(items)) as advance:
        outcomes = run_bounded(predictor.predict, items, limit=settings.concurrency, on_done=advance)
    by_id = {item.id: o.value for item, o in zip(items, outcomes, strict=True) if o.ok}
    failures = tuple(
        FailedItem(item.id, "predict", o.error or "unknown error")
        for item, o in zip(items, outcomes, strict=True)
        if not o.ok
    )
    model_ids = predictor.model_ids() if hasattr(predictor, "model_ids") else ()
    return Predictions(by_id, failures, tuple(model_ids))


def score_each(
    items: Sequence[ItemT], score: Callable[[ItemT], PredT | None], description: str
) -> tuple[dict[str, PredT], list[FailedItem]]:
    """Apply ``score`` to each item, recording exceptions as failures.

    ``score`` returns ``None`` for items it skips on purpose (already failed).
    """
    results: dict[str, PredT] = {}
    failures: list[FailedItem] = []
    with progress_bar(description, len(items)) as advance:
        for item in items:
            try:
                value = score(item)
            except Exception as exc:
                failures.append(FailedItem(item.id, "score", f"{type(exc).__name__}: {exc}"))
            else:
                if value is not None:
                    results[item.id] = value
            advance()
    return results, failures


def truncate(text: str | None, limit: int = 160) -> str:
    """Shorten text for report samples."""
    if text is None:
        return ""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
