"""Small in-process fakes of LmClient and SearchBackend for null_query unit tests."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence

from searchlm.errors import UpstreamUnavailableError
from searchlm.lm.types import LmCompletion, LmDelta, LmResult, LmSampling, LmScore
from searchlm.search.types import Document, SearchHit


class FakeBackend:
    """Whitespace-word AND matching over titles (no Kiwi): enough to test the pipeline."""

    def __init__(self, titles: Iterable[str]) -> None:
        self.docs = [Document(f"d{i}", t) for i, t in enumerate(titles)]
        self.counted: list[str] = []

    def _words(self, text: str) -> set[str]:
        return set(text.lower().split())

    async def count(self, query: str) -> int:
        self.counted.append(query)
        words = self._words(query)
        return sum(1 for d in self.docs if words and words <= self._words(d.title))

    async def search(self, query: str, k: int = 10) -> list[SearchHit]:
        words = self._words(query)
        scored = [(len(words & self._words(d.title)), d) for d in self.docs]
        return [SearchHit(d.id, d.title, float(s)) for s, d in sorted(scored, key=lambda x: -x[0]) if s][:k]

    async def index(self, documents: Iterable[Document]) -> int:
        new = list(documents)
        self.docs += new
        return len(new)

    async def vocabulary(self) -> Mapping[str, int]:
        return Counter(w for d in self.docs for w in self._words(d.title))

    async def close(self) -> None:
        return None


class FakeLm:
    """Answers every generate with `replies`; can be slow or down."""

    def __init__(
        self,
        replies: Sequence[str] = (),
        *,
        delay: float = 0.0,
        down: bool = False,
        adapters: Sequence[str] = (),
    ) -> None:
        self.replies = list(replies)
        self.delay = delay
        self.down = down
        self.served_adapters = tuple(adapters)
        self.prompts: list[str] = []
        self.samplings: list[LmSampling] = []
        self.scored: list[list[str]] = []  # the continuations of each score call

    async def _wait(self) -> None:
        if self.down:
            raise UpstreamUnavailableError("model server down")
        await asyncio.sleep(self.delay)

    async def generate(self, prompt: str, sampling: LmSampling | None = None) -> LmResult:
        self.prompts.append(prompt)
        self.samplings.append(sampling or LmSampling())
        await self._wait()
        completions = tuple(LmCompletion(i, f" {r}\n", "stop", 3) for i, r in enumerate(self.replies))
        return LmResult(completions, 10, 3 * len(completions), 0.01, "fake")

    def stream(self, prompt: str, sampling: LmSampling | None = None) -> AsyncIterator[LmDelta]:
        raise NotImplementedError

    async def score(self, prompt: str, continuations: Sequence[str], *, adapter: str = "") -> list[LmScore]:
        self.scored.append(list(continuations))
        await self._wait()
        # The fake "likes" its own replies, as a real LM likes what it would generate.
        return [
            LmScore(
                i, -1.0 if c.strip() in self.replies else -6.0, 2, -0.5 if c.strip() in self.replies else -3.0
            )
            for i, c in enumerate(continuations)
        ]

    async def count_tokens(self, text: str) -> int:
        return len(text)

    async def adapters(self) -> tuple[str, ...]:
        await self._wait()
        return self.served_adapters


class NoKiwi:
    """KiwiRepairs stand-in that proposes nothing (rules under test run without Kiwi)."""

    def warm(self) -> None:
        return None

    def spaced(self, text: str) -> list[str]:
        return []

    def typo_fixes(self, text: str) -> list[str]:
        return []
