"""The `null-query-rewrite` tuning task on small synthetic corpora in the real file formats."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytest.importorskip("kiwipiepy", reason="the task cuts noun phrases with Kiwi (cpu extra)")

from services.null_query.prompt import build_adapter_prompt
from services.null_query.tuning import TASK, NullQueryRewriteTask, noun_phrases

# Written for these tests: encyclopedia-style sentences and short film reviews.
_EDITED = [
    "국립중앙박물관 특별전시회가 다음 달 서울에서 열린다.",
    "삼성전자는 갤럭시 노트북 신제품을 공개했다.",
    "세종대왕은 훈민정음을 창제하였다.",
    "부산국제영화제 개막작으로 한국 영화가 선정되었다.",
    "제주도 감귤 농가의 수확량이 크게 늘었다.",
    "한국은행 기준금리 인상 소식이 전해졌다.",
    "경복궁 야간 개장 행사가 이번 주말에 시작된다.",
    "블루투스 이어폰 판매량이 작년보다 늘었다.",
    "서울시립미술관 기획전에 관람객이 몰렸다.",
    "무선 충전기 표준 규격이 새로 발표되었다.",
    "대한항공 국제선 운항이 재개되었다.",
    "인천국제공항 제2여객터미널 확장 공사가 끝났다.",
]
_REVIEWS = [
    "톰 크루즈 액션이 최고다",
    "톰 크루즈 액션은 언제 봐도 좋다",
    "줄거리자체가 엉망이다",
    "줄거리자체가 너무 뻔하다",
    "진짜 재밋네",
    "진짜 재밋네 강추",
    "배경 음악이 좋았다",
]
_TITLES = ["삼성 갤럭시 S24 울트라", "아이폰 15 프로 케이스"]


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("shared-data")
    klue = root / "klue-nli" / "klue-nli-v1.1_train.json"
    klue.parent.mkdir(parents=True)
    rows = [
        {"guid": f"t{i}", "genre": "wikipedia", "premise": p, "hypothesis": "-"}
        for i, p in enumerate(_EDITED)
    ]
    rows += [{"guid": "n0", "genre": "NSMC", "premise": _REVIEWS[0], "hypothesis": "-"}]
    klue.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    raw = root / "nsmc-raw-sample" / "raw"
    raw.mkdir(parents=True)
    reviews = [{"review": r, "rating": "8", "movie_id": "1"} for r in _REVIEWS[1:]]
    (raw / "1.json").write_text(json.dumps(reviews, ensure_ascii=False), encoding="utf-8")
    (root / "catalog.jsonl").write_text(
        "".join(
            json.dumps({"id": f"p{i}", "title": t}, ensure_ascii=False) + "\n" for i, t in enumerate(_TITLES)
        ),
        encoding="utf-8",
    )
    return root


def _task(data_dir: Path, **kw: object) -> NullQueryRewriteTask:
    options: dict = {"max_queries": 12, "dev_queries": 3, "variants_per_query": 3, "context_share": 0.5}
    return NullQueryRewriteTask(data_dir=data_dir, catalog=data_dir / "catalog.jsonl", **(options | kw))


@pytest.mark.parametrize(
    ("sentence", "phrases"),
    [
        ("삼성전자는 갤럭시 노트북 신제품을 공개했다.", ["삼성전자", "갤럭시 노트북 신제품"]),
        ("취임 1주년을 맞아 기념식을 열었다.", ["취임 1주년", "기념식"]),
        ("2012년 8월 25일에 개봉했다.", []),  # a bare date names nothing
        ("가정에서 만든다.", []),  # a common two-syllable noun alone
    ],
)
def test_noun_phrases_of_edited_text(sentence: str, phrases: list[str]) -> None:
    assert noun_phrases([sentence]) == phrases


def test_reviews_give_only_repeated_plainly_written_phrases() -> None:
    found = noun_phrases(_REVIEWS, user_written=True)
    assert "톰 크루즈 액션" in found
    assert "줄거리자체" not in found  # Kiwi spaces it: 줄거리 자체
    assert "재밋네" not in found  # Kiwi corrects it: 재밌네
    assert "배경 음악" not in found  # in one review only


def test_split_is_deterministic_for_a_seed(data_dir: Path) -> None:
    first, again = _task(data_dir).split(3), _task(data_dir).split(3)
    assert first == again
    assert _task(data_dir).split(4).train != first.train


def test_dev_answers_never_reach_the_training_side(data_dir: Path) -> None:
    split = _task(data_dir).split(3)
    train_answers = {e.target for e in split.train}
    dev_answers = {e.target for e in split.dev}
    assert dev_answers and not train_answers & dev_answers
    for answer in (a.strip() for a in dev_answers):
        assert not any(answer in e.prompt for e in split.train), answer
    assert {f" {t}\n" for t in _TITLES} <= train_answers  # the catalog always trains
    assert split.stats["dev_queries"] == 3 and split.stats["train_queries"] == 12 - 3 + len(_TITLES)


def test_examples_are_adapter_prompts_with_one_line_targets(data_dir: Path) -> None:
    split = _task(data_dir).split(3)
    for example in split.train + split.dev:
        answer = example.target.strip()
        assert example.target == f" {answer}\n"
        query = example.prompt.rsplit("검색어: ", 1)[1].split("\n", 1)[0]
        assert query != answer
        previous, clicked = _session_lines(example.prompt)
        assert example.prompt == build_adapter_prompt(query, previous, clicked)
    with_session = sum("이전 검색어:" in e.prompt or "클릭한 결과:" in e.prompt for e in split.train)
    assert 0.2 < with_session / len(split.train) < 0.8
    assert sum(v for k, v in split.stats.items() if k.startswith("noise_")) == len(split.train)


def _session_lines(prompt: str) -> tuple[list[str], list[str]]:
    """(previous, clicked) of a prompt's session lines (all lines before the query's)."""
    head = prompt.split("\n")
    lines = dict(
        line.split(": ", 1)
        for line in head[: next(i for i, x in enumerate(head) if x.startswith("검색어: "))]
    )
    previous = lines["이전 검색어"].split(" | ") if "이전 검색어" in lines else []
    clicked = lines["클릭한 결과"].split(" | ") if "클릭한 결과" in lines else []
    return previous, clicked


def test_missing_shared_data_names_the_file(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match=r"klue-nli-v1\.1_train\.json"):
        NullQueryRewriteTask(data_dir=tmp_path).split(0)


def test_registered_task_reads_the_shared_data_folder() -> None:
    assert TASK.name == "null-query-rewrite"
    assert TASK.data_dir.parts[-2:] == ("shared", "data")
