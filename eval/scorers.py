"""EntailmentScorer registry: names -> ``module:factory`` paths, imported lazily.

``default`` points at the project's Korean NLI model, which lives in
``searchlm.nli`` and loads torch: it is imported only when chosen. Any
``module:attribute`` path works as a name too; the attribute may be a scorer
instance, a class or a zero-argument factory.
"""

from __future__ import annotations

from typing import Any

from eval.errors import RegistryError, ScorerUnavailableError
from eval.registry import load_object, resolve_name
from eval.types import EntailmentScorer

SCORERS: dict[str, str] = {
    "default": "searchlm.nli:load_default_scorer",
}


def _instantiate(name: str, dotted: str, obj: Any) -> Any:
    if not isinstance(obj, type) and not (callable(obj) and not hasattr(obj, "score")):
        return obj
    try:
        return obj()
    except Exception as exc:
        raise ScorerUnavailableError(
            f"scorer {name!r} ({dotted}) could not be built: {type(exc).__name__}: {exc}"
        ) from exc


def load_scorer(name: str) -> EntailmentScorer:
    """Return the scorer registered as ``name`` (or at the dotted path ``name``).

    Raises:
        ScorerUnavailableError: It cannot be imported, built, or has no ``score``.
    """
    try:
        dotted = resolve_name(name, SCORERS)
        loaded = load_object(dotted)
    except RegistryError as exc:
        raise ScorerUnavailableError(f"scorer {name!r} is not available: {exc}") from exc
    scorer = _instantiate(name, dotted, loaded)
    if not callable(getattr(scorer, "score", None)):
        raise ScorerUnavailableError(f"scorer {name!r} ({dotted}) has no score(pairs) method")
    built: EntailmentScorer = scorer
    return built


def scorer_model_id(scorer: object, name: str) -> str:
    """The scorer's ``model_id`` attribute when it has one, else its registry name."""
    model_id = getattr(scorer, "model_id", None)
    return model_id if isinstance(model_id, str) and model_id else name
