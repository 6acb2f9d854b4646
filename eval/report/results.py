"""``results.json``: every figure, the configuration, provenance and failures."""

from __future__ import annotations

import dataclasses
import json
import math
import platform
import subprocess
from collections.abc import Mapping, Sequence
from datetime import datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from eval.errors import RunFolderError
from eval.readers import sha256_file
from eval.types import FailedItem, Figure, TaskOutcome

SCHEMA_VERSION = 1
RESULTS_FILE = "results.json"
_PACKAGES = ("numpy", "rouge-score", "kiwipiepy", "matplotlib", "typer", "rich")


def to_jsonable(value: Any) -> Any:
    """Convert dataclasses, paths, tuples and NaN into strict-JSON values."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Mapping):
        return {str(k): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        return to_jsonable(value.item())
    return value


def figure_record(figure: Figure) -> dict[str, Any]:
    """``{"value", "ci95": [low, high], "n"}`` with NaN as null."""
    record: dict[str, Any] = to_jsonable(
        {"value": figure.value, "ci95": [figure.ci_low, figure.ci_high], "n": figure.n}
    )
    return record


def describe_files(files: Mapping[str, Path]) -> list[dict[str, str]]:
    """Role, path and SHA-256 of each input file."""
    return [{"role": role, "path": str(path), "sha256": sha256_file(path)} for role, path in files.items()]


def _versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return versions


def _git_commit() -> str | None:
    try:
        done = subprocess.run(
            ["git", "rev-parse", "HEAD"], capture_output=True, text=True, timeout=5, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.strip() or None


def build_results(
    outcome: TaskOutcome,
    *,
    run_name: str,
    config: Mapping[str, Any],
    files: Mapping[str, Path],
    started: datetime,
    finished: datetime,
    plots: Sequence[str],
    plot_errors: Sequence[FailedItem],
) -> dict[str, Any]:
    """Assemble the ``results.json`` document for one run."""
    failures = [*outcome.failures, *plot_errors]
    document: dict[str, Any] = to_jsonable(
        {
            "schema_version": SCHEMA_VERSION,
            "task": outcome.task,
            "run_name": run_name,
            "started_at": started.isoformat(timespec="seconds"),
            "finished_at": finished.isoformat(timespec="seconds"),
            "duration_s": round((finished - started).total_seconds(), 3),
            "config": config,
            "model_ids": list(outcome.model_ids),
            "data_files": describe_files(files),
            "environment": {**_versions(), "git_commit": _git_commit()},
            "n_items": outcome.n_items,
            "n_failed": len(outcome.failures),
            "metrics": {f.name: figure_record(f) for f in outcome.figures},
            "tables": [dataclasses.asdict(t) for t in outcome.tables],
            "samples": outcome.samples,
            "plots": list(plots),
            "failed_items": [dataclasses.asdict(f) for f in failures],
            "details": outcome.details,
        }
    )
    return document


def write_results(path: Path, results: Mapping[str, Any]) -> None:
    """Write strict JSON (no NaN), UTF-8, Korean kept readable."""
    text = json.dumps(results, ensure_ascii=False, indent=2, allow_nan=False)
    path.write_text(text + "\n", encoding="utf-8")


def load_results(run_dir: Path) -> dict[str, Any]:
    """Read a run folder's ``results.json``.

    Raises:
        RunFolderError: The folder or file is missing or not a results document.
    """
    path = run_dir / RESULTS_FILE if run_dir.is_dir() else run_dir
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise RunFolderError(f"{path}: no results.json here (is it a run folder?)") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RunFolderError(f"{path}: cannot read results: {exc}") from exc
    if not isinstance(document, dict) or not isinstance(document.get("metrics"), dict):
        raise RunFolderError(f"{path}: not an eval results.json (no 'metrics')")
    return document
