"""``report.md``: headline figures, breakdowns, plots, sample cases, failures."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

_MAX_FAILURES_SHOWN = 50


def cell(value: Any) -> str:
    """Format one table cell: numbers to 4 places, pipes escaped, one line."""
    if value is None:
        return "n/a"
    if isinstance(value, float):
        return f"{value:.4f}"
    return " ".join(str(value).split()).replace("|", "\\|")


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[str]:
    """A GitHub-flavoured Markdown table."""
    lines = ["| " + " | ".join(cell(h) for h in headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return lines


def interval(record: Mapping[str, Any]) -> str:
    """``[low, high]`` or ``n/a``."""
    low, high = record.get("ci95") or (None, None)
    if low is None or high is None:
        return "n/a"
    return f"[{low:.4f}, {high:.4f}]"


def _header(results: Mapping[str, Any]) -> list[str]:
    lines = [
        f"# Evaluation report: {results['task']} ({results['run_name']})",
        "",
        f"- Started {results['started_at']}, finished {results['finished_at']} ({results['duration_s']} s)",
        f"- Items: {results['n_items']}, failed: {results['n_failed']}",
        f"- Models: {', '.join(results['model_ids']) or 'n/a'}",
    ]
    lines += [f"- {f['role']}: `{f['path']}` (sha256 `{f['sha256'][:16]}…`)" for f in results["data_files"]]
    return lines


def _figures(results: Mapping[str, Any]) -> list[str]:
    rows = [(name, r["value"], interval(r), r["n"]) for name, r in results["metrics"].items()]
    return ["", "## Headline figures", "", *table(("metric", "value", "95 % CI (bootstrap)", "n"), rows)]


def _tables(results: Mapping[str, Any]) -> list[str]:
    lines: list[str] = []
    for t in results["tables"]:
        lines += ["", f"## {t['title']}", "", *table(t["headers"], t["rows"])]
    return lines


def _plots(results: Mapping[str, Any]) -> list[str]:
    if not results["plots"]:
        return []
    return ["", "## Plots", "", *(f"![{name}]({name})" for name in results["plots"])]


def _samples(results: Mapping[str, Any]) -> list[str]:
    lines: list[str] = []
    for title, cases in results["samples"].items():
        if cases:
            headers = list(cases[0])
            lines += [
                "",
                f"## Samples: {title}",
                "",
                *table(headers, [[c.get(h) for h in headers] for c in cases]),
            ]
    return lines


def _failures(results: Mapping[str, Any]) -> list[str]:
    failed = results["failed_items"]
    if not failed:
        return ["", "## Failed items", "", "None."]
    shown = [(f["item_id"], f["stage"], f["error"]) for f in failed[:_MAX_FAILURES_SHOWN]]
    more = len(failed) - len(shown)
    note = ["", f"… and {more} more in results.json."] if more > 0 else []
    return ["", "## Failed items", "", *table(("id", "stage", "error"), shown), *note]


def _config(results: Mapping[str, Any]) -> list[str]:
    text = json.dumps(results["config"], ensure_ascii=False, indent=2)
    return ["", "## Configuration", "", "```json", text, "```"]


def render(results: Mapping[str, Any]) -> str:
    """Render a results document as Markdown."""
    sections = (_header, _figures, _tables, _plots, _samples, _failures, _config)
    return "\n".join(line for section in sections for line in section(results)) + "\n"
