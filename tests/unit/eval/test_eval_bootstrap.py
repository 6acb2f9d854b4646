"""Bootstrap intervals: deterministic, sensible, robust to empty input."""

from __future__ import annotations

import math

import numpy as np

from eval.bootstrap import mean_figure, ratio_figure, statistic_figure


def test_mean_figure_interval_contains_the_mean_and_is_reproducible() -> None:
    scores = [0.0, 1.0] * 50
    first, second = mean_figure("acc", scores), mean_figure("acc", scores)
    assert first == second
    assert first.value == 0.5 and first.n == 100
    assert first.ci_low < 0.5 < first.ci_high
    assert first.ci_low > 0.35 and first.ci_high < 0.65


def test_mean_figure_constant_scores_give_a_point_interval() -> None:
    figure = mean_figure("em", [1.0] * 10)
    assert (figure.ci_low, figure.ci_high) == (1.0, 1.0)


def test_mean_figure_empty_is_nan_with_zero_n() -> None:
    figure = mean_figure("x", [])
    assert math.isnan(figure.value) and figure.n == 0


def test_ratio_figure_pools_numerators_and_denominators() -> None:
    figure = ratio_figure("claims", [1, 3], [2, 4])
    assert figure.value == 4 / 6 and figure.n == 6
    assert figure.ci_low <= figure.value <= figure.ci_high


def test_statistic_figure_applies_statistic_to_resampled_indices() -> None:
    values = np.array([0.0, 1.0, 1.0, 1.0])
    figure = statistic_figure("max", lambda idx: float(values[idx].max()), 4)
    assert figure.value == 1.0
    assert 0.0 <= figure.ci_low <= figure.ci_high <= 1.0
