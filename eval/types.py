"""Domain types shared by the evaluation tasks, reports and the CLI.

Standard library only, so that every layer can import them.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

PlotKind = Literal["histogram", "bars", "heatmap", "line"]


class NliScoresLike(Protocol):
    """Read-only view of ``searchlm.nli.types.NliScores``.

    Declared structurally so that eval's metrics need no ``searchlm.nli``: any object
    with these three float attributes will do. Scorers are
    ``searchlm.nli.types.EntailmentScorer``s.
    """

    @property
    def entailment(self) -> float:
        """Probability that the premise entails the hypothesis."""
        ...

    @property
    def neutral(self) -> float:
        """Probability that the premise neither entails nor contradicts it."""
        ...

    @property
    def contradiction(self) -> float:
        """Probability that the premise contradicts the hypothesis."""
        ...


@dataclass(frozen=True)
class Figure:
    """A headline number with its bootstrap 95 % confidence interval.

    Attributes:
        name: Metric name, e.g. ``rougeL`` or ``accuracy``.
        value: Point estimate on the full data.
        ci_low: Lower bound of the 95 % interval (``nan`` when not computed).
        ci_high: Upper bound of the 95 % interval (``nan`` when not computed).
        n: Number of units (items, claims, ...) the figure is computed over.
    """

    name: str
    value: float
    ci_low: float = math.nan
    ci_high: float = math.nan
    n: int = 0

    def __post_init__(self) -> None:
        if not self.name:
            raise ValueError("Figure.name must not be empty")
        if self.n < 0:
            raise ValueError(f"Figure.n must be >= 0, got {self.n}")


@dataclass(frozen=True)
class FailedItem:
    """An item that could not be evaluated; always reported, never dropped.

    Attributes:
        item_id: The item's id in the data file.
        stage: Where it failed: ``predict``, ``score``, ``match`` ...
        error: Human-readable reason.
    """

    item_id: str
    stage: str
    error: str


@dataclass(frozen=True)
class Table:
    """A small table for the Markdown report.

    Attributes:
        title: Section heading.
        headers: Column names.
        rows: Cell values, one sequence per row, same length as ``headers``.
    """

    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.headers):
                raise ValueError(f"table {self.title!r}: row {row!r} does not match headers")


@dataclass(frozen=True)
class PlotSpec:
    """What to draw; the report layer owns matplotlib, tasks only describe.

    Attributes:
        kind: One of ``histogram``, ``bars``, ``heatmap``, ``line``.
        filename: PNG file name inside the run folder.
        title: Figure title.
        data: Kind-specific payload (see ``eval.report.plots``).
    """

    kind: PlotKind
    filename: str
    title: str
    data: Mapping[str, Any]

    def __post_init__(self) -> None:
        if not self.filename.endswith(".png"):
            raise ValueError(f"plot filename must end in .png, got {self.filename!r}")


@dataclass(frozen=True)
class TaskOutcome:
    """Everything one task run produced, before it is written to disk.

    Attributes:
        task: Task name (``rouge``, ``nli`` ...).
        figures: Headline metrics with confidence intervals.
        tables: Breakdowns for the report.
        plots: Plots to draw.
        samples: Sample cases (title -> list of small dicts) for the report.
        failures: Items that could not be evaluated.
        n_items: Number of items in the data file.
        model_ids: Model identifiers seen in predictions or given by the scorer.
        details: Extra machine-readable results (breakdowns, per-item records).
    """

    task: str
    figures: tuple[Figure, ...]
    tables: tuple[Table, ...] = ()
    plots: tuple[PlotSpec, ...] = ()
    samples: Mapping[str, Sequence[Mapping[str, Any]]] = field(default_factory=dict)
    failures: tuple[FailedItem, ...] = ()
    n_items: int = 0
    model_ids: tuple[str, ...] = ()
    details: Mapping[str, Any] = field(default_factory=dict)
