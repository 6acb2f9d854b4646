"""Compare two runs: figures side by side, deltas, and whether they exceed the CIs."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from eval.errors import RunFolderError
from eval.report.markdown import cell, interval, table


@dataclass(frozen=True)
class MetricComparison:
    """One metric in both runs.

    Attributes:
        name: Metric name.
        a: Record of run A (``value``, ``ci95``, ``n``).
        b: Record of run B.
        delta: ``b - a`` (``None`` if either value is missing).
        outside_a_ci: B's value lies outside A's 95 % interval.
        disjoint: The two intervals do not overlap (a clearer difference).
    """

    name: str
    a: Mapping[str, Any]
    b: Mapping[str, Any]
    delta: float | None
    outside_a_ci: bool | None
    disjoint: bool | None


def _outside(value: float | None, ci: Any) -> bool | None:
    if value is None or not ci or None in ci:
        return None
    return bool(value < ci[0] or value > ci[1])


def _disjoint(ci_a: Any, ci_b: Any) -> bool | None:
    if not ci_a or not ci_b or None in ci_a or None in ci_b:
        return None
    return bool(ci_a[1] < ci_b[0] or ci_b[1] < ci_a[0])


def compare_metric(name: str, a: Mapping[str, Any], b: Mapping[str, Any]) -> MetricComparison:
    """Compare one metric record of run A with run B."""
    va, vb = a.get("value"), b.get("value")
    delta = None if va is None or vb is None else vb - va
    return MetricComparison(
        name, a, b, delta, _outside(vb, a.get("ci95")), _disjoint(a.get("ci95"), b.get("ci95"))
    )


def compare_results(a: Mapping[str, Any], b: Mapping[str, Any]) -> tuple[list[MetricComparison], list[str]]:
    """Compare the metrics two runs share; also return warnings about the pairing.

    Raises:
        RunFolderError: The runs are of different tasks.
    """
    if a.get("task") != b.get("task"):
        raise RunFolderError(f"cannot compare a {a.get('task')!r} run with a {b.get('task')!r} run")
    warnings = []
    if _hashes(a) != _hashes(b):
        warnings.append("data files differ (SHA-256): the runs were not measured on the same data")
    shared = [n for n in a["metrics"] if n in b["metrics"]]
    only = sorted(set(a["metrics"]) ^ set(b["metrics"]))
    if only:
        warnings.append(f"metrics in only one run: {', '.join(only)}")
    return [compare_metric(n, a["metrics"][n], b["metrics"][n]) for n in shared], warnings


def _hashes(results: Mapping[str, Any]) -> list[str]:
    return [f["sha256"] for f in results.get("data_files", []) if f.get("role") == "data"]


def _yes_no(flag: bool | None) -> str:
    return "n/a" if flag is None else ("yes" if flag else "no")


HEADERS = ("metric", "A", "A 95 % CI", "B", "B 95 % CI", "Δ (B−A)", "B outside A's CI", "CIs disjoint")


def rows(comparisons: list[MetricComparison]) -> list[tuple[str, ...]]:
    """Table rows, already formatted."""
    return [
        (
            c.name,
            cell(c.a.get("value")),
            interval(c.a),
            cell(c.b.get("value")),
            interval(c.b),
            "n/a" if c.delta is None else f"{c.delta:+.4f}",
            _yes_no(c.outside_a_ci),
            _yes_no(c.disjoint),
        )
        for c in comparisons
    ]


def render_markdown(
    a_name: str, b_name: str, comparisons: list[MetricComparison], warnings: list[str]
) -> str:
    """The comparison as a Markdown document."""
    lines = [f"# Comparison: A = {a_name}, B = {b_name}", "", *table(HEADERS, rows(comparisons))]
    lines += ["", *(f"> warning: {w}" for w in warnings)] if warnings else []
    return "\n".join(lines) + "\n"
