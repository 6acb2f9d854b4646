"""Review-summary items for ``rouge`` and ``faithfulness``.

JSONL, one object per line::

    {"id": "p1", "reviews": ["...", "..."], "references": ["..."], "summary": "..."}

``references`` are needed by ``rouge``, ``reviews`` by ``faithfulness``;
``summary`` is the system output when predictions come from the data file
itself. FewSum's TSV (English; ``group_id``, ``rev1..8``, ``summ1..3``) is
read too, for checking the ROUGE plumbing against human summaries.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from eval.data import check_unique_ids
from eval.readers import read_jsonl, read_tsv


@dataclass(frozen=True)
class SummaryItem:
    """Reviews of one product/place and the reference summaries.

    Attributes:
        id: Unique id.
        reviews: Source reviews (may be empty for ROUGE-only files).
        references: Human reference summaries (may be empty for faithfulness).
        line: Line in the data file.
    """

    id: str
    reviews: tuple[str, ...]
    references: tuple[str, ...]
    line: int | None = None


def load_jsonl(path: Path) -> list[SummaryItem]:
    """Read the project's summary JSONL format."""
    items = [
        SummaryItem(
            id=record.ident(),
            reviews=record.text_list("reviews", required=False),
            references=record.text_list("references", required=False),
            line=record.line,
        )
        for record in read_jsonl(path)
    ]
    return check_unique_ids(path, items)


def load_fewsum(path: Path) -> list[SummaryItem]:
    """Read a FewSum gold-summary TSV (``rev1..rev8``, ``summ1..summ3``)."""
    items = []
    for line, row in read_tsv(path, ("group_id", "rev1", "summ1")):
        reviews = tuple(v for k, v in sorted(row.items()) if k.startswith("rev") and v.strip())
        references = tuple(v for k, v in sorted(row.items()) if k.startswith("summ") and v.strip())
        items.append(SummaryItem(row["group_id"], reviews, references, line))
    return check_unique_ids(path, items)


FORMATS = {"jsonl": load_jsonl, "fewsum": load_fewsum}
SUFFIX_FORMATS = {".jsonl": "jsonl", ".tsv": "fewsum", ".csv": "fewsum"}
