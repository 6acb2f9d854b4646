"""Percentile-bootstrap 95 % confidence intervals with a fixed seed.

Resampling is over evaluation units (items, or summaries for claim-level
figures) so that the interval reflects how much the figure would move on
another sample of the same size.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from eval.types import Figure

DEFAULT_SEED = 20240521
DEFAULT_RESAMPLES = 1000
_ALPHA = 0.05

IndexStatistic = Callable[[npt.NDArray[np.int64]], float]


def _resample_indices(n: int, resamples: int, seed: int) -> npt.NDArray[np.int64]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, n, size=(resamples, n), dtype=np.int64)


def _interval(samples: npt.NDArray[np.float64]) -> tuple[float, float]:
    finite = samples[np.isfinite(samples)]
    if finite.size == 0:
        return math.nan, math.nan
    low, high = np.percentile(finite, [100 * _ALPHA / 2, 100 * (1 - _ALPHA / 2)])
    return float(low), float(high)


def mean_figure(
    name: str,
    scores: Sequence[float],
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> Figure:
    """Mean of per-item scores with a bootstrap interval (vectorised).

    An empty ``scores`` gives a ``nan`` figure with ``n == 0``, so reports show
    "n/a" instead of crashing on a task with no eligible items.
    """
    values = np.asarray(scores, dtype=np.float64)
    if values.size == 0:
        return Figure(name, math.nan, n=0)
    means = values[_resample_indices(values.size, resamples, seed)].mean(axis=1)
    low, high = _interval(means)
    return Figure(name, float(values.mean()), low, high, int(values.size))


def ratio_figure(
    name: str,
    numerators: Sequence[float],
    denominators: Sequence[float],
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> Figure:
    """``sum(num) / sum(den)`` resampled over units (e.g. claims within summaries).

    Args:
        name: Figure name.
        numerators: Per-unit counts (e.g. passing claims per summary).
        denominators: Per-unit totals (e.g. claims per summary).
        resamples: Bootstrap resamples.
        seed: RNG seed.
    """
    num = np.asarray(numerators, dtype=np.float64)
    den = np.asarray(denominators, dtype=np.float64)
    total = float(den.sum())
    if num.size == 0 or total == 0:
        return Figure(name, math.nan, n=int(total))
    idx = _resample_indices(num.size, resamples, seed)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratios = num[idx].sum(axis=1) / den[idx].sum(axis=1)
    low, high = _interval(ratios)
    return Figure(name, float(num.sum()) / total, low, high, int(total))


def statistic_figure(
    name: str,
    statistic: IndexStatistic,
    n: int,
    *,
    resamples: int = DEFAULT_RESAMPLES,
    seed: int = DEFAULT_SEED,
) -> Figure:
    """Any statistic of a subset of items (e.g. macro-F1) with a bootstrap interval.

    Args:
        name: Figure name.
        statistic: Maps an array of item indices (with repeats) to a number.
        n: Number of items.
        resamples: Bootstrap resamples.
        seed: RNG seed.
    """
    if n == 0:
        return Figure(name, math.nan, n=0)
    value = statistic(np.arange(n, dtype=np.int64))
    samples = np.array([statistic(row) for row in _resample_indices(n, resamples, seed)])
    low, high = _interval(samples)
    return Figure(name, float(value), low, high, n)
