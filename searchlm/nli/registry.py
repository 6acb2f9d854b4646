"""Opening an NLI scorer by name: the one way services, benchmarks and eval get a scorer.

`SCORERS` maps names to "module:attribute" paths that `searchlm.registry` imports only
when chosen, so torch loads in no process that scores with something else. Whatever goes
wrong (unknown name, failed import, failing constructor, an object without `score`),
`open_scorer` raises one error, `ScorerUnavailableError`, naming the spec.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from searchlm.errors import SearchlmError
from searchlm.nli.types import EntailmentScorer
from searchlm.registry import RegistryError, load_object, resolve

if TYPE_CHECKING:
    from searchlm.nli.scorer import CrossEncoderEntailmentScorer, HuggingFaceEntailmentScorer

SCORERS: dict[str, str] = {
    "default": "searchlm.nli:load_default_scorer",
    "hf": "searchlm.nli:load_hf_scorer",
}
"""The project's scorers; both take the options ``path``, ``device`` and ``threads``."""


class ScorerUnavailableError(SearchlmError, ValueError):
    """The NLI scorer a spec names cannot be opened; the message names the spec and why.

    A `ValueError` too, so a bad scorer setting read from the environment reads as one.
    """


def load_default_scorer(
    *, path: str | Path = "", threads: int = 0, **kwargs: Any
) -> CrossEncoderEntailmentScorer:
    """The shipped Korean NLI cross-encoder (registered as ``default``).

    Args:
        path: Artefact directory ("": the shipped one).
        threads: torch CPU threads (0: leave torch's setting).
        **kwargs: Other keyword arguments of `CrossEncoderEntailmentScorer` (``device``,
            ``batch_size``, ``max_length``, ``num_threads``, ``dtype``).
    """
    from searchlm.nli.scorer import CrossEncoderEntailmentScorer

    if path:
        kwargs["artefact"] = path
    if threads:
        kwargs["num_threads"] = threads
    return CrossEncoderEntailmentScorer(**kwargs)


def load_hf_scorer(*, path: str | Path = "", threads: int = 0, **kwargs: Any) -> HuggingFaceEntailmentScorer:
    """A local Hugging Face NLI checkpoint (registered as ``hf``).

    Args:
        path: Checkpoint directory (required; nothing is downloaded).
        threads: Accepted so that every registered scorer takes the same options, and not
            applied: a checkpoint has always run with torch's own thread setting.
        **kwargs: Other keyword arguments of `HuggingFaceEntailmentScorer` (``device``,
            ``batch_size``, ``max_length``).

    Raises:
        ValueError: No `path`.
    """
    del threads
    if not path:
        raise ValueError("the hf scorer needs a checkpoint directory (path)")
    from searchlm.nli.scorer import HuggingFaceEntailmentScorer

    return HuggingFaceEntailmentScorer(path, **kwargs)


def _named(spec: str, dotted: str) -> str:
    return f"NLI scorer {spec!r}" + (f" ({dotted})" if dotted != spec else "")


def _build(spec: str, dotted: str, obj: Any, options: Mapping[str, Any]) -> Any:
    """Calls a class or factory with `options`; an instance is used as it is."""
    if not isinstance(obj, type) and not (callable(obj) and not hasattr(obj, "score")):
        if options:
            raise ScorerUnavailableError(
                f"{_named(spec, dotted)} is an instance: it takes no options, got {sorted(options)}"
            )
        return obj
    try:
        return obj(**options)
    except Exception as exc:
        raise ScorerUnavailableError(
            f"{_named(spec, dotted)} could not be built: {type(exc).__name__}: {exc}"
        ) from exc


def open_scorer(spec: str, *, registry: Mapping[str, str] | None = None, **options: Any) -> EntailmentScorer:
    """The scorer `spec` names, built with `options`.

    Args:
        spec: A key of `registry`, or a "module:attribute" path. The attribute may be a
            class or factory (called with `options`) or a ready scorer instance.
        registry: Names -> "module:attribute" paths (default: `SCORERS`). Callers with
            scorers of their own pass `SCORERS` extended with them.
        **options: Keyword arguments of the scorer's factory, passed through as they are
            (``path``, ``device``, ``threads`` for the registered ones).

    Raises:
        ScorerUnavailableError: The name is unknown, its module cannot be imported, the
            factory fails, or the result has no ``score(pairs)`` method.
    """
    try:
        dotted = resolve(spec, SCORERS if registry is None else registry, kind="NLI scorer")
        loaded = load_object(dotted)
    except RegistryError as exc:
        raise ScorerUnavailableError(f"NLI scorer {spec!r} is not available: {exc}") from exc
    scorer = _build(spec, dotted, loaded, options)
    if not callable(getattr(scorer, "score", None)):
        raise ScorerUnavailableError(f"{_named(spec, dotted)} has no score(pairs) method")
    opened: EntailmentScorer = scorer
    return opened
