"""Settings -> pipeline (used by `__main__` through `load`, and by the in-process `offline` adapter)."""

from __future__ import annotations

import asyncio
import functools
from contextlib import AsyncExitStack

from searchlm import text as korean
from searchlm.embed import CachingEmbedder, Embedder, open_embedder
from searchlm.lm.grpc_client import make_lm_client
from searchlm.lm.types import LmClient
from services.review_summary.adapters.kiwi_splitter import KiwiSplitter
from services.review_summary.adapters.scorers import ScorerContext, build_scorer
from services.review_summary.aspects import AspectGrouper
from services.review_summary.checker import FaithfulnessChecker
from services.review_summary.cleaning import CleaningSettings
from services.review_summary.faithfulness import FaithfulnessSettings
from services.review_summary.generation import CandidateGenerator, GenerationSettings
from services.review_summary.panel import OpinionPanel, PanelSettings
from services.review_summary.pipeline import PipelineSettings, ReviewSummaryPipeline
from services.review_summary.rephrase import Rephraser, RephraseSettings
from services.review_summary.settings import ReviewSummarySettings
from services.review_summary.store import ReviewStore


def build_checker(
    settings: ReviewSummarySettings, client: LmClient, splitter: KiwiSplitter, loop: asyncio.AbstractEventLoop
) -> FaithfulnessChecker:
    """The NLI gate with the configured scorer (`loop` owns the LM client, for lm_judge)."""
    ctx = ScorerContext(
        client=client,
        loop=loop,
        path=settings.nli_path,
        device=settings.nli_device,
        threads=settings.nli_threads,
    )
    faith = FaithfulnessSettings(
        entailment_threshold=settings.entailment_threshold,
        contradiction_threshold=settings.contradiction_threshold,
        summary_threshold=settings.summary_threshold,
        chunk_chars=settings.chunk_chars,
        premise_chars=settings.premise_chars,
        confirm_entailment_threshold=settings.confirm_entailment_threshold,
    )
    return FaithfulnessChecker(
        scorer=build_scorer(settings.nli_scorer, ctx),
        splitter=splitter,
        settings=faith,
        plain=korean.declarative if settings.plain_clauses else None,
    )


def build_panel(
    settings: ReviewSummarySettings, checker: FaithfulnessChecker, embedder: Embedder
) -> OpinionPanel | None:
    """The opinion panel (None when switched off)."""
    if not settings.opinion_panel:
        return None
    return OpinionPanel(
        analyzer=functools.partial(korean.tokenize_many, typos=settings.typo_tolerant),
        grouper=AspectGrouper(embedder, threshold=settings.aspect_similarity),
        checker=checker,
        join=korean.join,
        settings=PanelSettings(min_support=settings.min_support, max_statements=settings.max_statements),
    )


def build_rephraser(settings: ReviewSummarySettings, client: LmClient) -> Rephraser | None:
    """The LM's rephrasing of the panel's summary (None when off or the panel is)."""
    if settings.rephrase == "off" or not settings.opinion_panel:
        return None
    return Rephraser(
        client=client,
        settings=RephraseSettings(
            mode=settings.rephrase,
            adapter=settings.rephrase_adapter,
            candidates=settings.rephrase_candidates,
        ),
    )


def build_pipeline(
    settings: ReviewSummarySettings, client: LmClient, loop: asyncio.AbstractEventLoop
) -> ReviewSummaryPipeline:
    """Pipeline with Kiwi, e5, the configured NLI scorer and the review store (all loaded now)."""
    korean.warm()
    splitter = KiwiSplitter()
    generation = GenerationSettings(
        candidates=settings.candidates,
        max_tokens=settings.max_tokens,
        temperature=settings.temperature,
        lm_timeout_seconds=settings.lm_timeout_seconds,
    )
    checker = build_checker(settings, client, splitter, loop)
    embedder = CachingEmbedder(
        open_embedder(settings.embedder, num_threads=settings.embed_threads),
        max_items=settings.embed_cache_items,
    )
    return ReviewSummaryPipeline(
        generator=CandidateGenerator(client=client, settings=generation),
        checker=checker,
        splitter=splitter,
        embedder=embedder,
        panel=build_panel(settings, checker, embedder),
        rephraser=build_rephraser(settings, client),
        store=ReviewStore.load(settings.store_path),
        cleaning=CleaningSettings(
            max_reviews=settings.review_limit,
            max_review_chars=settings.max_review_chars,
            near_duplicate_jaccard=settings.near_duplicate_jaccard,
        ),
        settings=PipelineSettings(
            default_max_chars=settings.default_max_chars,
            default_language=settings.default_language,
            prompt_budget_chars=settings.prompt_budget_chars,
            prompt_max_reviews=settings.prompt_max_reviews,
            selection_shortlist_chars=settings.selection_shortlist_chars,
            max_rounds=settings.max_rounds,
            default_deadline_seconds=settings.default_deadline_seconds,
            nli_reserve_seconds=settings.nli_reserve_seconds,
        ),
    )


async def load(settings: ReviewSummarySettings, resources: AsyncExitStack) -> ReviewSummaryPipeline:
    """The pipeline of a server (`__main__`): Kiwi, e5 and the NLI model load in a worker thread
    while health says NOT_SERVING; the LM client is closed with `resources` at shutdown."""
    client = make_lm_client(settings)
    resources.push_async_callback(client.close)
    return await asyncio.to_thread(build_pipeline, settings, client, asyncio.get_running_loop())
