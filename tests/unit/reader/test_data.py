"""The KorQuAD split: by article, deterministic, disjoint; malformed files named."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from searchlm.reader.training.data import (
    KORQUAD_DEV,
    QaDataError,
    ids_digest,
    load_korquad,
    load_split,
    split_articles,
    split_record,
)
from tests.unit.reader.conftest import KORQUAD_DEV as REAL_FILE


def test_split_puts_whole_articles_on_one_side_and_never_overlaps(tiny_data_dir: Path) -> None:
    split = load_split(tiny_data_dir, seed=13, heldout_fraction=0.2, tune_fraction=0.1)
    sides = {name: {a.title for a in getattr(split, name)} for name in ("train", "tune", "heldout")}
    assert (len(sides["train"]), len(sides["tune"]), len(sides["heldout"])) == (7, 1, 2)
    assert not (
        sides["train"] & sides["tune"]
        or sides["train"] & sides["heldout"]
        or sides["tune"] & sides["heldout"]
    )
    for name in ("train", "tune", "heldout"):
        assert {e.title for e in split.examples(name)} == sides[name]


def test_split_is_the_same_for_the_same_seed_and_differs_for_another(tiny_data_dir: Path) -> None:
    def held(seed: int) -> list[str]:
        return [
            a.title
            for a in load_split(tiny_data_dir, seed=seed, heldout_fraction=0.2, tune_fraction=0.1).heldout
        ]

    assert held(13) == held(13)
    assert any(held(13) != held(seed) for seed in (1, 2, 3))


def test_split_does_not_depend_on_article_order(tiny_data_dir: Path) -> None:
    articles = load_korquad(tiny_data_dir / KORQUAD_DEV)
    a = split_articles(articles, seed=5)
    b = split_articles(list(reversed(articles)), seed=5)
    assert split_record(a) == split_record(b)


def test_ids_digest_ignores_order() -> None:
    assert ids_digest(["b", "a"]) == ids_digest(["a", "b"]) != ids_digest(["a"])


def test_load_rejects_an_answer_not_at_its_offset(tmp_path: Path) -> None:
    bad = {
        "data": [
            {
                "title": "t",
                "paragraphs": [
                    {
                        "context": "서울은 수도이다.",
                        "qas": [
                            {"id": "q1", "question": "?", "answers": [{"text": "부산", "answer_start": 0}]}
                        ],
                    }
                ],
            }
        ]
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(QaDataError, match="question q1"):
        load_korquad(path)


def test_split_rejects_fractions_out_of_range(tiny_data_dir: Path) -> None:
    with pytest.raises(ValueError, match="fractions"):
        load_split(tiny_data_dir, seed=1, heldout_fraction=1.0, tune_fraction=0.1)


@pytest.mark.skipif(not REAL_FILE.is_file(), reason="KorQuAD 1.0 dev is not in shared/data")
def test_korquad_dev_splits_into_101_train_11_tune_28_heldout_articles() -> None:
    split = load_split(REAL_FILE.parents[1], seed=13, heldout_fraction=0.2, tune_fraction=0.1)
    record = split_record(split)
    assert [record[n]["articles"] for n in ("train", "tune", "heldout")] == [101, 11, 28]  # type: ignore[index]
    assert sum(record[n]["questions"] for n in ("train", "tune", "heldout")) == 5774  # type: ignore[index]
    ids = [{e.qid for e in split.examples(n)} for n in ("train", "tune", "heldout")]
    assert not (ids[0] & ids[1] or ids[0] & ids[2] or ids[1] & ids[2])
