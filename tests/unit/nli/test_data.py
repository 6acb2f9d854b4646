"""Data loading, validation messages and the deterministic split."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from searchlm.nli.training.data import (
    KLUE_FILE,
    XNLI_FILE,
    NliDataError,
    NliExample,
    load_all,
    load_klue,
    load_pool,
    load_test,
    load_xnli_tsv,
    split_digest,
    split_examples,
)


def test_load_all_reads_both_formats_when_files_are_well_formed(tiny_data_dir: Path) -> None:
    examples = load_all(tiny_data_dir)
    assert len(examples) == 18 + 9
    assert {e.label for e in examples} == {0, 1, 2}
    assert examples[-1].guid == "xnli-dev-ko-10"


def test_load_klue_names_file_and_line_when_a_label_is_unknown(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    recs = [
        {"guid": "a", "premise": "p", "hypothesis": "h", "gold_label": "entailment"},
        {"guid": "b", "premise": "p", "hypothesis": "h", "gold_label": "maybe"},
    ]
    path.write_text(json.dumps(recs, indent=1), encoding="utf-8")
    with pytest.raises(NliDataError, match=r"bad\.json, line 8: unknown gold_label 'maybe'"):
        load_klue(path)


def test_load_klue_names_file_and_line_when_json_is_truncated(tmp_path: Path) -> None:
    path = tmp_path / "cut.json"
    path.write_text('[\n {"guid": "a",\n  "premise": "p"\n', encoding="utf-8")
    with pytest.raises(NliDataError, match=r"cut\.json, line \d+: invalid JSON"):
        load_klue(path)


def test_load_klue_names_missing_fields_when_a_record_lacks_them(tmp_path: Path) -> None:
    path = tmp_path / "missing.json"
    path.write_text('[\n{"guid": "a", "premise": "p"}\n]', encoding="utf-8")
    with pytest.raises(
        NliDataError, match=r"missing\.json, line 2: missing field\(s\) hypothesis, gold_label"
    ):
        load_klue(path)


def test_load_xnli_names_file_and_line_when_a_row_has_two_fields(tmp_path: Path) -> None:
    path = tmp_path / "bad.tsv"
    path.write_text('sentence1\tsentence2\tgold_label\n"a\tb\tneutral\nonly\ttwo\n', encoding="utf-8")
    with pytest.raises(NliDataError, match=r"bad\.tsv, line 3: expected 3 tab-separated fields, got 2"):
        load_xnli_tsv(path)


def test_load_xnli_keeps_quotes_literal_when_a_field_starts_with_a_quote(tmp_path: Path) -> None:
    path = tmp_path / "q.tsv"
    path.write_text(
        'sentence1\tsentence2\tgold_label\n"그가 말했다\t그는 말했다\tentailment\n', encoding="utf-8"
    )
    assert load_xnli_tsv(path)[0].premise == '"그가 말했다'


def test_load_xnli_rejects_file_when_header_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "nohead.tsv"
    path.write_text("a\tb\tneutral\n", encoding="utf-8")
    with pytest.raises(NliDataError, match=r"nohead\.tsv, line 1: missing header"):
        load_xnli_tsv(path)


def test_load_all_names_the_path_when_a_file_is_absent(tmp_path: Path) -> None:
    with pytest.raises(NliDataError, match=r"klue-nli-v1\.1_dev\.json: cannot read"):
        load_all(tmp_path)


def _examples(n_premises: int) -> list[NliExample]:
    return [
        NliExample(f"g{p}-{lab}", "s", f"premise {p}", f"hyp {lab}", lab)
        for p in range(n_premises)
        for lab in range(3)
    ]


def test_split_keeps_premises_on_one_side_when_splitting() -> None:
    train, held = split_examples(_examples(50), 0.2, seed=7)
    assert not {e.premise for e in train} & {e.premise for e in held}
    assert len(held) == 30 and len(train) == 120


def test_split_is_identical_when_the_seed_and_input_order_change() -> None:
    first = split_examples(_examples(40), 0.2, seed=3)[1]
    again = split_examples(list(reversed(_examples(40))), 0.2, seed=3)[1]
    other = split_examples(_examples(40), 0.2, seed=4)[1]
    assert split_digest(first) == split_digest(again) != split_digest(other)


def test_real_data_loads_5490_pairs_when_shared_data_is_present(shared_data_dir: Path) -> None:
    examples = load_all(shared_data_dir)
    assert (shared_data_dir / KLUE_FILE).is_file() and (shared_data_dir / XNLI_FILE).is_file()
    assert len(examples) == 5490


def test_pool_is_klue_train_plus_xnli_and_test_is_klue_dev(tiny_data_dir: Path) -> None:
    pool, test = load_pool(tiny_data_dir), load_test(tiny_data_dir)
    assert [e.guid for e in pool[:2]] == ["tr-0", "tr-1"] and pool[-1].guid.startswith("xnli-dev-ko-")
    assert pool[0].stratum == "klue:test"  # the train file's ``genre`` key names the stratum
    assert {e.guid for e in test} == {f"t-{i}" for i in range(18)}
    assert not {e.guid for e in pool} & {e.guid for e in test}


def test_real_pool_and_test_never_share_a_premise(shared_data_dir: Path) -> None:
    pool, test = load_pool(shared_data_dir), load_test(shared_data_dir)
    assert len(pool) == 24_998 + 2_490 and len(test) == 3_000
    assert {e.stratum for e in pool} >= {"klue:NSMC", "klue:airbnb", "klue:wikipedia", "xnli"}
    assert not {e.premise for e in pool if e.stratum != "xnli"} & {e.premise for e in test}
