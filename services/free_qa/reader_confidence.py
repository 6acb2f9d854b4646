"""One confidence per reader answer from the reader, retrieval and support (issue 17).

The reader's own confidence (a softmax over its n-best spans) says how sure it is of a span
among the spans it saw; it does not know whether its passage was the right one or whether the
span's sentence speaks about the question at all. `AnswerConfidence` folds in what the
service knows beside it, as a logistic model of P(the answer is right):

* reader: log-odds of its confidence, its margin over the window's null ("no answer") score,
  and its lead over the second answer;
* retrieval: the rank of the answer's passage among those read and that passage's dense
  (cosine) score;
* support: the share of the question's content terms found in the answer's sentence, and
  whether the answer merely repeats words of the question.

The weights are fitted on the training side (the reader's tune articles, over the top 3
passages of the service's hybrid retrieval) by ``bench/reader_confidence.py``, which writes
``data/reader_confidence.json`` and reports the held-out figures; `load_confidence` reads it.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from searchlm.reader.types import SpanAnswer

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "reader_confidence.json"

FEATURES = (
    "reader_log_odds",
    "null_margin",
    "lead",
    "passage_rank",
    "dense_score",
    "question_coverage",
    "in_question",
)


@dataclass(frozen=True)
class AnswerSignals:
    """What the service knows about one reader answer.

    Attributes:
        best: The reader's best answer.
        runner_up_confidence: The second answer's confidence (0 when there is none).
        passage_rank: Rank of the answer's passage among those read (0 = first).
        dense_score: Cosine of that passage to the question (-1: not dense-retrieved).
        question_coverage: Share of the question's content terms in the answer's sentence (0-1).
        in_question: The answer's text occurs in the question (spaces ignored).
    """

    best: SpanAnswer
    runner_up_confidence: float
    passage_rank: int
    dense_score: float
    question_coverage: float
    in_question: bool


def feature_vector(s: AnswerSignals) -> list[float]:
    """The model's inputs, in `FEATURES` order."""
    p = min(max(s.best.confidence, 1e-4), 1 - 1e-4)
    return [
        math.log(p / (1 - p)),
        s.best.score - s.best.null_score,
        s.best.confidence - s.runner_up_confidence,
        float(s.passage_rank),
        max(s.dense_score, 0.0),
        s.question_coverage,
        float(s.in_question),
    ]


@dataclass(frozen=True)
class AnswerConfidence:
    """A fitted logistic model over standardised `FEATURES`.

    Attributes:
        weights: One weight per feature (on standardised values).
        bias: The intercept.
        means: Feature means of the fitting data.
        scales: Feature standard deviations of the fitting data.
        threshold: The probability from which the reader answers, chosen with the weights.
        fitted_on: Where the weights come from (data, split, size), for the record.
    """

    weights: tuple[float, ...]
    bias: float
    means: tuple[float, ...]
    scales: tuple[float, ...]
    threshold: float = 0.5
    fitted_on: str = ""

    def __post_init__(self) -> None:
        n = len(FEATURES)
        if not len(self.weights) == len(self.means) == len(self.scales) == n:
            raise ValueError(f"reader confidence model needs {n} weights, means and scales ({FEATURES})")
        if any(s <= 0 for s in self.scales):
            raise ValueError("reader confidence model: scales must be positive")
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(f"reader confidence threshold must be in [0, 1], got {self.threshold}")

    def probability(self, signals: AnswerSignals) -> float:
        """P(the answer is right), 0-1."""
        return float(self.probabilities([feature_vector(signals)])[0])

    def probabilities(self, rows: Sequence[Sequence[float]]) -> np.ndarray:
        """`probability` of many feature vectors (``FEATURES`` order)."""
        x = (np.asarray(rows, dtype=np.float64) - np.asarray(self.means)) / np.asarray(self.scales)
        z = x @ np.asarray(self.weights) + self.bias
        return np.asarray(1.0 / (1.0 + np.exp(-z)))


def fit_confidence(
    rows: Sequence[Sequence[float]], right: Sequence[bool], *, l2: float = 1.0, fitted_on: str = ""
) -> AnswerConfidence:
    """L2-regularised logistic regression (Newton's method) of ``right`` on ``rows``.

    Args:
        rows: Feature vectors in `FEATURES` order.
        right: Whether each answer was right (exact match).
        l2: Ridge penalty on the standardised weights (not on the intercept).
        fitted_on: Recorded in the model.

    Raises:
        ValueError: With fewer than two rows, or when every answer is right or every one wrong.
    """
    x = np.asarray(rows, dtype=np.float64)
    y = np.asarray(right, dtype=np.float64)
    if len(x) < 2 or y.min() == y.max():
        raise ValueError("fitting the reader confidence needs right and wrong answers")
    means, scales = x.mean(axis=0), x.std(axis=0)
    scales = np.where(scales > 1e-9, scales, 1.0)
    z = np.c_[(x - means) / scales, np.ones(len(x))]
    penalty = np.diag([l2] * (z.shape[1] - 1) + [0.0])
    w = np.zeros(z.shape[1])
    for _ in range(100):
        p = 1.0 / (1.0 + np.exp(-z @ w))
        grad = z.T @ (p - y) + penalty @ w
        hess = (z * (p * (1 - p))[:, None]).T @ z + penalty
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-8:
            break
    return AnswerConfidence(
        tuple(float(v) for v in w[:-1]),
        float(w[-1]),
        tuple(float(v) for v in means),
        tuple(float(v) for v in scales),
        fitted_on=fitted_on,
    )


def save_confidence(model: AnswerConfidence, path: Path, *, extra: dict[str, object] | None = None) -> None:
    """Write the model (and any figures in ``extra``) as JSON."""
    record = {"features": list(FEATURES), **asdict(model), **(extra or {})}
    path.write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def load_confidence(path: Path = DEFAULT_PATH) -> AnswerConfidence:
    """Read a model written by `save_confidence`.

    Raises:
        FileNotFoundError: No file there.
        ValueError: It was fitted on other features, or its sizes are wrong.
    """
    raw = json.loads(path.read_text(encoding="utf-8"))
    if tuple(raw.get("features", ())) != FEATURES:
        raise ValueError(f"{path}: fitted on features {raw.get('features')}, expected {list(FEATURES)}")
    return AnswerConfidence(
        tuple(raw["weights"]),
        float(raw["bias"]),
        tuple(raw["means"]),
        tuple(raw["scales"]),
        threshold=float(raw["threshold"]),
        fitted_on=raw.get("fitted_on", ""),
    )
