"""Offline callers of review summaries (eval, scripts, docs): the pipeline in process.

`InProcessSummarizer.summarize(texts)` builds the pipeline from `SEARCHLM_REVIEW_SUMMARY_*`
settings on first use (inside the caller's event loop, which owns the LM client).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from searchlm.lm.types import LmClient
from services.review_summary.factory import build_pipeline
from services.review_summary.pipeline import ReviewSummaryPipeline
from services.review_summary.settings import ReviewSummarySettings
from services.review_summary.types import Review, SummaryRequest, SummaryResult


def guess_language(texts: Sequence[str]) -> str:
    """ "en" when Latin letters outnumber Hangul syllables, else "ko"."""
    joined = "".join(texts)
    hangul = sum("가" <= c <= "힣" for c in joined)
    latin = sum(c.isascii() and c.isalpha() for c in joined)
    return "en" if latin > hangul else "ko"


def as_reviews(texts: Sequence[str], ratings: Sequence[int] = ()) -> tuple[Review, ...]:
    """Reviews with positional ids (r0, r1, ...) and ratings when given."""
    return tuple(Review(f"r{i}", t, ratings[i] if i < len(ratings) else 0) for i, t in enumerate(texts))


class InProcessSummarizer:
    """The pipeline built from settings, on first use.

    Args:
        settings: Settings (default: read from the environment).
        client: LM client (default: a gRPC client of `lm_target`).
    """

    def __init__(self, settings: ReviewSummarySettings | None = None, client: LmClient | None = None) -> None:
        self._settings = settings or ReviewSummarySettings()
        self._client = client
        self._pipeline: ReviewSummaryPipeline | None = None
        self._lock: asyncio.Lock | None = None

    async def _ready(self) -> ReviewSummaryPipeline:
        self._lock = self._lock or asyncio.Lock()
        async with self._lock:
            if self._pipeline is None:
                client = self._client
                if client is None:
                    from searchlm.lm.grpc_client import make_lm_client

                    client = make_lm_client(self._settings)
                loop = asyncio.get_running_loop()
                self._pipeline = await asyncio.to_thread(build_pipeline, self._settings, client, loop)
        return self._pipeline

    async def run(self, request: SummaryRequest) -> SummaryResult:
        """The full result of one request."""
        return await (await self._ready()).run(request)

    async def summarize(self, texts: Sequence[str]) -> str:
        """The served summary of review texts (language guessed from the texts)."""
        result = await self.run(SummaryRequest(reviews=as_reviews(texts), language=guess_language(texts)))
        return result.summary
