"""Prometheus metrics of the model server (the RuntimeObserver and EngineObserver implementation)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

_FAST = (0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10)
_SLOW = (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40, 80)


class ModelServerMetrics:
    """Time to first token, inter-token and end-to-end latency, queue, token counts, and the
    engine's batch size, step time, token throughput and prefix-cache hits."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.ttft = Histogram(
            "searchlm_model_time_to_first_token_seconds",
            "Admission to first token",
            buckets=(*_FAST, 20, 40),
            registry=registry,
        )
        self.itl = Histogram(
            "searchlm_model_inter_token_latency_seconds",
            "Gap between tokens",
            buckets=_FAST,
            registry=registry,
        )
        self.e2e = Histogram(
            "searchlm_model_request_seconds", "Generation request wall time", buckets=_SLOW, registry=registry
        )
        self.waiting = Gauge(
            "searchlm_model_requests_waiting", "Requests queued for an engine slot", registry=registry
        )
        self.running = Gauge(
            "searchlm_model_requests_running", "Requests holding an engine slot", registry=registry
        )
        self.prompt_tokens = Counter(
            "searchlm_model_prompt_tokens", "Prompt tokens processed", registry=registry
        )
        self.generated_tokens = Counter(
            "searchlm_model_generated_tokens", "Tokens generated", registry=registry
        )

        self.batch_size = Gauge(
            "searchlm_model_batch_size", "Sequences in the engine's last decode step", registry=registry
        )
        self.step_seconds = Histogram(
            "searchlm_model_engine_step_seconds",
            "Engine step wall time (one decode call and at most one prefill chunk)",
            buckets=_FAST,
            registry=registry,
        )
        self.engine_tokens = Counter(
            "searchlm_model_engine_tokens",
            "Tokens run through the model per step, by kind (rate() gives tokens/s)",
            ["kind"],
            registry=registry,
        )
        self.prefix_lookups = Counter(
            "searchlm_model_prefix_cache_lookups",
            "Prefix-cache lookups at the start of a prefill, by result (hit or miss)",
            ["result"],
            registry=registry,
        )
        self.prefix_reused = Counter(
            "searchlm_model_prefix_cache_reused_tokens",
            "Prompt tokens served from the prefix cache",
            registry=registry,
        )

    def first_token(self, seconds: float) -> None:
        """Records a time to first token."""
        self.ttft.observe(seconds)

    def inter_token(self, seconds: float) -> None:
        """Records one inter-token gap."""
        self.itl.observe(seconds)

    def finished(self, *, seconds: float, prompt_tokens: int, generated_tokens: int) -> None:
        """Records a finished generation."""
        self.e2e.observe(seconds)
        self.prompt_tokens.inc(prompt_tokens)
        self.generated_tokens.inc(generated_tokens)

    def queue_changed(self, running: int, waiting: int) -> None:
        """Updates the queue gauges."""
        self.running.set(running)
        self.waiting.set(waiting)

    def engine_step(
        self, *, batch_size: int, prompt_tokens: int, generated_tokens: int, seconds: float
    ) -> None:
        """Records one engine step (called from the engine thread; prometheus_client is thread-safe)."""
        self.batch_size.set(batch_size)
        self.step_seconds.observe(seconds)
        self.engine_tokens.labels("prompt").inc(prompt_tokens)
        self.engine_tokens.labels("generated").inc(generated_tokens)

    def prefix_cache_lookup(self, *, hit: bool, reused_tokens: int) -> None:
        """Records one prefix-cache lookup."""
        self.prefix_lookups.labels("hit" if hit else "miss").inc()
        self.prefix_reused.inc(reused_tokens)
