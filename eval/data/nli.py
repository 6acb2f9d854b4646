"""NLI items from KLUE-NLI JSON, KorNLI TSV or JSONL.

* KLUE-NLI: a JSON array of ``{guid, source, premise, hypothesis, gold_label}`` (the
  train file names the sub-corpus ``genre``, the dev file ``source``; both are read).
* KorNLI: TSV ``sentence1 \\t sentence2 \\t gold_label`` (quoting disabled).
* JSONL: one KLUE-style object per line (``id`` accepted for ``guid``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from eval.data import check_unique_ids
from eval.errors import InputFormatError
from eval.metrics.nli import LABELS
from eval.readers import Record, read_json_array, read_jsonl, read_tsv


@dataclass(frozen=True)
class NliItem:
    """One premise/hypothesis pair with its gold label.

    Attributes:
        id: ``guid`` (KLUE) or ``L<line>`` (KorNLI).
        premise: Premise sentence.
        hypothesis: Hypothesis sentence.
        gold: One of ``entailment``, ``neutral``, ``contradiction``.
        source: Sub-corpus (KLUE ``source`` or ``genre``; the file name for KorNLI).
        line: Line in the data file.
    """

    id: str
    premise: str
    hypothesis: str
    gold: str
    source: str
    line: int | None = None


def _label(path: Path, line: int | None, value: str) -> str:
    label = value.strip().lower()
    if label not in LABELS:
        raise InputFormatError(path, f"gold_label {value!r} is not one of {', '.join(LABELS)}", line=line)
    return label


def _from_record(record: Record, default_source: str) -> NliItem:
    id_field = "guid" if "guid" in record.data else "id"
    return NliItem(
        id=record.ident(id_field),
        premise=record.text("premise"),
        hypothesis=record.text("hypothesis"),
        gold=_label(record.path, record.line, record.text("gold_label")),
        source=record.optional_text("source") or record.optional_text("genre") or default_source,
        line=record.line,
    )


def load_klue(path: Path) -> list[NliItem]:
    """Read a KLUE-NLI JSON array."""
    items = [_from_record(record, path.stem) for record in read_json_array(path)]
    return check_unique_ids(path, items)


def load_jsonl(path: Path) -> list[NliItem]:
    """Read KLUE-style objects, one per line."""
    items = [_from_record(record, path.stem) for record in read_jsonl(path)]
    return check_unique_ids(path, items)


def load_kornli(path: Path) -> list[NliItem]:
    """Read a KorNLI TSV; ids are ``L<line>`` because the format has none."""
    items = [
        NliItem(
            id=f"L{line}",
            premise=row["sentence1"],
            hypothesis=row["sentence2"],
            gold=_label(path, line, row["gold_label"]),
            source=path.stem,
            line=line,
        )
        for line, row in read_tsv(path, ("sentence1", "sentence2", "gold_label"))
    ]
    return check_unique_ids(path, items)


FORMATS = {"klue": load_klue, "kornli": load_kornli, "jsonl": load_jsonl}
SUFFIX_FORMATS = {".json": "klue", ".tsv": "kornli", ".jsonl": "jsonl"}
