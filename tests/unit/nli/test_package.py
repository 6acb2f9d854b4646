"""Package surface: lazy imports and the standard-library protocol types."""

from __future__ import annotations

import subprocess
import sys

from searchlm.nli.types import LABELS, EntailmentScorer, NliScores


def test_importing_the_package_does_not_import_torch_when_only_types_are_used() -> None:
    code = "import sys, searchlm.nli as n; n.NliScores(1, 0, 0); assert 'torch' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


def test_nli_scores_label_is_the_argmax_when_one_class_dominates() -> None:
    assert NliScores(0.1, 0.2, 0.7).label == "contradiction"
    assert LABELS == ("entailment", "neutral", "contradiction")


def test_a_plain_class_satisfies_the_protocol_when_it_has_score() -> None:
    class Always:
        def score(self, pairs):  # type: ignore[no-untyped-def]
            return [NliScores(1.0, 0.0, 0.0) for _ in pairs]

    assert isinstance(Always(), EntailmentScorer)
