"""The ``file`` predictor source: predictions read from JSONL (or KorQuAD JSON)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from eval.data import HasId
from eval.errors import EvalError, InputFormatError
from eval.predictors import PredictorRequest
from eval.predictors.parsers import MAPPING_FIELDS, PARSERS
from eval.readers import Record, load_json, read_jsonl


class MissingPredictionError(LookupError):
    """The predictions file has no entry for an item (a per-item failure)."""


class FilePredictor:
    """Serves predictions loaded from a file, by item id.

    Args:
        predictions: Item id -> prediction object.
        path: The file they came from (for messages).
    """

    def __init__(self, predictions: Mapping[str, Any], path: Path) -> None:
        self._predictions = dict(predictions)
        self.path = path

    async def predict(self, item: HasId) -> Any:
        """Return the stored prediction for ``item``.

        Raises:
            MissingPredictionError: No prediction has this item's id.
        """
        try:
            return self._predictions[item.id]
        except KeyError:
            raise MissingPredictionError(f"no prediction for id {item.id!r} in {self.path}") from None

    def model_ids(self) -> tuple[str, ...]:
        """Distinct ``model`` values found in the file."""
        models = {getattr(p, "model", None) for p in self._predictions.values()}
        return tuple(sorted(m for m in models if m))

    def ids(self) -> frozenset[str]:
        """Ids that have a prediction."""
        return frozenset(self._predictions)


def _records(path: Path, kind: str) -> Iterator[Record]:
    if path.suffix.lower() != ".json":
        yield from read_jsonl(path)
        return
    document = load_json(path)
    if not isinstance(document, dict) or "data" in document:
        raise InputFormatError(path, 'a .json predictions file must be an object {"<id>": <prediction>}')
    for key, value in document.items():
        yield Record(path, None, {"id": key, MAPPING_FIELDS[kind]: value}, location=f"key {key!r}")


def load_predictions(path: Path, kind: str, *, embedded: bool = False) -> dict[str, Any]:
    """Parse every record of ``path`` into ``{id: prediction}``.

    Args:
        path: JSONL (or, for ``qa``, KorQuAD's ``{id: answer}`` JSON).
        kind: ``summary``, ``qa`` or ``rewrite``.
        embedded: ``path`` is the data file; lines without the prediction
            field are items without a prediction, not format errors.
    """
    parse, field = PARSERS[kind], MAPPING_FIELDS[kind]
    predictions: dict[str, Any] = {}
    for record in _records(path, kind):
        if embedded and field not in record.data and f"{field}s" not in record.data:
            continue
        item_id = record.ident()
        if item_id in predictions:
            raise record.error(f"duplicate prediction for id {item_id!r}")
        predictions[item_id] = parse(record)
    return predictions


def build_file_predictor(request: PredictorRequest) -> FilePredictor:
    """Source factory registered as ``file``."""
    path = request.predictions_path
    if path is None:
        if request.data_path.suffix.lower() != ".jsonl":
            raise EvalError(f"--predictions is required: {request.data_path} is not JSONL")
        return FilePredictor(
            load_predictions(request.data_path, request.kind, embedded=True), request.data_path
        )
    return FilePredictor(load_predictions(path, request.kind), path)
