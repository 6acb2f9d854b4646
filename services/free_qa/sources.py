"""Readers of ingest input: JSONL passages or SQuAD-format JSON (KorQuAD)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

from searchlm.errors import InvalidRequestError
from services.free_qa.types import Passage


def read_jsonl(path: Path) -> Iterator[Passage]:
    """``{"id", "title", "text"}`` per line (``context`` is accepted for ``text``)."""
    with path.open(encoding="utf-8") as f:
        for number, line in enumerate(f, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                text = row.get("text") or row.get("context")
                yield Passage(id=str(row["id"]), title=str(row.get("title", "")), text=str(text))
            except (ValueError, KeyError, TypeError) as exc:
                raise InvalidRequestError(f"{path}:{number}", f"expected {{id, title, text}}: {exc}") from exc


def read_squad(path: Path) -> Iterator[Passage]:
    """Every paragraph of a SQuAD v1.1 file, id ``<title>#<paragraph index>`` (eval's convention)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    for article in data["data"]:
        title = str(article.get("title", ""))
        for index, paragraph in enumerate(article["paragraphs"]):
            yield Passage(id=f"{title}#{index}", title=title, text=str(paragraph["context"]))


READERS: dict[str, Callable[[Path], Iterator[Passage]]] = {"jsonl": read_jsonl, "squad": read_squad}


def detect_format(path: Path) -> str:
    """``squad`` for .json files, else ``jsonl``."""
    return "squad" if path.suffix.lower() == ".json" else "jsonl"


def read_passages(path: Path, fmt: str = "auto") -> list[Passage]:
    """All passages of a file, in order; duplicate ids keep the first."""
    reader = READERS[detect_format(path) if fmt == "auto" else fmt]
    seen: dict[str, Passage] = {}
    for passage in reader(path):
        if passage.text.strip():
            seen.setdefault(passage.id, passage)
    return list(seen.values())
