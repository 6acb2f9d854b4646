"""Where predictions come from: a registry of sources, imported only when chosen.

* ``file``: a predictions JSONL (or the data file itself).
* ``inprocess``: the service's pipeline in this process, through its offline adapter
  (``services.<service>.offline``); settings from its ``SEARCHLM_<SERVICE>_*`` variables.
* ``grpc``: a live service at ``--target host:port``, through its gRPC client.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

PREDICTOR_SOURCES: dict[str, str] = {
    "file": "eval.predictors.file:build_file_predictor",
    "inprocess": "eval.predictors.live:build_inprocess_predictor",
    "grpc": "eval.predictors.live:build_grpc_predictor",
}


@dataclass(frozen=True)
class PredictorRequest:
    """What a source needs to build a predictor for one task run.

    Attributes:
        kind: Prediction kind: ``summary``, ``qa`` or ``rewrite``.
        service: The searchlm service that produces it (for messages).
        data_path: The evaluation data file.
        predictions_path: Predictions file (``file`` source; ``None`` reads the
            predictions from the data file itself).
        target: ``host:port`` of a live service (``grpc`` source).
    """

    kind: str
    service: str
    data_path: Path
    predictions_path: Path | None = None
    target: str | None = None


def choose_source(source: str | None, target: str | None) -> str:
    """Default to ``grpc`` when a target is given, else ``file``."""
    if source:
        return source
    return "grpc" if target else "file"


def build_predictor(source: str, request: PredictorRequest) -> Any:
    """Build the predictor for ``request`` from the named source.

    Raises:
        searchlm.registry.RegistryError: Unknown source.
        PredictorUnavailableError: A live source cannot serve this kind, or has no target.
        InputFormatError: A predictions file is malformed.
    """
    from searchlm.registry import load  # eval imports searchlm only when it runs

    factory = load(source, PREDICTOR_SOURCES, kind="prediction source")
    return factory(request)
