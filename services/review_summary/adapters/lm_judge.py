"""LM-judge entailment through the model server's Score RPC (`LmClient.score`).

The LM is asked whether the hypothesis follows from the premise and the log-probabilities
of three answers (yes / unknown / no) are normalised into NliScores. A small base model is
a weak judge (measured on klue-nli in the README); it is here so that a bigger model behind
the same server can judge, and as a scorer needing no NLI artefact.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence

from searchlm.lm.types import LmClient
from searchlm.nli.types import NliScores

_PROMPT = (
    "전제와 가설을 읽고, 전제가 참일 때 가설이 참인지 답하세요. 답은 예, 아니오, 모름 중 하나입니다.\n"
    "전제: 배송이 빨라서 좋았어요.\n가설: 배송이 빠르다.\n답: 예\n\n"
    "전제: 배송이 빨라서 좋았어요.\n가설: 배송이 느리다.\n답: 아니오\n\n"
    "전제: 배송이 빨라서 좋았어요.\n가설: 가격이 싸다.\n답: 모름\n\n"
    "전제: {premise}\n가설: {hypothesis}\n답:"
)
# entailment, neutral, contradiction (the NliScores order)
_ANSWERS = (" 예", " 모름", " 아니오")


def _softmax(logprobs: Sequence[float]) -> list[float]:
    top = max(logprobs)
    weights = [math.exp(x - top) for x in logprobs]
    return [w / sum(weights) for w in weights]


class LmJudgeEntailmentScorer:
    """EntailmentScorer asking the served LM, one Score call per pair.

    `score` blocks, so call it from a worker thread: it hands the calls to the event loop
    that owns the client (given at construction) and waits. Use `ascore` from async code.

    Args:
        client: Model-server client.
        loop: The event loop the client's channel lives on (None: the running loop).
        premise_chars: Premises are cut to this many characters.
        concurrency: Score calls in flight at once.
    """

    model_id = "lm-judge"

    def __init__(
        self,
        client: LmClient,
        *,
        loop: asyncio.AbstractEventLoop | None = None,
        premise_chars: int = 600,
        concurrency: int = 2,
    ) -> None:
        self._client = client
        self._loop = loop
        self._premise_chars = premise_chars
        self._concurrency = concurrency

    async def ascore(self, pairs: Sequence[tuple[str, str]]) -> list[NliScores]:
        """Scores pairs from async code."""
        gate = asyncio.Semaphore(self._concurrency)

        async def one(premise: str, hypothesis: str) -> NliScores:
            prompt = _PROMPT.format(premise=premise[: self._premise_chars], hypothesis=hypothesis)
            async with gate:
                scores = await self._client.score(prompt, list(_ANSWERS))
            # mean log-probability: the answers differ in token count
            return NliScores(*_softmax([s.mean_logprob for s in scores]))

        return list(await asyncio.gather(*(one(p, h) for p, h in pairs)))

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[NliScores]:
        """Scores pairs from a worker thread (see the class docstring)."""
        loop = self._loop or asyncio.get_event_loop_policy().get_event_loop()
        return asyncio.run_coroutine_threadsafe(self.ascore(pairs), loop).result()


def open_lm_judge(
    *, client: LmClient | None = None, loop: asyncio.AbstractEventLoop | None = None
) -> LmJudgeEntailmentScorer:
    """The ``lm_judge`` scorer of review_summary's registry (see `adapters.scorers`).

    Raises:
        ValueError: No model-server client.
    """
    if client is None:
        raise ValueError("the lm_judge scorer needs a model-server client")
    return LmJudgeEntailmentScorer(client, loop=loop)
