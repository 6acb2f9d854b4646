"""Builds the pipeline from settings: the index (demo index on first use), embedder, LM, NLI, reader."""

from __future__ import annotations

import asyncio
import logging
import shutil
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

from searchlm.embed import open_embedder
from searchlm.lm.grpc_client import make_lm_client
from searchlm.lm.types import LmClient
from searchlm.nli.registry import ScorerUnavailableError, open_scorer
from searchlm.nli.types import EntailmentScorer
from searchlm.nli.verdict import Thresholds
from searchlm.search import BackendConfig
from services.free_qa import kiwi_text
from services.free_qa.adapters.reader import ReaderUnavailableError, open_reader
from services.free_qa.adapters.store import IndexStore, sparse_kind
from services.free_qa.ingest import build_index
from services.free_qa.kinds import KindClassifier
from services.free_qa.manifest import corpus_hash
from services.free_qa.pipeline import PipelineConfig, QaPipeline
from services.free_qa.reader_answerer import ReaderConfig, SpanReader
from services.free_qa.reader_confidence import DEFAULT_PATH as DEFAULT_CONFIDENCE
from services.free_qa.reader_confidence import AnswerConfidence, load_confidence
from services.free_qa.reader_context import SentenceTerms, surface_sentences
from services.free_qa.retrieval import RetrievalConfig
from services.free_qa.settings import FreeQaSettings
from services.free_qa.slot_check import SLOT_MIN_CONFIDENCE
from services.free_qa.sources import read_passages
from services.free_qa.span_answerer import SpanConfig

_log = logging.getLogger(__name__)

DEMO_CORPUS = Path(__file__).resolve().parent / "demo" / "encyclopedia.jsonl"


def search_config(settings: FreeQaSettings) -> BackendConfig:
    """Where the BM25 side lives: embedded in the index directory, or an Elasticsearch index."""
    return BackendConfig(kind=settings.backend, url=settings.es_url, index=settings.es_index)


def _stale(store: IndexStore, source: Path, settings: FreeQaSettings) -> bool:
    if not store.exists():
        return True
    manifest = store.manifest()
    return manifest.sparse != sparse_kind(settings.backend) or manifest.corpus_sha256 != corpus_hash(
        read_passages(source)
    )


def index_dir(settings: FreeQaSettings) -> Path:
    """The configured index, or the demo index in the cache directory (built when missing)."""
    if settings.index_dir:
        return Path(settings.index_dir).expanduser()
    root = Path(settings.cache_dir).expanduser() / "demo-index"
    source = Path(settings.demo_corpus) if settings.demo_corpus else DEMO_CORPUS
    store = IndexStore(root)
    if _stale(store, source, settings):
        _log.info("building the demo index", extra={"index_dir": str(root), "source": str(source)})
        # rebuild: the demo corpus changed (or first start); embeddings of unchanged text are cached
        shutil.rmtree(root, ignore_errors=True)
        build_index(
            source,
            root,
            embedder_spec=settings.embedder,
            num_threads=settings.embedder_threads,
            progress=False,
            sparse_kind=sparse_kind(settings.backend),
            search=search_config(settings),
        )
    return root


def load_scorer(spec: str) -> EntailmentScorer | None:
    """The NLI scorer `open_scorer` opens, or None when off ("none") or not available: an absent
    NLI model degrades support checks to lexical ones, it does not stop the service."""
    if spec == "none":
        return None
    try:
        return open_scorer(spec)
    except ScorerUnavailableError as exc:
        _log.warning(
            "NLI scorer unavailable; using lexical support checks", extra={"nli": spec, "error": str(exc)}
        )
        return None


READER_CUTS: dict[str, SentenceTerms] = {
    "surface": surface_sentences,
    "kiwi": kiwi_text.sentence_terms,
}
"""How passages are cut into sentences for the reader's context budget (`reader_context`):
surface (punctuation; the question's terms matched in the text) or kiwi (one Kiwi analysis
per passage, its terms matched too)."""


def load_reader(settings: FreeQaSettings) -> SpanReader | None:
    """The extractive reader `open_reader` opens, or None when off ("none") or not available: a
    missing artefact leaves factoid answers to the feature-ranked spans, it does not stop the service."""
    if settings.reader == "none":
        return None
    options: dict[str, Any] = {"path": settings.reader_path} if settings.reader_path else {}
    if not settings.reader_pack:
        options["pack"] = False
    try:
        return open_reader(settings.reader, **options)
    except ReaderUnavailableError as exc:
        _log.warning(
            "extractive reader unavailable; factoid answers use feature-ranked spans",
            extra={"reader": settings.reader, "error": str(exc)},
        )
        return None


def load_calibration(spec: str) -> AnswerConfidence | None:
    """The answer-confidence model `spec` names: "default" (shipped), "none", or a JSON path.

    Raises:
        FileNotFoundError: A named file is missing.
        ValueError: The file does not hold a model for today's features.
    """
    if spec == "none":
        return None
    return load_confidence(DEFAULT_CONFIDENCE if spec == "default" else Path(spec).expanduser())


def build_pipeline(settings: FreeQaSettings, lm: LmClient | None) -> QaPipeline:
    """Wires the pipeline (slow: loads the index, embedder, NLI model and reader)."""
    embedder = open_embedder(settings.embedder, num_threads=settings.embedder_threads)
    retrieval = RetrievalConfig(dense_weight=settings.dense_weight, sparse_weight=settings.sparse_weight)
    retriever = IndexStore(index_dir(settings), search=search_config(settings)).open_retriever(
        embedder, config=retrieval, use_gpu=settings.use_gpu
    )
    retriever.retrieve("워밍업 질문", 1)  # loads Kiwi and the embedder now, not on the first request
    config = PipelineConfig(
        default_passages=settings.default_passages,
        prompt_passages=settings.prompt_passages,
        min_dense_score=settings.min_dense_score,
        nli_thresholds=Thresholds(settings.nli_entailment_threshold, settings.nli_contradiction_threshold),
        lm_timeout=settings.lm_timeout_seconds,
        use_lm=settings.use_lm,
        span_answers=settings.span_answers,
        yes_no_slot_confidence=SLOT_MIN_CONFIDENCE if settings.yes_no_reader else None,
        spans=SpanConfig(rerank=settings.span_rerank),
        reader=ReaderConfig(
            passages=settings.reader_passages,
            min_confidence=settings.reader_min_confidence,
            calibration=load_calibration(settings.reader_confidence),
            context_chars=settings.reader_context_chars,
            context_total_chars=settings.reader_context_total_chars,
        ),
    )
    return QaPipeline(
        retriever=retriever,
        lm=lm,
        scorer=load_scorer(settings.nli),
        split=kiwi_text.split_sentences,
        terms=kiwi_text.terms,
        config=config,
        classifier=KindClassifier(lm if settings.kind_lm else None),
        tag=kiwi_text.morphemes,
        reader=load_reader(settings),
        sentence_terms=READER_CUTS[settings.reader_context_cut],
    )


async def load(settings: FreeQaSettings, resources: AsyncExitStack) -> QaPipeline:
    """The pipeline of a server (`__main__`): the index (the demo index may take minutes to build),
    embedder, NLI model and reader load in a worker thread while health says NOT_SERVING."""
    client = make_lm_client(settings)
    resources.push_async_callback(client.close)
    return await asyncio.to_thread(build_pipeline, settings, client)
