"""Draw :class:`~eval.types.PlotSpec` descriptions to PNG files with matplotlib.

matplotlib is imported here only, with the Agg backend, so tasks and tests of
metrics never pay for it and no display is ever needed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from eval.types import FailedItem, PlotSpec

_DPI = 110


def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _histogram(ax: Any, data: Mapping[str, Any]) -> None:
    series: Mapping[str, Sequence[float]] = data["series"]
    for name, values in series.items():
        ax.hist(
            list(values),
            bins=data.get("bins", 20),
            range=data.get("range"),
            alpha=0.55,
            label=f"{name} (n={len(values)})",
        )
    ax.set_xlabel(data.get("xlabel", ""))
    ax.set_ylabel("count")
    ax.legend()


def _bars(ax: Any, data: Mapping[str, Any]) -> None:
    groups: Mapping[str, Mapping[str, float]] = data["groups"]
    names = sorted({name for values in groups.values() for name in values})
    width = 0.8 / max(len(names), 1)
    for offset, name in enumerate(names):
        xs = [i + offset * width for i in range(len(groups))]
        ax.bar(xs, [values.get(name, 0.0) for values in groups.values()], width, label=name)
    ax.set_xticks([i + width * (len(names) - 1) / 2 for i in range(len(groups))], list(groups))
    ax.set_ylabel(data.get("ylabel", ""))
    if "ylim" in data:
        ax.set_ylim(*data["ylim"])
    ax.legend()


def _heatmap(ax: Any, data: Mapping[str, Any]) -> None:
    matrix: Sequence[Sequence[float]] = data["matrix"]
    image = ax.imshow(matrix, cmap="Blues")
    ax.figure.colorbar(image, ax=ax)
    ax.set_xticks(range(len(data["columns"])), data["columns"], rotation=30, ha="right")
    ax.set_yticks(range(len(data["rows"])), data["rows"])
    peak = max((max(row) for row in matrix), default=0) or 1
    for r, row in enumerate(matrix):
        for c, value in enumerate(row):
            ax.text(
                c, r, str(value), ha="center", va="center", color="white" if value > peak / 2 else "black"
            )
    ax.set_xlabel(data.get("xlabel", ""))
    ax.set_ylabel(data.get("ylabel", ""))


def _line(ax: Any, data: Mapping[str, Any]) -> None:
    series: Mapping[str, Sequence[tuple[float, float]]] = data["series"]
    for name, points in series.items():
        ax.plot([x for x, _ in points], [y for _, y in points], marker="o", label=name)
    ax.set_xlabel(data.get("xlabel", ""))
    ax.set_ylabel(data.get("ylabel", ""))
    ax.set_ylim(0.0, 1.05)
    ax.legend()


PLOTTERS: dict[str, Callable[[Any, Mapping[str, Any]], None]] = {
    "histogram": _histogram,
    "bars": _bars,
    "heatmap": _heatmap,
    "line": _line,
}


def draw(spec: PlotSpec, path: Path) -> None:
    """Draw one plot to ``path``."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(7, 4.5))
    try:
        PLOTTERS[spec.kind](ax, spec.data)
        ax.set_title(spec.title)
        fig.tight_layout()
        fig.savefig(path, dpi=_DPI)
    finally:
        plt.close(fig)


def draw_all(specs: Sequence[PlotSpec], out_dir: Path) -> tuple[list[str], list[FailedItem]]:
    """Draw every plot; a plot that fails is reported, the run still completes."""
    written: list[str] = []
    errors: list[FailedItem] = []
    for spec in specs:
        try:
            draw(spec, out_dir / spec.filename)
        except Exception as exc:
            errors.append(FailedItem(spec.filename, "plot", f"{type(exc).__name__}: {exc}"))
        else:
            written.append(spec.filename)
    return written, errors
