"""Small in-process fakes of free_qa's protocols (unit tests only)."""

from __future__ import annotations

import asyncio
import hashlib
import math
import re
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable, Sequence

import numpy as np

from searchlm.lm.types import LmCompletion, LmDelta, LmResult, LmSampling, LmScore
from searchlm.nli.types import NliScores
from searchlm.reader.types import SpanAnswer
from services.free_qa.chunking import ChunkingConfig, chunk_passages
from services.free_qa.pipeline import PipelineConfig, QaPipeline
from services.free_qa.retrieval import Corpus, HybridRetriever
from services.free_qa.types import Hit, Passage


def words(text: str) -> list[str]:
    """Tokenizer: Hangul/latin/digit runs, with common particles cut off."""
    return [
        re.sub(r"(은|는|이|가|을|를|의|에|에서|도)$", "", w) for w in re.findall(r"[가-힣A-Za-z0-9]+", text)
    ]


class FakeBm25:
    """Okapi BM25 (k1 1.2, b 0.75) over pre-tokenised chunks: a `SparseRetriever` with no Kiwi.

    The service's BM25 is `searchlm.search` (bm25s or Elasticsearch); this double keeps unit
    tests of retrieval and answering free of Kiwi and of files.
    """

    def __init__(self, docs: Sequence[Sequence[str]], tokenize: Callable[[str], list[str]]) -> None:
        self._tokenize, self._lengths = tokenize, [len(d) for d in docs]
        self._postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for row, doc in enumerate(docs):
            for term, tf in Counter(doc).items():
                self._postings[term].append((row, tf))

    def __len__(self) -> int:
        return len(self._lengths)

    def search(self, query: str, k: int) -> list[Hit]:
        n = len(self._lengths)
        avg = sum(self._lengths) / max(n, 1)
        scores: dict[int, float] = defaultdict(float)
        for term in set(self._tokenize(query)):
            postings = self._postings.get(term, [])
            idf = math.log(1 + (n - len(postings) + 0.5) / (len(postings) + 0.5))
            for row, tf in postings:
                scores[row] += idf * tf * 2.2 / (tf + 1.2 * (0.25 + 0.75 * self._lengths[row] / avg))
        best = sorted(scores.items(), key=lambda item: -item[1])[:k]
        return [Hit(chunk_index=row, score=score) for row, score in best]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[.!?])\s+", text) if s.strip()]


class FakeEmbedder:
    """Bag-of-words hashed into 64 dims, L2-normalised."""

    def __init__(self, model_id: str = "fake-embedder", dims: int = 64) -> None:
        self.model_id, self.dims = model_id, dims

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dims, dtype=np.float32)
        for w in words(text):
            v[int(hashlib.md5(w.encode()).hexdigest(), 16) % self.dims] += 1.0
        v += 0.01
        return v / np.linalg.norm(v)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts])

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._vector(t) for t in texts])


class ExactIndex:
    """Exact inner-product search."""

    def __init__(self, vectors: np.ndarray) -> None:
        self.vectors = vectors

    def search(self, vectors: np.ndarray, k: int) -> list[list[Hit]]:
        scores = vectors @ self.vectors.T
        order = np.argsort(-scores, axis=1)[:, :k]
        return [[Hit(int(i), float(scores[r, i])) for i in row] for r, row in enumerate(order)]


def make_retriever(passages: Sequence[Passage]) -> HybridRetriever:
    chunks = chunk_passages(passages, ChunkingConfig(max_chars=200), sentences)
    embedder = FakeEmbedder()
    dense = ExactIndex(embedder.embed_passages([c.indexed_text for c in chunks]))
    sparse = FakeBm25([words(c.indexed_text) for c in chunks], words)
    corpus = Corpus(chunks=chunks, passages={p.id: p for p in passages})
    return HybridRetriever(corpus=corpus, embedder=embedder, dense=dense, sparse=sparse)


class FakeLm:
    """Answers every prompt with `reply` after `delay` seconds, or raises `error`.

    `score` gives " 예"/" 아니오" the yes/no log-probabilities, a continuation listed in
    `span_logprobs` (without its leading space) its value, anything else -5 per token.
    """

    def __init__(
        self,
        reply: str = "",
        *,
        delay: float = 0.0,
        error: Exception | None = None,
        yes_logprob: float = -0.1,
        no_logprob: float = -3.0,
        span_logprobs: dict[str, float] | None = None,
    ) -> None:
        self.reply, self.delay, self.error = reply, delay, error
        self.yes_logprob, self.no_logprob = yes_logprob, no_logprob
        self.span_logprobs = span_logprobs or {}
        self.prompts: list[str] = []
        self.scored: list[tuple[str, list[str]]] = []

    async def generate(self, prompt: str, sampling: LmSampling | None = None) -> LmResult:
        self.prompts.append(prompt)
        await asyncio.sleep(self.delay)
        if self.error:
            raise self.error
        return LmResult((LmCompletion(0, self.reply, "stop", 3),), 10, 3, 0.01, "fake")

    async def stream(self, prompt: str, sampling: LmSampling | None = None) -> AsyncIterator[LmDelta]:
        result = await self.generate(prompt, sampling)
        yield LmDelta(0, "", final=result)

    async def score(self, prompt: str, continuations: Sequence[str], *, adapter: str = "") -> list[LmScore]:
        self.scored.append((prompt, list(continuations)))
        await asyncio.sleep(self.delay)
        if self.error:
            raise self.error
        values = {" 예": self.yes_logprob, " 아니오": self.no_logprob}
        values.update({f" {text}": lp for text, lp in self.span_logprobs.items()})
        return [LmScore(i, values.get(c, -5.0), 1, values.get(c, -5.0)) for i, c in enumerate(continuations)]

    async def count_tokens(self, text: str) -> int:
        return len(text)

    async def adapters(self) -> tuple[str, ...]:
        return ()


class FakeScorer:
    """Entailment when every word of the hypothesis is in the premise; contradiction on a listed negation."""

    def __init__(self, negations: Sequence[tuple[str, str]] = ()) -> None:
        self.negations = list(negations)
        self.calls = 0

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[NliScores]:
        self.calls += 1
        out = []
        for premise, hypothesis in pairs:
            if any(p in premise and h in hypothesis for p, h in self.negations):
                out.append(NliScores(0.05, 0.05, 0.9))
            elif set(words(hypothesis)) <= set(words(premise)):
                out.append(NliScores(0.9, 0.05, 0.05))
            else:
                out.append(NliScores(0.1, 0.8, 0.1))
        return out


class FakeReader:
    """Reads `text` out of the first passage that holds it (or out of `passage_index`), or raises `error`.

    The span's score is 5; `null_score` above it makes the null ("no answer") win.
    """

    def __init__(
        self,
        text: str,
        *,
        confidence: float = 0.9,
        null_score: float = 0.0,
        passage_index: int | None = None,
        error: Exception | None = None,
    ) -> None:
        self.text, self.confidence, self.null_score = text, confidence, null_score
        self.passage_index, self.error = passage_index, error
        self.calls: list[tuple[str, list[str]]] = []

    def read(self, question: str, passages: Sequence[str], top_k: int = 3) -> list[SpanAnswer]:
        self.calls.append((question, list(passages)))
        if self.error:
            raise self.error
        found = [i for i, p in enumerate(passages) if self.text in p]
        index = self.passage_index if self.passage_index is not None else (found or [-1])[0]
        if index not in found:
            return []
        start = passages[index].find(self.text)
        end = start + len(self.text)
        return [SpanAnswer(self.text, index, start, end, 5.0, self.confidence, self.null_score)][:top_k]


ENCYCLOPEDIA = [
    Passage("sejong", "세종대왕", "세종대왕은 조선의 제4대 왕이다. 세종대왕은 1443년에 한글을 만들었다."),
    Passage("jelly", "해파리", "해파리는 바다 동물이다. 해파리는 뇌가 없다. 해파리는 신경망으로 반응한다."),
    Passage("whale", "고래", "고래는 바다에 사는 포유류이다. 고래는 허파로 숨을 쉰다."),
    Passage(
        "president",
        "미국 대통령",
        "미국 대통령의 임기는 4년이다. 역대 대통령으로 버락 오바마와 에이브러햄 링컨이 있다.",
    ),
    Passage("obama", "버락 오바마", "버락 오바마는 미국 대통령이었다. 버락 오바마는 그래미 상을 받았다."),
    Passage("lincoln", "에이브러햄 링컨", "에이브러햄 링컨은 노예 해방 선언을 발표하였다."),
    Passage(
        "cissus",
        "시서스",
        "시서스는 포도과 덩굴식물이다. 시서스는 식욕을 줄여 다이어트에 도움이 된다고 알려져 있다.",
    ),
]


def reader_pipeline(reader: FakeReader | None, config: PipelineConfig) -> QaPipeline:
    """The pipeline over `ENCYCLOPEDIA` with a fake LM, no NLI and `reader` (the reader tests')."""
    from services.free_qa.kiwi_text import morphemes

    return QaPipeline(
        retriever=make_retriever(ENCYCLOPEDIA),
        lm=FakeLm(),
        scorer=None,
        split=sentences,
        terms=words,
        config=config,
        tag=morphemes,
        reader=reader,
    )
