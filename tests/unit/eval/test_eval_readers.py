"""Readers name the file and line of every malformed record."""

from __future__ import annotations

from pathlib import Path

import pytest

from eval.errors import InputFormatError
from eval.readers import read_json_array, read_jsonl, read_tsv, sha256_file


def test_read_jsonl_skips_blank_lines_and_keeps_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"id": 1}\n\n{"id": 2}\n', encoding="utf-8")
    assert [(r.line, r.data["id"]) for r in read_jsonl(path)] == [(1, 1), (3, 2)]


def test_read_jsonl_invalid_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text('{"id": 1}\n{oops\n', encoding="utf-8")
    with pytest.raises(InputFormatError, match=r"a\.jsonl:2: invalid JSON"):
        list(read_jsonl(path))


def test_read_jsonl_rejects_non_objects(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text("[1, 2]\n", encoding="utf-8")
    with pytest.raises(InputFormatError, match=":1: each line must be a JSON object"):
        list(read_jsonl(path))


def test_read_jsonl_rejects_non_utf8(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes("한국어".encode("euc-kr"))
    with pytest.raises(InputFormatError, match="not UTF-8"):
        list(read_jsonl(path))


def test_read_json_array_reports_the_line_each_object_starts_on(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('[\n  {"a": 1},\n  {\n    "a": 2\n  }\n]\n', encoding="utf-8")
    assert [r.line for r in read_json_array(path)] == [2, 3]


def test_read_json_array_record_errors_name_the_line(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('[\n {"premise": "p"},\n {"premise": 3}\n]', encoding="utf-8")
    records = list(read_json_array(path))
    with pytest.raises(InputFormatError, match=r"a\.json:3: field 'premise' must be a string"):
        records[1].text("premise")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1}', "expected a JSON array"),
        ('[{"a": 1} {"a": 2}]', "expected ',' or ']'"),
        ("[1]", "objects"),
    ],
)
def test_read_json_array_rejects_malformed_arrays(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "a.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputFormatError, match=message):
        list(read_json_array(path))


def test_read_tsv_does_not_treat_quotes_specially(tmp_path: Path) -> None:
    path = tmp_path / "a.tsv"
    path.write_text('s1\ts2\tgold_label\n그가 "안녕\t좋다\tneutral\n', encoding="utf-8")
    assert list(read_tsv(path, ("s1", "s2"))) == [
        (2, {"s1": '그가 "안녕', "s2": "좋다", "gold_label": "neutral"})
    ]


def test_read_tsv_wrong_field_count_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "a.tsv"
    path.write_text("a\tb\n1\t2\n3\n", encoding="utf-8")
    with pytest.raises(InputFormatError, match=r":3: expected 2 tab-separated fields, got 1"):
        list(read_tsv(path, ("a", "b")))


def test_read_tsv_missing_header_column(tmp_path: Path) -> None:
    path = tmp_path / "a.tsv"
    path.write_text("a\tb\n", encoding="utf-8")
    with pytest.raises(InputFormatError, match="lacks column"):
        list(read_tsv(path, ("a", "gold_label")))


def test_sha256_file_matches_known_digest(tmp_path: Path) -> None:
    path = tmp_path / "x"
    path.write_bytes(b"abc")
    assert sha256_file(path) == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
