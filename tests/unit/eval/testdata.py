"""Tiny data and prediction files written by tests into tmp_path."""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any


def write_jsonl(path: Path, rows: Iterable[dict[str, Any]]) -> Path:
    """Write rows as UTF-8 JSONL and return ``path``."""
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


SUMMARY_ROWS = [
    {
        "id": "s1",
        "reviews": ["배송이 빨라요. 포장도 꼼꼼했어요.", "가격이 저렴하고 배송이 빨라요."],
        "references": ["배송이 빠르고 포장이 꼼꼼해요."],
        "summary": "배송이 빨라요. 포장도 꼼꼼했어요.",
    },
    {
        "id": "s2",
        "reviews": ["맛이 좋아요.", "양이 많아요."],
        "references": ["맛이 좋고 양이 많아요."],
        "summary": "맛이 좋아요. 직원이 불친절해요.",
    },
    {
        "id": "s3",
        "reviews": ["조용하고 깨끗해요."],
        "references": ["조용하고 깨끗한 숙소예요."],
    },
]

NLI_KLUE = [
    {
        "guid": "n1",
        "source": "airbnb",
        "premise": "방이 넓고 깨끗해요.",
        "hypothesis": "방이 넓고 깨끗해요",
        "gold_label": "entailment",
    },
    {
        "guid": "n2",
        "source": "airbnb",
        "premise": "방이 넓어요.",
        "hypothesis": "방이 안 넓어요.",
        "gold_label": "contradiction",
    },
    {
        "guid": "n3",
        "source": "NSMC",
        "premise": "영화가 길어요.",
        "hypothesis": "배우가 유명해요.",
        "gold_label": "neutral",
    },
    {
        "guid": "n4",
        "source": "NSMC",
        "premise": "영화가 재밌어요.",
        "hypothesis": "영화가 지루해요.",
        "gold_label": "contradiction",
    },
]

QA_ROWS = [
    {"id": "q1", "question": "한글을 만든 왕은?", "answers": ["세종대왕"], "gold_passage_ids": ["p1"]},
    {"id": "q2", "question": "수도는?", "answers": ["서울특별시"], "gold_passage_ids": ["p2"]},
    {"id": "q3", "question": "서울은 수도인가?", "answers": ["예"], "answer_type": "yes_no"},
    {"id": "q4", "question": "화성의 수도는?", "answers": []},
    {"id": "q5", "question": "없는 예측", "answers": ["무엇"]},
]

QA_PREDICTIONS = [
    {"id": "q1", "answer": "세종대왕", "retrieved_ids": ["p1", "p9"], "model": "fake-lm"},
    {"id": "q2", "answer": "서울 특별시", "retrieved_ids": ["p3", "p2"], "model": "fake-lm"},
    {"id": "q3", "answer": "네, 맞습니다."},
    {"id": "q4", "answer": None, "abstained": True},
]

NULL_QUERY_ROWS = [
    {"id": "a", "query": "아이폰케이스", "gold": "아이폰 케이스", "noise_type": "spacing"},
    {"id": "b", "query": "dkdlvhs", "gold": "아이폰", "noise_type": "keyboard"},
    {"id": "c", "query": "갤럭시", "gold": "갤럭시", "noise_type": "none"},
    {"id": "d", "query": "노트북", "gold": "노트북", "noise_type": "none"},
]

NULL_QUERY_PREDICTIONS = [
    {"id": "a", "rewrites": ["아이폰 케이스"]},
    {"id": "b", "rewrites": ["아이펀", "아이폰"]},
    {"id": "c", "rewrites": ["갤럭시 폰"]},
    {"id": "d", "rewrites": []},
]


# Review-genre NLI pairs written for the premise tests: (premise, entailed, neutral, contradicted).
MOVIE = [
    (
        "배우들 연기가 정말 훌륭했어요.",
        "배우들 연기가 훌륭했다.",
        "감독의 전작도 재미있었다.",
        "연기가 형편없었다.",
    ),
    ("줄거리가 너무 뻔해서 지루했다.", "줄거리가 뻔했다.", "영화관 좌석이 불편했다.", "줄거리가 참신했다."),
    ("음악이 장면마다 잘 어울렸다.", "음악이 잘 어울렸다.", "주인공은 신인 배우다.", "음악이 거슬렸다."),
    ("결말이 감동적이라 눈물이 났다.", "결말이 감동적이었다.", "속편이 곧 개봉한다.", "결말이 실망스러웠다."),
]
STAY = [
    (
        "숙소가 역에서 가까워서 편했어요.",
        "숙소가 역에서 가깝다.",
        "숙소에 수영장이 있다.",
        "숙소가 역에서 멀다.",
    ),
    (
        "호스트가 친절하게 체크인을 도와주었어요.",
        "호스트가 친절했다.",
        "호스트는 영어를 잘한다.",
        "호스트가 무례했다.",
    ),
    ("방이 좁지만 아주 깨끗했어요. 침구도 좋았어요.", "방이 깨끗했다.", "주차장이 넓다.", "방이 더러웠다."),
    ("창밖으로 바다가 보여서 좋았어요.", "바다가 보인다.", "근처에 맛집이 많다.", "창밖으로 산만 보인다."),
]
CALIBRATION_MOVIE = [
    (
        "특수효과가 화려하고 박진감이 넘쳤다.",
        "특수효과가 화려했다.",
        "제작비가 많이 들었다.",
        "특수효과가 초라했다.",
    ),
    ("러닝타임이 길어서 중간에 졸았다.", "러닝타임이 길었다.", "팝콘이 맛있었다.", "러닝타임이 짧았다."),
    (
        "아이와 함께 보기 좋은 영화였다.",
        "아이와 보기 좋았다.",
        "아이가 영화를 좋아한다.",
        "아이와 보기 나빴다.",
    ),
]
CALIBRATION_STAY = [
    ("주방이 넓어서 요리하기 좋았어요.", "주방이 넓었다.", "냉장고가 새것이다.", "주방이 비좁았다."),
    ("밤에 주변이 조용해서 푹 잤어요.", "주변이 조용했다.", "침대가 킹사이즈다.", "밤에 시끄러웠다."),
    ("수건과 세면도구가 넉넉했어요.", "수건이 넉넉했다.", "샴푸가 유명 브랜드다.", "수건이 모자랐다."),
]
NLI_LABELS = ("entailment", "neutral", "contradiction")


def review_nli_rows(genre: str, groups: list[tuple[str, ...]], prefix: str, key: str) -> list[dict[str, Any]]:
    """KLUE-style rows ``{guid, <key>: genre, ...}``: ``key`` is ``source`` (dev) or ``genre`` (train)."""
    return [
        {
            "guid": f"{prefix}-{i}-{label}",
            key: genre,
            "premise": group[0],
            "hypothesis": hyp,
            "gold_label": label,
        }
        for i, group in enumerate(groups)
        for label, hyp in zip(NLI_LABELS, group[1:], strict=True)
    ]


def write_json(path: Path, rows: list[dict[str, Any]]) -> Path:
    """Write rows as a UTF-8 JSON array and return ``path``."""
    path.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return path


def review_dev_rows() -> list[dict[str, Any]]:
    """A dev-style file: both review genres and one news pair that is left out."""
    news = {"guid": "news-0", "source": "wikinews", "premise": "정부가 예산안을 발표했다.",
            "hypothesis": "예산안이 발표되었다.", "gold_label": "entailment"}  # fmt: skip
    return [
        *review_nli_rows("NSMC", MOVIE, "m", "source"),
        news,
        *review_nli_rows("airbnb", STAY, "s", "source"),
    ]


def write_review_nli_files(folder: Path) -> tuple[Path, Path]:
    """The reported file (KLUE dev style, ``source``) and a calibration file (train style, ``genre``)."""
    calibration = [
        *review_nli_rows("NSMC", CALIBRATION_MOVIE, "cm", "genre"),
        *review_nli_rows("airbnb", CALIBRATION_STAY, "cs", "genre"),
    ]
    return write_json(folder / "dev.json", review_dev_rows()), write_json(folder / "train.json", calibration)
