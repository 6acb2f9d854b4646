"""Korean natural-language inference (NLI) for faithfulness and support checks.

Importing this package is cheap: torch and the model are only loaded when a
scorer is requested (``load_default_scorer`` or ``CrossEncoderEntailmentScorer``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from searchlm.nli.types import LABELS, EntailmentScorer, NliScores

if TYPE_CHECKING:
    from searchlm.nli.scorer import CrossEncoderEntailmentScorer, HuggingFaceEntailmentScorer

__all__ = [
    "LABELS",
    "CrossEncoderEntailmentScorer",
    "EntailmentScorer",
    "HuggingFaceEntailmentScorer",
    "NliScores",
    "load_default_scorer",
]

_LAZY = {"CrossEncoderEntailmentScorer", "HuggingFaceEntailmentScorer"}


def load_default_scorer(**kwargs: Any) -> CrossEncoderEntailmentScorer:
    """Load the shipped Korean NLI cross-encoder.

    Args:
        **kwargs: keyword arguments of ``CrossEncoderEntailmentScorer``
            (``device``, ``batch_size``, ``max_length``, ``num_threads``...).

    Returns:
        A ready scorer.
    """
    from searchlm.nli.scorer import CrossEncoderEntailmentScorer

    return CrossEncoderEntailmentScorer(**kwargs)


def __getattr__(name: str) -> Any:
    # torch-backed classes are imported on first access only
    if name in _LAZY:
        from searchlm.nli import scorer

        return getattr(scorer, name)
    raise AttributeError(f"module 'searchlm.nli' has no attribute {name!r}")
