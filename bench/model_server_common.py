"""What every model-server benchmark sends: output length, sampling, prompts, and the figures of a run.

Shared by `bench/model_server.py`, its peers (`bench/model_server_peers.py`), `bench/adapters.py`
and `bench/batch_exactness.py`, so that their figures come from the same requests.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

MAX_TOKENS = 64
# Sampling of every measured request, ours and the peers' (`--top-k` chooses top-k per run).
TEMPERATURE, TOP_P, SEED = 0.8, 0.95, 1
TOPICS = ["한글", "서울", "김치", "태권도", "한강", "경복궁", "부산", "제주도"]


def prompt(i: int) -> str:
    """A short Korean prompt; varied so requests are not identical."""
    return f"다음은 {TOPICS[i % len(TOPICS)]}에 대한 백과사전 설명이다.\n\n{TOPICS[i % len(TOPICS)]}은(는)"


def few_shot(variant: int, question: str) -> str:
    """A 400+-token few-shot prompt; `variant` changes its first line, hence its whole KV."""
    shots = "".join(
        f"질문: {topic}에 대해 한 문장으로 설명하시오.\n"
        f"답: {topic}은(는) 한국의 대표적인 문화 유산 가운데 하나로, "
        f"많은 사람들이 {topic}을(를) 보러 해마다 찾아온다.\n\n"
        for topic in TOPICS
    )
    return f"[예시 묶음 {variant}] 다음은 백과사전 질의응답 예시이다.\n\n{shots}질문: {question}\n답:"


@dataclass
class Run:
    """Figures of one measured configuration."""

    name: str
    concurrency: int
    tokens: int
    seconds: float
    ttfts: list[float]

    @property
    def tok_s(self) -> float:
        return self.tokens / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.ttfts)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def progress(run: Run) -> None:
    print(
        f"  measured {run.name} c={run.concurrency}: {run.tok_s:.1f} tok/s over {run.seconds:.1f} s",
        file=sys.stderr,
        flush=True,
    )
