"""The scorers ``--scorer`` names, opened with `searchlm.nli.open_scorer`.

``default`` is the project's Korean NLI model; any ``module:attribute`` path works as a
name too (the attribute may be a scorer instance, a class or a zero-argument factory).
`searchlm.nli` is imported only when a scorer is opened: importing eval loads no searchlm.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from searchlm.nli.types import EntailmentScorer

# Literal rather than copied from searchlm.nli.registry.SCORERS, so importing eval stays light.
SCORERS: dict[str, str] = {
    "default": "searchlm.nli:load_default_scorer",
}


def load_scorer(name: str, **options: Any) -> EntailmentScorer:
    """Return the scorer registered as ``name`` (or at the dotted path ``name``).

    Args:
        name: Registry name or ``module:attribute`` path.
        **options: Passed to the scorer's factory (``threads`` for the registered ones);
            none by default, so zero-argument factories keep working.

    Raises:
        searchlm.nli.ScorerUnavailableError: It cannot be imported, built, or has no ``score``.
    """
    from searchlm.nli.registry import open_scorer

    return open_scorer(name, registry=SCORERS, **options)


def scorer_model_id(scorer: object, name: str) -> str:
    """The scorer's ``model_id`` attribute when it has one, else its registry name."""
    model_id = getattr(scorer, "model_id", None)
    return model_id if isinstance(model_id, str) and model_id else name
