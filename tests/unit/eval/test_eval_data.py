"""Data loaders for every task and format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.data import nli, null_query, qa, summaries
from eval.errors import InputFormatError
from tests.unit.eval.testdata import NLI_KLUE, QA_ROWS, SUMMARY_ROWS, write_jsonl


def test_summary_jsonl_loads_reviews_and_references(tmp_path: Path) -> None:
    items = summaries.load_jsonl(write_jsonl(tmp_path / "s.jsonl", SUMMARY_ROWS))
    assert [i.id for i in items] == ["s1", "s2", "s3"]
    assert items[0].references == ("배송이 빠르고 포장이 꼼꼼해요.",) and len(items[0].reviews) == 2


def test_summary_jsonl_duplicate_id_names_both_lines(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "s.jsonl", [{"id": "a"}, {"id": "a"}])
    with pytest.raises(InputFormatError, match=r"s\.jsonl:2: duplicate id 'a' \(first seen on line 1\)"):
        summaries.load_jsonl(path)


def test_summary_fewsum_tsv_collects_reviews_and_summaries(tmp_path: Path) -> None:
    header = ["cat", "group_id", *(f"rev{i}" for i in range(1, 4)), "summ1", "summ2", "rating1"]
    row = ["bag", "B1", "Nice.", "Bad.", "", "Mixed views.", "Some like it.", "5"]
    path = tmp_path / "test.csv"
    path.write_text("\t".join(header) + "\n" + "\t".join(row) + "\n", encoding="utf-8")
    [item] = summaries.load_fewsum(path)
    assert item.id == "B1" and item.reviews == ("Nice.", "Bad.") and len(item.references) == 2


def test_nli_klue_json_loads_labels_and_sources(tmp_path: Path) -> None:
    path = tmp_path / "klue.json"
    path.write_text(json.dumps(NLI_KLUE, ensure_ascii=False, indent=1), encoding="utf-8")
    items = nli.load_klue(path)
    assert [(i.id, i.gold, i.source) for i in items][:2] == [
        ("n1", "entailment", "airbnb"),
        ("n2", "contradiction", "airbnb"),
    ]


def test_nli_klue_missing_field_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "klue.json"
    path.write_text('[\n{"guid": "a", "premise": "p", "gold_label": "neutral"}\n]', encoding="utf-8")
    with pytest.raises(InputFormatError, match=r"klue\.json:2: missing field 'hypothesis'"):
        nli.load_klue(path)


def test_nli_kornli_tsv_ids_are_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "xnli.tsv"
    path.write_text(
        'sentence1\tsentence2\tgold_label\n그가 "왔다\t그는 갔다\tcontradiction\n', encoding="utf-8"
    )
    [item] = nli.load_kornli(path)
    assert (item.id, item.premise, item.gold, item.source) == ("L2", '그가 "왔다', "contradiction", "xnli")


def test_nli_unknown_label_is_rejected_with_line(tmp_path: Path) -> None:
    path = tmp_path / "x.tsv"
    path.write_text("sentence1\tsentence2\tgold_label\na\tb\t-\n", encoding="utf-8")
    with pytest.raises(InputFormatError, match=r"x\.tsv:2: gold_label '-'"):
        nli.load_kornli(path)


def test_qa_jsonl_infers_unanswerable_and_validates_types(tmp_path: Path) -> None:
    items = qa.load_jsonl(write_jsonl(tmp_path / "q.jsonl", QA_ROWS))
    assert [i.answer_type for i in items] == [
        "extractive",
        "extractive",
        "yes_no",
        "unanswerable",
        "extractive",
    ]
    bad = write_jsonl(
        tmp_path / "b.jsonl", [{"id": "x", "question": "q", "answers": [], "answer_type": "yes_no"}]
    )
    with pytest.raises(InputFormatError, match=r"b\.jsonl:1: answer_type 'yes_no' needs"):
        qa.load_jsonl(bad)


def test_qa_squad_json_gives_passage_ids_by_title_and_index(tmp_path: Path) -> None:
    doc = {
        "version": "KorQuAD_v1.0_dev",
        "data": [
            {
                "title": "세종",
                "paragraphs": [
                    {
                        "context": "c0",
                        "qas": [{"id": "q0", "question": "?", "answers": [{"text": "a", "answer_start": 0}]}],
                    },
                    {
                        "context": "c1",
                        "qas": [{"id": "q1", "question": "?", "answers": [{"text": "b", "answer_start": 0}]}],
                    },
                ],
            }
        ],
    }
    path = tmp_path / "dev.json"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    items = qa.load_squad(path)
    assert [(i.id, i.answers, i.gold_passage_ids) for i in items] == [
        ("q0", ("a",), ("세종#0",)),
        ("q1", ("b",), ("세종#1",)),
    ]


def test_qa_squad_missing_field_names_the_json_path(tmp_path: Path) -> None:
    path = tmp_path / "dev.json"
    path.write_text(
        json.dumps({"data": [{"title": "t", "paragraphs": [{"qas": [{"id": "q"}]}]}]}), encoding="utf-8"
    )
    with pytest.raises(InputFormatError, match=r"data\[0\]\.paragraphs\[0\]\.qas\[0\]"):
        qa.load_squad(path)


def test_null_query_kiwi_space_format_builds_noisy_and_gold(tmp_path: Path) -> None:
    path = tmp_path / "written.txt"
    path.write_text("아이폰\u2594케이스\u2581가\n깨끗한 문장\n", encoding="utf-8")
    first, second = null_query.load_kiwi_space(path)
    assert (first.query, first.gold, first.noise_type) == ("아이폰케이스 가", "아이폰 케이스가", "spacing")
    assert (second.query, second.gold, second.noise_type) == ("깨끗한 문장", "깨끗한 문장", "none")


def test_null_query_jsonl_defaults_noise_type(tmp_path: Path) -> None:
    rows = [{"id": "a", "query": "x", "gold": "x"}, {"id": "b", "query": "x", "gold": "y"}]
    items = null_query.load_jsonl(write_jsonl(tmp_path / "n.jsonl", rows))
    assert [i.noise_type for i in items] == ["none", "unknown"]


def test_empty_data_file_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl"
    path.write_text("\n", encoding="utf-8")
    with pytest.raises(InputFormatError, match="no items"):
        null_query.load_jsonl(path)
