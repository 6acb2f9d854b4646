"""Shared fixtures for the NLI tests: data paths and synthetic NLI files."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")

ROOT = Path(__file__).resolve().parents[3]
SHARED_DATA = ROOT.parent / "shared" / "data"
SHIPPED = ROOT / "searchlm" / "nli" / "artifacts" / "e5-small-ko-nli"

# Written for these tests (not taken from KLUE or XNLI): premise templates whose
# three hypotheses are one entailed, one neutral and one contradicted.
_SYNTHETIC = [
    (
        "민수는 아침마다 공원에서 달리기를 한다.",
        "민수는 운동을 한다.",
        "민수는 마라톤 선수이다.",
        "민수는 운동을 전혀 하지 않는다.",
    ),
    (
        "이 식당은 월요일에 문을 닫는다.",
        "이 식당은 매일 열지는 않는다.",
        "이 식당은 한식을 판다.",
        "이 식당은 일주일 내내 영업한다.",
    ),
    (
        "지수는 고양이 두 마리를 키운다.",
        "지수는 반려동물이 있다.",
        "지수의 고양이는 흰색이다.",
        "지수는 동물을 키우지 않는다.",
    ),
    (
        "회의는 오후 세 시에 시작했다.",
        "회의는 오후에 시작했다.",
        "회의는 두 시간 동안 이어졌다.",
        "회의는 아침에 시작했다.",
    ),
    (
        "서준은 어제 서울에서 부산까지 기차를 탔다.",
        "서준은 기차로 이동했다.",
        "서준은 부산에 친구가 있다.",
        "서준은 어제 집에만 있었다.",
    ),
    (
        "그 책은 세 권으로 이루어져 있다.",
        "그 책은 여러 권이다.",
        "그 책은 베스트셀러다.",
        "그 책은 한 권짜리이다.",
    ),
]


def _triples() -> list[tuple[str, str, str]]:
    rows = []
    for premise, ent, neu, con in _SYNTHETIC:
        rows += [(premise, ent, "entailment"), (premise, neu, "neutral"), (premise, con, "contradiction")]
    return rows


@pytest.fixture
def tiny_data_dir(tmp_path: Path) -> Path:
    """A data dir with the two NLI files in their real formats, synthetic content."""
    klue = tmp_path / "klue-nli" / "klue-nli-v1.1_dev.json"
    klue.parent.mkdir(parents=True)
    records = [
        {"guid": f"t-{i}", "source": "test", "premise": p, "hypothesis": h, "gold_label": lab}
        for i, (p, h, lab) in enumerate(_triples())
    ]
    klue.write_text(json.dumps(records, ensure_ascii=False, indent=1), encoding="utf-8")
    train = [  # the train file names the domain ``genre`` (the dev file ``source``)
        {"guid": f"tr-{i}", "genre": "test", "premise": p, "hypothesis": h, "gold_label": lab}
        for i, (p, h, lab) in enumerate(_triples())
    ]
    (klue.parent / "klue-nli-v1.1_train.json").write_text(
        json.dumps(train, ensure_ascii=False), encoding="utf-8"
    )
    xnli = tmp_path / "kornli-xnli" / "xnli.dev.ko.tsv"
    xnli.parent.mkdir(parents=True)
    lines = ["sentence1\tsentence2\tgold_label"] + ["\t".join(t) for t in _triples()[:9]]
    xnli.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return tmp_path


@pytest.fixture
def shared_data_dir() -> Path:
    """The real shared data folder; skips the test when it is absent."""
    if not (SHARED_DATA / "klue-nli").is_dir() or not (SHARED_DATA / "kornli-xnli").is_dir():
        pytest.skip(f"shared NLI data not found at {SHARED_DATA} (needs ../shared/data beside the repo)")
    return SHARED_DATA
