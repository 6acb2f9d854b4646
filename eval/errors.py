"""Errors the CLI turns into one clear line and a non-zero exit (no traceback).

Unknown registry names and scorers that cannot be opened raise searchlm's own errors
(`searchlm.registry.RegistryError`, `searchlm.nli.ScorerUnavailableError`); the CLI treats
them the same way.
"""

from __future__ import annotations

from pathlib import Path


class EvalError(Exception):
    """Base class: anything the user can fix (bad file, missing component)."""


class InputFormatError(EvalError):
    """A data or predictions file is malformed.

    Args:
        path: The offending file.
        line: 1-based line number, when the format has lines.
        message: What is wrong, naming the field.
        location: Where in a nested document (e.g. ``data[3].paragraphs[1]``)
            when a line number would not help.
    """

    def __init__(
        self,
        path: Path | str,
        message: str,
        *,
        line: int | None = None,
        location: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.line = line
        self.location = location
        self.message = message
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        if location:
            where = f"{where} ({location})"
        super().__init__(f"{where}: {message}")


class PredictorUnavailableError(EvalError):
    """A live prediction source cannot serve the request: no such kind, or no ``--target``."""


class RunFolderError(EvalError):
    """A run folder is missing or has no readable ``results.json``."""
