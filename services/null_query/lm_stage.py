"""LM candidates and LM scores of candidates, through the `LmClient` protocol."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from searchlm.errors import InvalidRequestError
from searchlm.lm.adapters import AdapterProbe
from searchlm.lm.types import LmClient, LmSampling
from services.null_query import hangul
from services.null_query.korean import related
from services.null_query.prompt import ExampleSelector, build_adapter_prompt, build_prompt, parse_completion
from services.null_query.types import Candidate, RewriteRequest, RewriteType

ADAPTER = "null-query-rewrite"


@dataclass(frozen=True)
class LmStageConfig:
    """Decoding of the LM stage.

    Attributes:
        shots: Examples in the prompt.
        candidates: Completions asked for per call (`n`) on the base model's few-shot prompt.
        adapter_candidates: The same with the tuned adapter; 1 decodes greedily.
        max_tokens: Tokens per completion (a query is short).
        temperature: Sampling temperature (the first completion is still the likeliest).
        score_top: Rule candidates scored by the LM (0: no scoring call).
        seed: Sampling seed, for reproducible answers.
        adapter: LoRA adapter tuned for this task, used with its short zero-shot prompt when
            the model server lists it (empty: always the few-shot prompt on the base model).
        require_related: Drop LM rewrites with no keystroke or morpheme relation to the query
            (`korean.related`); off only to measure the raw LM.
    """

    shots: int = 4
    candidates: int = 3
    adapter_candidates: int = 1
    max_tokens: int = 24
    temperature: float = 0.7
    score_top: int = 6
    seed: int = 7
    adapter: str = ADAPTER
    require_related: bool = True


@dataclass(frozen=True)
class LmOutput:
    """What the LM stage produced."""

    candidates: tuple[Candidate, ...]
    scores: dict[str, float]


class LmStage:
    """Rewriting and candidate scoring: tuned adapter when served, else few-shot on the base.

    Args:
        client: The model server.
        selector: Picks the prompt's examples per query.
        config: Decoding settings.
    """

    def __init__(self, *, client: LmClient, selector: ExampleSelector, config: LmStageConfig) -> None:
        self._client = client
        self._selector = selector
        self._config = config
        self._adapter = AdapterProbe(client, config.adapter)

    def prompt(
        self, request: RewriteRequest, *, adapter: str = "", known: Callable[[str], bool] | None = None
    ) -> str:
        """The adapter's zero-shot prompt (`known`: index words it does not re-read as
        English-mode typing), or the few-shot prompt for the base model."""
        if adapter:
            return build_adapter_prompt(
                request.query, request.previous_queries, request.clicked_titles, known
            )
        examples = self._selector.select(request.query, self._config.shots)
        return build_prompt(request.query, examples, request.previous_queries, request.clicked_titles)

    async def adapter(self) -> str:
        """The configured adapter if the model server serves it, else "" (asked once)."""
        return self._adapter.name if await self._adapter.served() else ""

    async def run(
        self, request: RewriteRequest, to_score: Sequence[str], known: Callable[[str], bool] | None = None
    ) -> LmOutput:
        """Generates rewrites and scores `to_score` concurrently (one prompt, prefix reused)."""
        adapter = await self.adapter()
        prompt = self.prompt(request, adapter=adapter, known=known)
        top = list(to_score[: self._config.score_top])
        try:
            generated, scored = await asyncio.gather(
                self._generate(prompt, request.query, adapter), self._score(prompt, top, adapter)
            )
        except InvalidRequestError as exc:
            self._adapter.refused(exc)  # the server was restarted without it: ask again next time
            raise
        return LmOutput(tuple(generated), scored)

    async def _generate(self, prompt: str, query: str, adapter: str) -> list[Candidate]:
        c = self._config
        n = c.adapter_candidates if adapter else c.candidates
        sampling = LmSampling(
            max_tokens=c.max_tokens,
            temperature=c.temperature if n > 1 else 0.0,
            n=n,
            stop=("\n",),
            seed=c.seed,
            adapter=adapter,
        )
        result = await self._client.generate(prompt, sampling)
        texts = [parse_completion(x.text, query, max_chars=2 * len(query) + 20) for x in result.completions]
        flat = query.replace(" ", "")
        return [
            Candidate(t, RewriteType.LM, hangul.jamo_distance(flat, t.replace(" ", "")), 0.5)
            for t in texts
            # an unrelated rewrite that happens to hit the index is still wrong
            if t and (related(query, t) or not c.require_related)
        ]

    async def _score(self, prompt: str, texts: list[str], adapter: str) -> dict[str, float]:
        """Mean log-probabilities of `texts` after the prompt.

        The ranking only uses them relative to the best one (`ranking.rank`: exp(score - best)),
        so a lone candidate needs no call: whatever its score, it is the best (0.0 stands in).
        """
        if len(texts) < 2:
            return dict.fromkeys(texts, 0.0)
        scores = await self._client.score(prompt, [f" {t}" for t in texts], adapter=adapter)
        return {texts[s.index]: s.mean_logprob for s in scores}
