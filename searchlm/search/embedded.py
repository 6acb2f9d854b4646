"""The embedded default backend: Kiwi-analysed BM25 (bm25s) in process, persisted to a folder.

Counting uses an inverted index (token -> sorted document numbers) intersected in numpy, so
a zero-result check costs well under a millisecond; ranking uses bm25s's sparse BM25 matrix.
Both are rebuilt lazily after writes. On disk the index is one JSONL file of documents with
their analysed tokens (so loading needs no Kiwi), written atomically: a crashed build leaves
the previous index intact, and re-running a build is safe.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from searchlm.search import analysis
from searchlm.search.types import Document, SearchHit

DOCUMENTS_FILE = "documents.jsonl"


@dataclass(frozen=True)
class _Stored:
    doc: Document
    tokens: tuple[str, ...]
    words: tuple[str, ...]


def _analyse(doc: Document, analyzer: analysis.Analyzer) -> _Stored:
    tokens = analyzer.document(doc.title, doc.text)
    return _Stored(doc, tokens, tuple(dict.fromkeys(analysis.words(doc.title))))


class _Built:
    """Read-only search structures over a snapshot of the documents."""

    def __init__(self, stored: list[_Stored], *, k1: float, b: float) -> None:
        postings: dict[str, list[int]] = {}
        for number, item in enumerate(stored):
            for token in set(item.tokens):
                postings.setdefault(token, []).append(number)
        self.postings = {t: np.asarray(p, dtype=np.int32) for t, p in postings.items()}
        self.vocabulary = Counter(w for item in stored for w in item.words)
        self.bm25: Any = None
        if stored:
            import bm25s  # imported here: the module is only needed once something is indexed

            self.bm25 = bm25s.BM25(k1=k1, b=b)
            self.bm25.index([list(item.tokens) or [""] for item in stored], show_progress=False)

    def count(self, tokens: tuple[str, ...]) -> int:
        lists = [self.postings.get(t) for t in set(tokens)]
        if not lists or any(p is None for p in lists):
            return 0
        ordered = sorted((p for p in lists if p is not None), key=len)
        result = ordered[0]
        for other in ordered[1:]:
            result = np.intersect1d(result, other, assume_unique=True)
            if not len(result):
                return 0
        return len(result)

    def top(self, tokens: tuple[str, ...], k: int) -> list[tuple[int, float]]:
        known = [t for t in tokens if t in self.bm25.vocab_dict] if self.bm25 is not None else []
        if not known:
            return []
        k = min(k, self.bm25.scores["num_docs"])
        ids, scores = self.bm25.retrieve([known], k=k, show_progress=False)
        hits = [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if s > 0]
        # bm25s's top-k leaves equal scores in no set order; the earlier document first makes
        # results reproducible (encyclopedias hold duplicate paragraphs that tie exactly).
        return sorted(hits, key=lambda hit: (-hit[1], hit[0]))


class EmbeddedBm25Backend:
    """`SearchBackend` in process.

    Args:
        path: Index folder; loaded when it exists, written by `flush` / `close`. None keeps
            the index in memory only.
        analyzer: A key of `analysis.ANALYZERS` (an index must be read with the analyzer it
            was written with).
        k1: BM25 term-frequency saturation.
        b: BM25 length normalisation.
    """

    def __init__(
        self, path: str | Path | None = None, *, analyzer: str = "morphemes", k1: float = 1.5, b: float = 0.75
    ) -> None:
        self._path = Path(path) if path else None
        self._analyzer = analysis.analyzer(analyzer)
        self._k1, self._b = k1, b
        self._stored: dict[str, _Stored] = {}
        self._built: _Built | None = None
        self._dirty = False
        if self._path is not None and (self._path / DOCUMENTS_FILE).exists():
            self._load(self._path / DOCUMENTS_FILE)

    def _load(self, file: Path) -> None:
        with file.open(encoding="utf-8") as fh:
            for line in fh:
                row = json.loads(line)
                doc = Document(row["id"], row["title"], row.get("text", ""), row.get("extra", {}))
                self._stored[doc.id] = _Stored(doc, tuple(row["tokens"]), tuple(row["words"]))

    def _snapshot(self) -> tuple[_Built, list[_Stored]]:
        stored = list(self._stored.values())
        if self._built is None:
            self._built = _Built(stored, k1=self._k1, b=self._b)
        return self._built, stored

    def __len__(self) -> int:
        return len(self._stored)

    async def count(self, query: str) -> int:
        """Documents containing every content morpheme of `query`."""
        built, _ = self._snapshot()
        return built.count(self._analyzer.query(query))

    async def search(self, query: str, k: int = 10) -> list[SearchHit]:
        """Top-`k` documents by BM25 over morphemes."""
        built, stored = self._snapshot()
        return [
            SearchHit(stored[i].doc.id, stored[i].doc.title, score)
            for i, score in built.top(self._analyzer.query(query), k)
        ]

    async def index(self, documents: Iterable[Document]) -> int:
        """Analyses and adds (or replaces) documents; search structures rebuild on next use."""
        docs = list(documents)
        self._analyzer.prime([f"{d.title} {d.text}" for d in docs])
        written = 0
        for doc in docs:
            self._stored[doc.id] = _analyse(doc, self._analyzer)
            written += 1
        if written:
            self._built, self._dirty = None, True
        return written

    async def vocabulary(self) -> Mapping[str, int]:
        """Title words with document frequencies."""
        built, _ = self._snapshot()
        return dict(built.vocabulary)

    def flush(self) -> None:
        """Writes the index folder atomically (no-op without a path or changes)."""
        if self._path is None or not self._dirty:
            return
        self._path.mkdir(parents=True, exist_ok=True)
        tmp = self._path / (DOCUMENTS_FILE + ".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            for item in self._stored.values():
                fh.write(json.dumps(_row(item), ensure_ascii=False) + "\n")
        os.replace(tmp, self._path / DOCUMENTS_FILE)
        self._dirty = False

    async def close(self) -> None:
        """Flushes pending writes."""
        self.flush()


def _row(item: _Stored) -> dict[str, Any]:
    doc = item.doc
    return {
        "id": doc.id,
        "title": doc.title,
        "text": doc.text,
        "extra": doc.extra,
        "tokens": list(item.tokens),
        "words": list(item.words),
    }
