"""A tiny tuning task for plumbing tests (`--task tests.unit.tune.fakes:TINY_TASK`)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from searchlm.tune.types import TaskSplit, TuneExample

_PAIRS = [
    ("tkatjd", "삼성"),
    ("roffjrtl", "갤럭시"),
    ("ㅅㅏㅁ성 갤럭시", "삼성 갤럭시"),
    ("아ㅇㅣ폰 케이스", "아이폰 케이스"),
    ("갤럭시버즈", "갤럭시 버즈"),
    ("사뭉 노트북", "삼성 노트북"),
    ("dkdlvhs", "아이폰"),
    ("블루투스이어폰", "블루투스 이어폰"),
    ("ㄱㅐㄹ럭시 탭", "갤럭시 탭"),
    ("qnfmxntm", "블루투스"),
]


@dataclass(frozen=True)
class TinyTask:
    """Ten fixed rewrites: eight to train on, two held out."""

    @property
    def name(self) -> str:
        """Registry-style name."""
        return "tiny-rewrite"

    @property
    def description(self) -> str:
        """One line."""
        return "ten fixed query rewrites (tests only)"

    def split(self, seed: int) -> TaskSplit:
        """Eight train and two dev examples in a seed-shuffled order."""
        examples = [TuneExample(f"검색어: {q}\n고친 검색어:", f" {c}\n") for q, c in _PAIRS]
        train, dev = examples[:8], examples[8:]
        random.Random(seed).shuffle(train)
        return TaskSplit(tuple(train), tuple(dev), ("ten rewrites written for the tests",), {"pairs": 10})


TINY_TASK = TinyTask()
