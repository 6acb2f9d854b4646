"""Rich progress bars on stderr, so stdout stays clean for results."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

Advance = Callable[[], None]


@contextmanager
def progress_bar(description: str, total: int) -> Iterator[Advance]:
    """Show a bar for ``total`` steps; yields a function that advances it by one."""
    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True)) as progress:
        task_id = progress.add_task(description, total=total)
        yield lambda: progress.advance(task_id)
