"""Line-aware readers for JSONL, JSON arrays and TSV files.

Every malformed record raises :class:`InputFormatError` naming the file and the
line, so the CLI can print one clear message instead of a traceback.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from eval.errors import InputFormatError

_HASH_CHUNK = 1 << 20


def sha256_file(path: Path) -> str:
    """Return the hex SHA-256 of a file, read in chunks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(_HASH_CHUNK), b""):
            digest.update(chunk)
    return digest.hexdigest()


def read_text(path: Path) -> str:
    """Read a UTF-8 file, turning decoding problems into :class:`InputFormatError`."""
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputFormatError(path, f"not UTF-8 text ({exc.reason})") from exc
    except OSError as exc:
        raise InputFormatError(path, f"cannot read: {exc.strerror}") from exc


@dataclass(frozen=True)
class Record:
    """One JSON object from a file, with where it came from for error messages.

    Attributes:
        path: The file.
        line: 1-based line where the object starts (``None`` when unknown).
        data: The decoded object.
        location: Position inside a nested document, when lines do not help.
    """

    path: Path
    line: int | None
    data: dict[str, Any]
    location: str | None = None

    def error(self, message: str) -> InputFormatError:
        """Build an error that names this record's file and line."""
        return InputFormatError(self.path, message, line=self.line, location=self.location)

    def text(self, name: str) -> str:
        """Return a required string field (may be empty)."""
        value = self.data.get(name)
        if not isinstance(value, str):
            raise self.error(_field_problem(name, value, "a string"))
        return value

    def optional_text(self, name: str) -> str | None:
        """Return a string field that may be missing or null."""
        if self.data.get(name) is None:
            return None
        return self.text(name)

    def ident(self, name: str = "id") -> str:
        """Return a required id: a non-empty string or an integer (as text)."""
        value = self.data.get(name)
        if isinstance(value, bool) or not isinstance(value, (str, int)) or value == "":
            raise self.error(_field_problem(name, value, "a non-empty string or integer id"))
        return str(value)

    def text_list(self, name: str, *, required: bool = True) -> tuple[str, ...]:
        """Return a list-of-strings field; missing is an error only if ``required``."""
        value = self.data.get(name)
        if value is None and not required:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.error(_field_problem(name, value, "a list of strings"))
        return tuple(value)

    def flag(self, name: str) -> bool:
        """Return an optional boolean field (missing or null is ``False``)."""
        value = self.data.get(name)
        if value is None:
            return False
        if not isinstance(value, bool):
            raise self.error(_field_problem(name, value, "true or false"))
        return value


def _field_problem(name: str, value: object, expected: str) -> str:
    if value is None:
        return f"missing field {name!r} (expected {expected})"
    return f"field {name!r} must be {expected}, got {type(value).__name__}"


def read_jsonl(path: Path) -> Iterator[Record]:
    """Yield one :class:`Record` per non-blank line of a JSONL file."""
    for number, line in enumerate(read_text(path).splitlines(), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputFormatError(path, f"invalid JSON: {exc.msg}", line=number) from exc
        if not isinstance(value, dict):
            raise InputFormatError(path, "each line must be a JSON object", line=number)
        yield Record(path, number, value)


def load_json(path: Path) -> Any:
    """Parse a whole JSON document, naming the line of a syntax error."""
    try:
        return json.loads(read_text(path))
    except json.JSONDecodeError as exc:
        raise InputFormatError(path, f"invalid JSON: {exc.msg}", line=exc.lineno) from exc


def read_json_array(path: Path) -> Iterator[Record]:
    """Yield the objects of a top-level JSON array with the line each starts on.

    ``json.load`` forgets positions; decoding element by element keeps them so
    that a missing field in item 2,417 is reported with its line.
    """
    text = read_text(path)
    decoder = json.JSONDecoder()
    pos = _skip_ws(text, 0)
    if not text.startswith("[", pos):
        raise InputFormatError(path, "expected a JSON array of objects", line=_line_at(text, pos))
    pos = _skip_ws(text, pos + 1)
    # Lines are counted from the previous element on: counting from the start for every
    # element made reading KLUE's 25,000-pair train file quadratic (about a minute).
    line, counted = 1, 0
    while not text.startswith("]", pos):
        line += text.count("\n", counted, pos)
        counted = pos
        try:
            value, pos = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            raise InputFormatError(path, f"invalid JSON: {exc.msg}", line=exc.lineno) from exc
        if not isinstance(value, dict):
            raise InputFormatError(path, "array elements must be JSON objects", line=line)
        yield Record(path, line, value)
        pos = _skip_separator(text, pos, path)


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _skip_separator(text: str, pos: int, path: Path) -> int:
    pos = _skip_ws(text, pos)
    if text.startswith(",", pos):
        return _skip_ws(text, pos + 1)
    if text.startswith("]", pos):
        return pos
    raise InputFormatError(path, "expected ',' or ']' in JSON array", line=_line_at(text, pos))


def _line_at(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def read_tsv(path: Path, header: Sequence[str]) -> Iterator[tuple[int, dict[str, str]]]:
    """Yield ``(line, row)`` for a TSV file whose first line names ``header`` columns.

    Quoting is disabled on purpose: KorNLI sentences contain bare ``"`` that a
    CSV reader would swallow across lines.
    """
    lines = read_text(path).splitlines()
    columns = lines[0].split("\t") if lines else []
    missing = [name for name in header if name not in columns]
    if missing:
        raise InputFormatError(path, f"header lacks column(s) {', '.join(missing)}", line=1)
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split("\t")
        if len(cells) != len(columns):
            raise InputFormatError(
                path, f"expected {len(columns)} tab-separated fields, got {len(cells)}", line=number
            )
        yield number, dict(zip(columns, cells, strict=True))
