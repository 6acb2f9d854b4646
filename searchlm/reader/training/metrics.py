"""KorQuAD 1.0 exact match and character F1, and the reader's evaluation report.

The EM/F1 functions reproduce KorQuAD 1.0's official ``evaluate-v1.0.py``, as
``eval/metrics/qa.py`` does: the project's evaluation package owns them, but `searchlm`
sits below `eval` and may not import it, so the few lines live here too.
tests/unit/reader/test_metrics.py keeps the two in agreement.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from searchlm.nli.training.metrics import bootstrap_ci

_SPACED_SYMBOLS = re.compile("['\"《》<>〈〉()‘’]")
_ASCII_PUNCTUATION = frozenset(string.punctuation)


def normalize_answer(text: str) -> str:
    """Normalise an answer as KorQuAD 1.0's official script does."""
    text = _SPACED_SYMBOLS.sub(" ", text).lower()
    text = "".join(ch for ch in text if ch not in _ASCII_PUNCTUATION)
    return " ".join(text.split())


def exact_match(prediction: str, gold: str) -> float:
    """1.0 when the normalised strings are identical, else 0.0."""
    return float(normalize_answer(prediction) == normalize_answer(gold))


def char_f1(prediction: str, gold: str) -> float:
    """Character-level F1 after normalisation and whitespace removal."""
    predicted = list("".join(normalize_answer(prediction).split()))
    expected = list("".join(normalize_answer(gold).split()))
    same = sum((Counter(predicted) & Counter(expected)).values())
    if same == 0:
        return 0.0
    precision, recall = same / len(predicted), same / len(expected)
    return 2 * precision * recall / (precision + recall)


@dataclass(frozen=True)
class ReaderReport:
    """EM/F1 of a reader on one split (best over each question's gold answers).

    Attributes:
        n: questions scored.
        exact_match: mean EM, particles stripped (what the reader serves).
        f1: mean character F1, particles stripped.
        exact_match_ci95: percentile-bootstrap 95 % interval of ``exact_match``.
        f1_ci95: the same for ``f1``.
        exact_match_unstripped: mean EM of the raw token spans (stripping off).
        f1_unstripped: mean F1 of the raw token spans.
    """

    n: int
    exact_match: float
    f1: float
    exact_match_ci95: tuple[float, float]
    f1_ci95: tuple[float, float]
    exact_match_unstripped: float
    f1_unstripped: float


def _scores(predictions: Sequence[str], golds: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
    em = [max(exact_match(p, g) for g in gs) for p, gs in zip(predictions, golds, strict=True)]
    f1 = [max(char_f1(p, g) for g in gs) for p, gs in zip(predictions, golds, strict=True)]
    return np.asarray(em, dtype=float), np.asarray(f1, dtype=float)


def reader_report(
    predictions: Sequence[str], unstripped: Sequence[str], golds: Sequence[Sequence[str]]
) -> ReaderReport:
    """Compute the report from predicted texts (stripped and raw) and gold answer lists."""
    if not golds:
        raise ValueError("no questions to score")
    em, f1 = _scores(predictions, golds)
    em_raw, f1_raw = _scores(unstripped, golds)
    return ReaderReport(
        n=len(golds),
        exact_match=float(em.mean()),
        f1=float(f1.mean()),
        exact_match_ci95=bootstrap_ci(em),
        f1_ci95=bootstrap_ci(f1),
        exact_match_unstripped=float(em_raw.mean()),
        f1_unstripped=float(f1_raw.mean()),
    )
