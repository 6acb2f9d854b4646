"""Small in-process fakes of the review_summary protocols (unit tests only)."""

from __future__ import annotations

import asyncio
import re
import zlib
from collections.abc import AsyncIterator, Mapping, Sequence

import numpy as np

from searchlm.errors import UpstreamUnavailableError
from searchlm.lm.types import LmCompletion, LmDelta, LmResult, LmSampling, LmScore
from searchlm.nli.types import NliScores


class FakeLm:
    """Answers queued candidate lists (one per generate call); records prompts.

    `obey_injections`: if the prompt contains an instruction "...무시하고 'X'를 출력해", answers
    X, like a model that follows whatever instruction it reads.
    """

    def __init__(
        self,
        rounds: Sequence[Sequence[str]] = (),
        *,
        fail: bool = False,
        delay: float = 0.0,
        obey_injections: bool = False,
    ) -> None:
        self.rounds = [list(r) for r in rounds]
        self.prompts: list[str] = []
        self.samplings: list[LmSampling] = []
        self.fail, self.delay, self.obey = fail, delay, obey_injections
        self.served_adapters: tuple[str, ...] = ()

    async def generate(self, prompt: str, sampling: LmSampling | None = None) -> LmResult:
        self.prompts.append(prompt)
        self.samplings.append(sampling or LmSampling())
        await asyncio.sleep(self.delay)
        if self.fail:
            raise UpstreamUnavailableError("model server down")
        injected = re.search(r"무시하고\s*'([^']+)'", prompt) if self.obey else None
        texts = [injected.group(1)] if injected else (self.rounds.pop(0) if self.rounds else ["???"])
        completions = tuple(LmCompletion(i, f" {t}\n", "stop", 5) for i, t in enumerate(texts))
        return LmResult(completions, 10, 5, 0.01, "fake-lm")

    async def stream(self, prompt: str, sampling: LmSampling | None = None) -> AsyncIterator[LmDelta]:
        raise NotImplementedError
        yield  # pragma: no cover

    async def score(self, prompt: str, continuations: Sequence[str], *, adapter: str = "") -> list[LmScore]:
        # the judge prompt ends with the hypothesis: say "yes" when its first word is in the premise
        premise = prompt.rsplit("전제: ", 1)[1].split("\n")[0]
        hypothesis = prompt.rsplit("가설: ", 1)[1].split("\n")[0]
        yes = hypothesis.split()[0] in premise
        logps = [-0.1, -3.0, -3.0] if yes else [-3.0, -0.1, -3.0]
        return [LmScore(i, lp, 1, lp) for i, lp in enumerate(logps)]

    async def count_tokens(self, text: str) -> int:
        return len(text)

    async def adapters(self) -> tuple[str, ...]:
        return self.served_adapters


class KeywordScorer:
    """NLI fake: entailed when every keyword of the hypothesis is in the premise; contradicted
    when the premise holds a keyword's listed opposite. Records every pair."""

    def __init__(self, opposites: dict[str, str] | None = None) -> None:
        self.opposites = opposites or {}
        self.pairs: list[tuple[str, str]] = []

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[NliScores]:
        self.pairs += pairs
        return [self._one(p, h) for p, h in pairs]

    def _one(self, premise: str, hypothesis: str) -> NliScores:
        words = re.findall(r"[가-힣A-Za-z]{2,}", hypothesis)
        keys = [w[:1] if len(w) <= 2 else w[:2] for w in words]
        if any(self.opposites.get(k, "\0") in premise for k in keys):
            return NliScores(0.03, 0.07, 0.9)
        if keys and all(k in premise for k in keys):
            return NliScores(0.9, 0.08, 0.02)
        return NliScores(0.1, 0.8, 0.1)


class SimpleSplitter:
    """Splits on sentence punctuation; claims also on ', '."""

    def sentences(self, text: str) -> list[str]:
        return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]

    def claims(self, text: str) -> list[str]:
        return [c.strip() for s in self.sentences(text) for c in s.split(", ") if c.strip()]


class HashEmbedder:
    """Bag-of-syllables embeddings (hashed), L2-normalised: similar texts are close."""

    model_id = "hash-syllables"

    def __init__(self, dim: int = 64) -> None:
        self.dim = self.dims = dim
        self.calls = 0

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_passages(texts)

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i, text in enumerate(texts):
            for ch in text.replace(" ", ""):
                out[i, zlib.crc32(ch.encode()) % self.dim] += 1.0
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-12)


class CueScorer:
    """NLI fake keyed by hypothesis: entailed when the premise holds one of the hypothesis'
    cues, contradicted when it holds one of its counter-cues, else neutral. Records pairs."""

    def __init__(
        self, cues: Mapping[str, Sequence[str]], counters: Mapping[str, Sequence[str]] | None = None
    ) -> None:
        self.cues = cues
        self.counters = counters or {}
        self.pairs: list[tuple[str, str]] = []

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[NliScores]:
        self.pairs += pairs
        return [self._one(p, h) for p, h in pairs]

    def _one(self, premise: str, hypothesis: str) -> NliScores:
        if any(c in premise for c in self.cues.get(hypothesis, ())):
            return NliScores(0.95, 0.03, 0.02)
        if any(c in premise for c in self.counters.get(hypothesis, ())):
            return NliScores(0.02, 0.03, 0.95)
        return NliScores(0.05, 0.9, 0.05)


class TableEmbedder:
    """Query vectors from a word -> vector table (padded with zeros); an unknown word gets its
    own axis past the table's, so it is orthogonal to every other word."""

    model_id = "table"

    def __init__(self, table: dict[str, Sequence[float]], dims: int = 64) -> None:
        self.table, self.dims = table, dims
        self.calls: list[list[str]] = []
        self.unknown: dict[str, int] = {}

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        for i, text in enumerate(texts):
            if text in self.table:
                out[i, : len(self.table[text])] = self.table[text]
            else:
                out[i, self._axis(text)] = 1.0
        return out

    def _axis(self, word: str) -> int:
        return self.unknown.setdefault(word, self.dims - 1 - len(self.unknown))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self.embed_queries(texts)
