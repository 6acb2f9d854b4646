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
