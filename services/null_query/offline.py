"""Offline callers of null-query rewriting: the pipeline in process, or the service over gRPC.

Both expose `async rewrite(query) -> list[str]` (ranked rewrites; empty when the query has
results), which is what the eval CLI's null-query predictor wraps.
"""

from __future__ import annotations

import asyncio

from searchlm.lm.types import LmClient
from services.null_query.factory import build_backend, build_pipeline
from services.null_query.pipeline import NullQueryPipeline
from services.null_query.settings import NullQuerySettings
from services.null_query.types import RewriteRequest


class InProcessRewriter:
    """The pipeline built from `SEARCHLM_NULL_QUERY_*` settings, started on first use.

    Args:
        settings: Settings (default: read from the environment).
        client: LM client (default: a gRPC client of `lm_target` when `lm_enabled`).
    """

    def __init__(self, settings: NullQuerySettings | None = None, client: LmClient | None = None) -> None:
        self._settings = settings or NullQuerySettings()
        self._client = client
        self._pipeline: NullQueryPipeline | None = None
        self._lock: asyncio.Lock | None = None

    async def _ready(self) -> NullQueryPipeline:
        self._lock = self._lock or asyncio.Lock()
        async with self._lock:
            if self._pipeline is None:
                client = self._client
                if client is None and self._settings.lm_enabled:
                    from searchlm.lm.grpc_client import make_lm_client

                    client = make_lm_client(self._settings)
                backend = await build_backend(self._settings)
                self._pipeline = build_pipeline(self._settings, backend, client)
                await self._pipeline.start()
        return self._pipeline

    async def rewrite(self, query: str) -> list[str]:
        """Ranked rewrites of `query` (empty: it has results or nothing verified)."""
        pipeline = await self._ready()
        result = await pipeline.run(RewriteRequest(query, max_rewrites=self._settings.default_max_rewrites))
        return [r.text for r in result.rewrites]
