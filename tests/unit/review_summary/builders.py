"""A pipeline with the opinion panel over fakes (unit tests only)."""

from __future__ import annotations

from searchlm import text as korean
from services.review_summary.aspects import AspectGrouper
from services.review_summary.checker import FaithfulnessChecker
from services.review_summary.cleaning import CleaningSettings
from services.review_summary.faithfulness import FaithfulnessSettings
from services.review_summary.generation import CandidateGenerator, GenerationSettings
from services.review_summary.panel import OpinionPanel, PanelSettings
from services.review_summary.pipeline import PipelineSettings, ReviewSummaryPipeline
from services.review_summary.rephrase import Rephraser
from services.review_summary.store import DEMO_STORE, ReviewStore
from tests.unit.review_summary.fakes import CueScorer, FakeLm, HashEmbedder, SimpleSplitter, TableEmbedder


def panel_pipeline(
    lm: FakeLm, scorer: CueScorer, rephraser: Rephraser | None = None
) -> ReviewSummaryPipeline:
    """Kiwi's real morphemes and the real panel, with fake NLI, embeddings and LM."""
    splitter = SimpleSplitter()
    checker = FaithfulnessChecker(scorer=scorer, splitter=splitter, settings=FaithfulnessSettings())
    return ReviewSummaryPipeline(
        generator=CandidateGenerator(client=lm, settings=GenerationSettings(lm_timeout_seconds=5)),
        checker=checker,
        splitter=splitter,
        embedder=HashEmbedder(),
        store=ReviewStore.load(DEMO_STORE),
        cleaning=CleaningSettings(max_reviews=50),
        settings=PipelineSettings(default_deadline_seconds=20, nli_reserve_seconds=0.5),
        panel=OpinionPanel(
            analyzer=korean.tokenize_many,
            grouper=AspectGrouper(TableEmbedder({})),
            checker=checker,
            join=korean.join,
            settings=PanelSettings(),
        ),
        rephraser=rephraser,
    )
