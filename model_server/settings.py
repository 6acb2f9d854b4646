"""Model server settings, from SEARCHLM_MODEL_SERVER_* environment variables."""

from __future__ import annotations

from pydantic_settings import SettingsConfigDict

from searchlm.serving.settings import ServerSettings


class ModelServerSettings(ServerSettings):
    """Everything the model server process reads at start."""

    model_config = SettingsConfigDict(
        env_prefix="SEARCHLM_MODEL_SERVER_", use_attribute_docstrings=True, extra="ignore"
    )

    engine: str = "llamacpp"
    """Engine name from the registry: llamacpp, transformers or trtllm."""
    model_path: str = ""
    """GGUF file (llamacpp) or model directory (transformers, trtllm); empty: packaged Gemma 3 270M."""
    model_sha256: str = ""
    """Expected SHA-256 of a custom GGUF file (the packaged model is always verified)."""
    model_name: str = ""
    """Name reported to clients; default derived from the path."""
    context_length: int = 2048
    """Context window in tokens."""
    threads: int = 2
    """CPU threads for the CPU engines."""
    device: str = "auto"
    """transformers engine device: cpu, cuda, cuda:N or auto."""
    max_batch_size: int = 16
    """Sequences decoded together (continuous batching in every engine)."""
    prefix_cache_entries: int = 8
    """llamacpp: prompts whose KV is kept for reuse by later requests; 0 disables the cache."""
    prefix_cache_min_tokens: int = 32
    """llamacpp: shortest prompt cached, and shortest cached prefix worth reusing."""
    prefill_chunk: int = 128
    """llamacpp: prompt tokens evaluated per step, bounding how long running decodes wait."""
    fast_mode: bool = False
    """llamacpp: repacked weights, flash attention, unified KV: faster at large batches, but greedy
    output is no longer bit-identical to the same request alone at any batch size (without it:
    below 8 sequences decoding together) nor a prefix-cache hit to the cold prompt. Off by default."""
    lanes: int = 1
    """llamacpp: contexts decoding in parallel on one model. 2: requests on a LoRA adapter decode
    in a second context beside the base model's instead of taking turns with them in one (mixed
    adapter traffic, docs/benchmarks.md); the adapter lane runs on one thread, the base lane on
    all of them while alone; costs a second KV cache in memory."""
    tensor_parallel_size: int = 1
    """TensorRT-LLM tensor-parallel degree (GPUs per stage)."""
    pipeline_parallel_size: int = 1
    """TensorRT-LLM pipeline-parallel degree."""
    max_waiting: int = 64
    """Requests that may queue beyond the running ones; more get RESOURCE_EXHAUSTED."""
    max_tokens_limit: int = 1024
    """Largest max_tokens a request may ask for."""
    default_max_tokens: int = 128
    """max_tokens when a request leaves it unset."""
    max_candidates: int = 8
    """Largest n a request may ask for."""
    max_stop_sequences: int = 8
    """Most stop sequences per request."""
    max_stop_length: int = 64
    """Longest stop sequence in characters."""
    max_continuations: int = 32
    """Most continuations per Score request."""
    max_choices: int = 64
    """Most choices a Generate request may constrain its completion to."""
    adapters_dir: str = "packaged"
    """LoRA adapters loaded at start: a folder of GGUF LoRA files (name = file stem; llamacpp and
    transformers engines), "packaged" for the adapters shipped in model_server/adapters when the
    packaged Gemma 3 270M is served (none otherwise), or empty for none. An adapter tuned on
    another base model stops the server at start."""
