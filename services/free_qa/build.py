"""Builds a QaPipeline from settings: the index (demo index on first use), embedder, LM, NLI."""

from __future__ import annotations

import importlib
import logging
import shutil
from pathlib import Path

from searchlm.lm.types import LmClient
from searchlm.nli.types import EntailmentScorer
from services.free_qa.adapters import kiwi_text
from services.free_qa.adapters.store import IndexStore
from services.free_qa.ingest import build_index, load_embedder
from services.free_qa.kinds import KindClassifier
from services.free_qa.manifest import corpus_hash
from services.free_qa.pipeline import PipelineConfig, QaPipeline
from services.free_qa.retrieval import RetrievalConfig
from services.free_qa.settings import FreeQaSettings
from services.free_qa.sources import read_passages
from services.free_qa.span_answerer import SpanConfig

_log = logging.getLogger(__name__)

DEMO_CORPUS = Path(__file__).resolve().parent / "demo" / "encyclopedia.jsonl"

NLI_SCORERS: dict[str, str] = {"default": "searchlm.nli:load_default_scorer"}
"""NLI scorer names; any other value is a module:attribute path ("none" turns NLI off)."""


def index_dir(settings: FreeQaSettings) -> Path:
    """The configured index, or the demo index in the cache directory (built when missing)."""
    if settings.index_dir:
        return Path(settings.index_dir).expanduser()
    root = Path(settings.cache_dir).expanduser() / "demo-index"
    source = Path(settings.demo_corpus) if settings.demo_corpus else DEMO_CORPUS
    store = IndexStore(root)
    if not store.exists() or store.manifest().corpus_sha256 != corpus_hash(read_passages(source)):
        _log.info("building the demo index", extra={"index_dir": str(root), "source": str(source)})
        # rebuild: the demo corpus changed (or first start); embeddings of unchanged text are cached
        shutil.rmtree(root, ignore_errors=True)
        build_index(
            source,
            root,
            embedder_spec=settings.embedder,
            num_threads=settings.embedder_threads,
            progress=False,
        )
    return root


def load_scorer(spec: str) -> EntailmentScorer | None:
    """The NLI scorer, or None when off or not available (checks fall back to lexical ones)."""
    if spec == "none":
        return None
    module, _, attr = NLI_SCORERS.get(spec, spec).partition(":")
    try:
        factory = getattr(importlib.import_module(module), attr)
        return factory() if callable(factory) else factory  # type: ignore[no-any-return]
    except Exception as exc:  # an absent NLI model degrades checks, it does not stop the service
        _log.warning(
            "NLI scorer unavailable; using lexical support checks", extra={"nli": spec, "error": str(exc)}
        )
        return None


def build_pipeline(settings: FreeQaSettings, lm: LmClient | None) -> QaPipeline:
    """Wires the pipeline (slow: loads the index, embedder and NLI model)."""
    embedder = load_embedder(settings.embedder, num_threads=settings.embedder_threads)
    retrieval = RetrievalConfig(dense_weight=settings.dense_weight, sparse_weight=settings.sparse_weight)
    retriever = IndexStore(index_dir(settings)).open_retriever(
        embedder, config=retrieval, use_gpu=settings.use_gpu
    )
    retriever.retrieve("워밍업 질문", 1)  # loads Kiwi and the embedder now, not on the first request
    config = PipelineConfig(
        default_passages=settings.default_passages,
        prompt_passages=settings.prompt_passages,
        min_dense_score=settings.min_dense_score,
        lm_timeout=settings.lm_timeout_seconds,
        use_lm=settings.use_lm,
        span_answers=settings.span_answers,
        spans=SpanConfig(rerank=settings.span_rerank),
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
    )
