from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from searchlm.search.cli import app
from searchlm.search.embedded import EmbeddedBm25Backend
from searchlm.search.types import Document

DOCS = [
    Document("a", "삼성 갤럭시 S24"),
    Document("b", "삼성 갤럭시 노트 5"),
    Document("c", "아이폰 15 케이스", "애플 정품"),
]


async def test_count_requires_every_morpheme() -> None:
    backend = EmbeddedBm25Backend()
    await backend.index(DOCS)
    assert await backend.count("삼성 갤럭시") == 2
    assert await backend.count("삼성의 노트") == 1  # particles do not count
    assert await backend.count("삼성 아이폰") == 0
    assert await backend.count("삼성갤럭시") == 0  # a missing space is a null query
    assert await backend.count("애플") == 1  # body text is searched too


async def test_search_ranks_by_bm25_with_ids_and_titles() -> None:
    backend = EmbeddedBm25Backend()
    await backend.index(DOCS)
    hits = await backend.search("갤럭시 노트", k=2)
    assert [h.id for h in hits] == ["b", "a"]
    assert hits[0].title == "삼성 갤럭시 노트 5" and hits[0].score > hits[1].score > 0
    assert await backend.search("없는말", k=3) == []


async def test_vocabulary_has_title_word_frequencies() -> None:
    backend = EmbeddedBm25Backend()
    await backend.index(DOCS)
    vocab = await backend.vocabulary()
    assert vocab["삼성"] == 2 and vocab["s24"] == 1


async def test_index_persists_and_reindexing_replaces(tmp_path: Path) -> None:
    backend = EmbeddedBm25Backend(tmp_path)
    await backend.index(DOCS)
    await backend.close()
    reopened = EmbeddedBm25Backend(tmp_path)
    await reopened.index([Document("a", "삼성 갤럭시 S25")])
    assert len(reopened) == 3
    assert await reopened.count("s25") == 1 and await reopened.count("s24") == 0


def test_build_cli_indexes_jsonl(tmp_path: Path) -> None:
    source = tmp_path / "docs.jsonl"
    source.write_text(
        "\n".join(json.dumps({"id": d.id, "title": d.title, "brand": "x"}, ensure_ascii=False) for d in DOCS)
    )
    index = tmp_path / "index"
    result = CliRunner().invoke(app, ["build", str(source), "--path", str(index)])
    assert result.exit_code == 0, result.output
    assert "indexed 3 documents" in result.output
    result = CliRunner().invoke(app, ["search", "갤럭시", "--path", str(index)])
    assert "hits (all morphemes): 2" in result.output


def test_build_cli_names_bad_line(tmp_path: Path) -> None:
    source = tmp_path / "docs.jsonl"
    source.write_text('{"id": 1, "title": "a"}\n{"title": "no id"}\n')
    result = CliRunner().invoke(app, ["build", str(source), "--path", str(tmp_path / "i")])
    assert result.exit_code == 2
