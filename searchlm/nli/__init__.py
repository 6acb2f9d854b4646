"""Korean natural-language inference (NLI) for faithfulness and support checks.

Open a scorer with ``open_scorer("default")`` (see `searchlm.nli.registry`). Importing this
package is cheap: torch and the model load only when a scorer is opened. Training,
augmentation and held-out evaluation live in `searchlm.nli.training`, which the runtime
never imports.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from searchlm.nli.types import LABELS, EntailmentScorer, NliScores

if TYPE_CHECKING:
    from searchlm.nli.registry import (
        ScorerUnavailableError,
        load_default_scorer,
        load_hf_scorer,
        open_scorer,
    )
    from searchlm.nli.scorer import CrossEncoderEntailmentScorer, HuggingFaceEntailmentScorer

__all__ = [
    "LABELS",
    "CrossEncoderEntailmentScorer",
    "EntailmentScorer",
    "HuggingFaceEntailmentScorer",
    "NliScores",
    "ScorerUnavailableError",
    "load_default_scorer",
    "load_hf_scorer",
    "open_scorer",
]

# Imported on first access: the scorer module loads torch.
_LAZY = {
    "CrossEncoderEntailmentScorer": "searchlm.nli.scorer",
    "HuggingFaceEntailmentScorer": "searchlm.nli.scorer",
    "ScorerUnavailableError": "searchlm.nli.registry",
    "load_default_scorer": "searchlm.nli.registry",
    "load_hf_scorer": "searchlm.nli.registry",
    "open_scorer": "searchlm.nli.registry",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'searchlm.nli' has no attribute {name!r}")
