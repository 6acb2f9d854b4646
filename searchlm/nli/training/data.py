"""Loading and splitting the Korean NLI data.

Training pool: KLUE-NLI v1.1 train (24,998 human pairs) + KorNLI XNLI dev
(2,490); a training-side *tune* split is carved out of it (premise-grouped)
for checkpoint and threshold choices. KLUE-NLI v1.1 dev (3,000 pairs) is the
clean *test* set: never trained or tuned on, the figure to report.

The files are read in place from the shared data directory and never copied
into the repository. Every malformed record raises :class:`NliDataError` with
the file name and line number so that a broken download is easy to locate.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from searchlm.nli.types import LABELS

KLUE_FILE = Path("klue-nli") / "klue-nli-v1.1_dev.json"
KLUE_TRAIN_FILE = Path("klue-nli") / "klue-nli-v1.1_train.json"
XNLI_FILE = Path("kornli-xnli") / "xnli.dev.ko.tsv"
LABEL_TO_ID = {name: i for i, name in enumerate(LABELS)}


class NliDataError(ValueError):
    """A data file is missing, unreadable or has a malformed record."""


@dataclass(frozen=True)
class NliExample:
    """One labelled premise/hypothesis pair.

    Attributes:
        guid: stable identifier (KLUE guid, or ``xnli-dev-ko-<line>``).
        stratum: dataset and domain, used to stratify the split.
        premise: the premise sentence(s).
        hypothesis: the hypothesis sentence.
        label: index into :data:`searchlm.nli.types.LABELS`.
    """

    guid: str
    stratum: str
    premise: str
    hypothesis: str
    label: int


def _label_id(raw: object, where: str) -> int:
    if raw not in LABEL_TO_ID:
        raise NliDataError(f"{where}: unknown gold_label {raw!r}; expected one of {LABELS}")
    return LABEL_TO_ID[str(raw)]


def _json_line_numbers(text: str, count: int) -> list[int]:
    """Best-effort line number of each top-level object in a JSON list."""
    lines: list[int] = []
    depth, line, in_str, escaped = 0, 1, False, False
    for ch in text:
        if ch == "\n":
            line += 1
        if in_str:
            in_str, escaped = (escaped or ch != '"'), (not escaped and ch == "\\")
            continue
        if ch == '"':
            in_str = True
        elif ch in "[{":
            if depth == 1:
                lines.append(line)
            depth += 1
        elif ch in "]}":
            depth -= 1
        if len(lines) >= count:
            break
    return lines + [0] * (count - len(lines))


def _klue_example(rec: object, where: str) -> NliExample:
    if not isinstance(rec, dict):
        raise NliDataError(f"{where}: expected a JSON object, got {type(rec).__name__}")
    missing = [k for k in ("guid", "premise", "hypothesis", "gold_label") if k not in rec]
    if missing:
        raise NliDataError(f"{where}: missing field(s) {', '.join(missing)}")
    premise, hypothesis = rec["premise"], rec["hypothesis"]
    if not (isinstance(premise, str) and isinstance(hypothesis, str) and premise and hypothesis):
        raise NliDataError(f"{where}: premise and hypothesis must be non-empty strings")
    # the dev file names the domain ``source``, the train file ``genre``
    stratum = f"klue:{rec.get('source', rec.get('genre', 'unknown'))}"
    return NliExample(str(rec["guid"]), stratum, premise, hypothesis, _label_id(rec["gold_label"], where))


def load_klue(path: Path) -> list[NliExample]:
    """Read a KLUE-NLI JSON list file.

    Args:
        path: the ``klue-nli-v1.1_dev.json`` file.

    Returns:
        The examples in file order.

    Raises:
        NliDataError: if the file is missing, not JSON, or a record is malformed
            (the message names the file and the record's line).
    """
    try:
        text = path.read_text(encoding="utf-8")
        records = json.loads(text)
    except OSError as exc:
        raise NliDataError(f"{path}: cannot read ({exc})") from exc
    except json.JSONDecodeError as exc:
        raise NliDataError(f"{path}, line {exc.lineno}: invalid JSON ({exc.msg})") from exc
    if not isinstance(records, list):
        raise NliDataError(f"{path}, line 1: expected a JSON list of records")
    line_nos = _json_line_numbers(text, len(records))
    return [_klue_example(r, f"{path}, line {ln}") for r, ln in zip(records, line_nos, strict=True)]


def _tsv_example(fields: list[str], path: Path, line_no: int) -> NliExample:
    where = f"{path}, line {line_no}"
    if len(fields) != 3:
        raise NliDataError(f"{where}: expected 3 tab-separated fields, got {len(fields)}")
    premise, hypothesis, label = fields
    if not premise or not hypothesis:
        raise NliDataError(f"{where}: empty premise or hypothesis")
    return NliExample(f"xnli-dev-ko-{line_no}", "xnli", premise, hypothesis, _label_id(label, where))


def load_xnli_tsv(path: Path) -> list[NliExample]:
    """Read a KorNLI TSV file (``sentence1\\tsentence2\\tgold_label``).

    Quotes are ordinary characters here (the files are not CSV-quoted), so
    lines are split on tabs only.

    Args:
        path: the ``xnli.dev.ko.tsv`` file.

    Returns:
        The examples in file order (header skipped).

    Raises:
        NliDataError: on a missing file or a malformed line (names file and line).
    """
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise NliDataError(f"{path}: cannot read ({exc})") from exc
    if not lines or lines[0].split("\t")[:3] != ["sentence1", "sentence2", "gold_label"]:
        raise NliDataError(f"{path}, line 1: missing header 'sentence1\\tsentence2\\tgold_label'")
    return [_tsv_example(line.split("\t"), path, i) for i, line in enumerate(lines[1:], start=2) if line]


def load_all(data_dir: Path) -> list[NliExample]:
    """Load KLUE-NLI dev and KorNLI XNLI dev (the v1 artefact's data).

    Args:
        data_dir: the ``shared/data`` folder.

    Returns:
        KLUE examples followed by XNLI-ko examples.
    """
    return load_klue(data_dir / KLUE_FILE) + load_xnli_tsv(data_dir / XNLI_FILE)


def load_pool(data_dir: Path) -> list[NliExample]:
    """The training pool: KLUE-NLI train followed by KorNLI XNLI dev.

    Args:
        data_dir: the ``shared/data`` folder.

    Returns:
        Every pair training and tuning may use (never KLUE-NLI dev).
    """
    return load_klue(data_dir / KLUE_TRAIN_FILE) + load_xnli_tsv(data_dir / XNLI_FILE)


def load_test(data_dir: Path) -> list[NliExample]:
    """The clean held-out test set: KLUE-NLI v1.1 dev (3,000 pairs)."""
    return load_klue(data_dir / KLUE_FILE)


def _group_rank(premise: str, seed: int) -> str:
    return hashlib.sha256(f"{seed}:{premise}".encode()).hexdigest()


def split_examples(
    examples: Sequence[NliExample], heldout_fraction: float, seed: int
) -> tuple[list[NliExample], list[NliExample]]:
    """Split deterministically into train and held-out parts.

    Pairs sharing a premise stay on the same side (a premise seen in training
    would leak into the held-out score); within each stratum, premise groups
    are ordered by a seeded hash and the first ``heldout_fraction`` go held out.
    Each premise carries one hypothesis per label, so labels stay balanced.

    Args:
        examples: all examples.
        heldout_fraction: share of each stratum to hold out (0-1).
        seed: hash seed; the same seed always yields the same split.

    Returns:
        ``(train, heldout)`` lists, each in input order.
    """
    groups: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    for i, ex in enumerate(examples):
        groups[ex.stratum][ex.premise].append(i)
    held: set[int] = set()
    for by_premise in groups.values():
        total = sum(len(v) for v in by_premise.values())
        taken = 0
        for premise in sorted(by_premise, key=lambda p: _group_rank(p, seed)):
            if taken >= heldout_fraction * total:
                break
            held.update(by_premise[premise])
            taken += len(by_premise[premise])
    train = [ex for i, ex in enumerate(examples) if i not in held]
    return train, [ex for i, ex in enumerate(examples) if i in held]


def split_digest(examples: Iterable[NliExample]) -> str:
    """SHA-256 over the sorted guids, to record exactly which pairs were used."""
    joined = "\n".join(sorted(ex.guid for ex in examples))
    return hashlib.sha256(joined.encode()).hexdigest()
