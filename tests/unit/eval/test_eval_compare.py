"""compare: deltas and interval checks on hand-made results documents."""

from __future__ import annotations

from typing import Any

import pytest

from eval.errors import RunFolderError
from eval.report.compare import compare_metric, compare_results, render_markdown


def _results(task: str, sha: str, **metrics: tuple[float, float, float]) -> dict[str, Any]:
    return {
        "task": task,
        "data_files": [{"role": "data", "path": "d", "sha256": sha}],
        "metrics": {k: {"value": v, "ci95": [lo, hi], "n": 10} for k, (v, lo, hi) in metrics.items()},
    }


def test_compare_metric_flags_value_outside_baseline_interval() -> None:
    c = compare_metric("f1", {"value": 0.5, "ci95": [0.4, 0.6]}, {"value": 0.65, "ci95": [0.55, 0.75]})
    assert c.delta == pytest.approx(0.15)
    assert c.outside_a_ci is True and c.disjoint is False


def test_compare_metric_disjoint_intervals() -> None:
    c = compare_metric("f1", {"value": 0.5, "ci95": [0.45, 0.55]}, {"value": 0.7, "ci95": [0.65, 0.75]})
    assert c.disjoint is True


def test_compare_metric_missing_values_are_not_judged() -> None:
    c = compare_metric("x", {"value": None, "ci95": [None, None]}, {"value": 0.2, "ci95": [0.1, 0.3]})
    assert (c.delta, c.outside_a_ci, c.disjoint) == (None, None, None)


def test_compare_results_warns_about_different_data_and_metrics() -> None:
    a = _results("qa", "aaa", f1=(0.5, 0.4, 0.6), em=(0.3, 0.2, 0.4))
    b = _results("qa", "bbb", f1=(0.55, 0.45, 0.65))
    comparisons, warnings = compare_results(a, b)
    assert [c.name for c in comparisons] == ["f1"]
    assert any("data files differ" in w for w in warnings)
    assert any("em" in w for w in warnings)
    markdown = render_markdown("A", "B", comparisons, warnings)
    assert "| f1 | 0.5000 | [0.4000, 0.6000] | 0.5500 | [0.4500, 0.6500] | +0.0500 | no | no |" in markdown


def test_compare_results_rejects_different_tasks() -> None:
    with pytest.raises(RunFolderError, match="cannot compare"):
        compare_results(_results("qa", "a"), _results("nli", "a"))
