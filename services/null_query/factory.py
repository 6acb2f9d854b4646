"""Settings -> pipeline (used by `__main__` through `load`, and by the in-process `offline` adapter)."""

from __future__ import annotations

import json
from contextlib import AsyncExitStack
from pathlib import Path

from searchlm import registry
from searchlm.lm.grpc_client import make_lm_client
from searchlm.lm.types import LmClient
from searchlm.search.protocol import SearchBackend
from searchlm.search.registry import BackendConfig, open_backend
from searchlm.search.types import Document
from services.null_query.korean import KiwiRepairs
from services.null_query.lm_stage import LmStage, LmStageConfig
from services.null_query.pipeline import NullQueryPipeline, PipelineConfig
from services.null_query.prompt import DEFAULT_BANK, Example, ExampleSelector, load_examples
from services.null_query.settings import NullQuerySettings

SELECTORS: dict[str, str] = {
    "ngram": "services.null_query.prompt:NgramSelector",
    "e5": "services.null_query.adapters.e5_selector:E5Selector",
}


def build_selector(name: str, examples: list[Example]) -> ExampleSelector:
    """The example selector registered under `name`."""
    cls = registry.load(name, SELECTORS, kind="example_selector", allow_paths=False)
    selector: ExampleSelector = cls(examples)
    return selector


def _catalog(path: str) -> list[Document]:
    docs = []
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            docs.append(Document(str(row.pop("id")), row.pop("title"), row.pop("text", "") or "", row))
    return docs


async def build_backend(settings: NullQuerySettings) -> SearchBackend:
    """The configured backend; an empty embedded index is filled from `catalog_path`."""
    config = BackendConfig(settings.backend, settings.index_path, settings.es_url, settings.es_index)
    backend = open_backend(config)
    if settings.backend == "embedded" and settings.catalog_path and not await backend.vocabulary():
        await backend.index(_catalog(settings.catalog_path))
    return backend


def build_lm_stage(settings: NullQuerySettings, client: LmClient) -> LmStage:
    """The LM stage with the shipped example bank (plus `examples_path`)."""
    paths = [DEFAULT_BANK, *([Path(settings.examples_path)] if settings.examples_path else [])]
    config = LmStageConfig(
        shots=settings.lm_shots,
        candidates=settings.lm_candidates,
        adapter_candidates=settings.lm_adapter_candidates,
        max_tokens=settings.lm_max_tokens,
        temperature=settings.lm_temperature,
        score_top=settings.lm_score_top,
        adapter=settings.lm_adapter,
    )
    selector = build_selector(settings.example_selector, load_examples(*paths))
    return LmStage(client=client, selector=selector, config=config)


def build_pipeline(
    settings: NullQuerySettings, backend: SearchBackend, client: LmClient | None
) -> NullQueryPipeline:
    """The pipeline; `client` None (or lm_enabled false) runs rules only."""
    lm = build_lm_stage(settings, client) if client is not None and settings.lm_enabled else None
    config = PipelineConfig(
        min_hits=settings.min_hits,
        default_deadline=settings.default_deadline_seconds,
        lm_timeout=settings.lm_timeout_seconds,
    )
    return NullQueryPipeline(
        backend=backend, kiwi=KiwiRepairs(typo_model=settings.typo_model), lm=lm, config=config
    )


async def load(settings: NullQuerySettings, resources: AsyncExitStack) -> NullQueryPipeline:
    """The started pipeline of a server (`__main__`): backend, LM client, Kiwi and lexicon loaded.

    The backend and client are closed with `resources` at shutdown.
    """
    backend = await build_backend(settings)
    resources.push_async_callback(backend.close)
    client = make_lm_client(settings) if settings.lm_enabled else None
    if client is not None:
        resources.push_async_callback(client.close)
    pipeline = build_pipeline(settings, backend, client)
    await pipeline.start()
    return pipeline
