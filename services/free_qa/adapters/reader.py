"""Opening the extractive reader by name, as `searchlm.nli.open_scorer` opens an NLI scorer.

`READERS` maps names to "module:attribute" paths that `searchlm.registry` imports only when
chosen, so torch loads only in a process that reads with the trained reader. Whatever goes
wrong (unknown name, missing artefact, failed import or constructor, an object without
`read`), `open_reader` raises one error, `ReaderUnavailableError`, naming the spec.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from searchlm.errors import SearchlmError
from searchlm.reader import DEFAULT_ARTEFACT
from searchlm.registry import RegistryError, load_object, resolve
from services.free_qa.reader_answerer import SpanReader

READERS: dict[str, str] = {
    "default": "services.free_qa.adapters.reader:load_default_reader",
}
"""The project's reader; it takes the options ``path``, ``threads`` and ``pack``."""


class ReaderUnavailableError(SearchlmError, ValueError):
    """The reader a spec names cannot be opened; the message names the spec and why."""


def load_default_reader(*, path: str | Path = "", threads: int = 0, pack: bool = True) -> SpanReader:
    """The trained e5-small reader (registered as ``default``).

    Args:
        path: Artefact directory ("": the one shipped in `searchlm/reader/artifacts`).
        threads: torch CPU threads (0: leave torch's setting).
        pack: Read short passages in one window (`ExtractiveReader`'s ``pack``).

    Raises:
        FileNotFoundError: No artefact there (checked before torch is imported).
    """
    artefact = Path(path or DEFAULT_ARTEFACT).expanduser()
    if not artefact.is_dir():
        raise FileNotFoundError(f"no reader artefact at {artefact}")
    from searchlm.reader import ExtractiveReader

    reader: SpanReader = ExtractiveReader.from_artefact(artefact, num_threads=threads or None, pack=pack)
    return reader


def open_reader(spec: str, *, registry: Mapping[str, str] | None = None, **options: Any) -> SpanReader:
    """The reader `spec` names, built with `options`.

    Args:
        spec: A key of `registry`, or a "module:attribute" path to a factory (called with
            `options`) or a ready reader.
        registry: Names -> "module:attribute" paths (default: `READERS`).
        **options: Keyword arguments of the factory (``path``, ``threads`` for ``default``).

    Raises:
        ReaderUnavailableError: The name is unknown, its module cannot be imported, the
            factory fails (a missing artefact too), or the result has no ``read`` method.
    """
    try:
        loaded = load_object(resolve(spec, READERS if registry is None else registry, kind="reader"))
    except RegistryError as exc:
        raise ReaderUnavailableError(f"reader {spec!r} is not available: {exc}") from exc
    reader = _build(spec, loaded, options)
    if not callable(getattr(reader, "read", None)):
        raise ReaderUnavailableError(f"reader {spec!r} has no read(question, passages) method")
    opened: SpanReader = reader
    return opened


def _build(spec: str, obj: Any, options: Mapping[str, Any]) -> Any:
    """Calls a class or factory with `options`; a ready reader is used as it is."""
    if not isinstance(obj, type) and not (callable(obj) and not hasattr(obj, "read")):
        if options:
            raise ReaderUnavailableError(
                f"reader {spec!r} is an instance: it takes no options, got {sorted(options)}"
            )
        return obj
    try:
        return obj(**options)
    except Exception as exc:
        raise ReaderUnavailableError(
            f"reader {spec!r} could not be built: {type(exc).__name__}: {exc}"
        ) from exc
