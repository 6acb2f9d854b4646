"""llama.cpp engine (the embedded default): a GGUF model on CPU through llama-cpp-python.

Continuous batching: one engine thread (`StepThread`) owns the context (`LlamaContext`)
and steps it back to back. At every token boundary it admits new sequences, frees finished
or cancelled ones, and runs one step of the `BatchRunner`: one `llama_decode` with a token
for every decoding sequence, then prompt chunks worth `prefill_chunk` tokens; the step's
tokens stream out on the event loop while the next step decodes. A prefix
cache keeps the KV of recent prompts in spare sequence ids, so few-shot prompts and `n`
candidates skip the shared part of their prefill.

LoRA adapters (GGUF, `model_server.lora`) are loaded at start and chosen per request:
sequences under different adapters never share a decode call, and prefix-cache entries are
keyed by adapter.

A prefix-cache hit gives the same bits as the cold prompt, and greedy output is
bit-identical to the same request alone **while fewer than 8 sequences decode together**:
prefill never shares a call with other sequences, no prompt chunk has fewer than 8 tokens
unless the whole prompt does, and the context avoids the paths whose rounding depends on the
batch (see `llamacpp_context`). From 8 rows on, llama.cpp's CPU matmuls leave the row-by-row
kernel for a GEMM kernel that rounds differently; that kernel is what makes batching pay
(16 sequences decode 0.55x as fast in calls of at most 7 rows), so it is kept, and a
sequence's logits in a decode call of 8 or more may differ from alone (by up to 1.1 logits on
Gemma 3 270M; 15 of 16 greedy 64-token outputs differed from alone when all 16 ran together:
`bench/batch_exactness.py`). Measured on Gemma 3 270M Q4_K_M, the other batch-dependent
paths: with weight repacking on, logits change from a batch of 4; in a unified KV cache, once
freed cells reorder a sequence's cells; with flash attention, with where a prompt chunk
starts; with prefill mixed into a decode call, with the batch.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

from model_server.detokenizer import ByteDetokenizer, IncrementalDetokenizer
from model_server.engines.llamacpp_batch import (
    MIN_CHUNK,
    BatchRunner,
    BatchSequence,
    EngineObserver,
    Result,
    RunnerState,
)
from model_server.engines.llamacpp_prefix import PrefixCache
from model_server.engines.step_thread import StepThread
from model_server.lora import adapters_dir, check_base, discover
from model_server.sampling import Sampler
from model_server.types import ModelInfo, SamplingParams, TokenStep
from searchlm.files import file_sha256, packaged_gguf, packaged_sha256

DEFAULT_MODEL_NAME = "gemma-3-270m-q4_k_m"


def verify_sha256(path: Path, expected: str) -> None:
    """Raises ValueError if the file's SHA-256 differs from `expected`."""
    actual = file_sha256(path)
    if actual != expected.lower():
        raise ValueError(f"{path}: sha256 {actual} does not match {expected}")


class _Request(BatchSequence):
    """A runner sequence with the queue its tokens stream through."""

    out: asyncio.Queue[TokenStep | BaseException | None]


class LlamaCppEngine:
    """GGUF model through llama-cpp-python with continuous batching and a prefix cache.

    Args:
        model_path: GGUF file; empty uses the packaged Gemma 3 270M (checksum verified).
        model_sha256: Expected SHA-256 of a custom GGUF file; empty skips the check.
        context_length: Longest sequence (prompt + output) in tokens.
        threads: CPU threads.
        model_name: Name reported by GetModelInfo.
        max_batch_size: Sequences decoded together.
        prefix_cache_entries: Prompts whose KV is kept for reuse; 0 disables the cache.
        prefix_cache_min_tokens: Shortest prompt stored, and shortest prefix reused.
        prefill_chunk: Prompt tokens evaluated per step, so running decodes wait at most
            one chunk.
        fast_mode: Repacked weights, flash attention and a unified KV cache (faster decode at
            large batches); greedy output is then no longer bit-identical between a request
            alone and in a batch of any size (without it: below 8 decoding together). Off by
            default.
        adapters_dir: Folder of GGUF LoRA adapters, "packaged" (the shipped ones when the
            packaged model is served) or empty for none.
    """

    def __init__(
        self,
        *,
        model_path: str = "",
        model_sha256: str = "",
        context_length: int = 2048,
        threads: int = 2,
        model_name: str | None = None,
        max_batch_size: int = 16,
        prefix_cache_entries: int = 8,
        prefix_cache_min_tokens: int = 32,
        prefill_chunk: int = 128,
        fast_mode: bool = False,
        adapters_dir: str = "",
    ) -> None:
        if max_batch_size < 1 or prefill_chunk < MIN_CHUNK or prefix_cache_entries < 0:
            raise ValueError(
                f"max_batch_size must be >= 1, prefill_chunk >= {MIN_CHUNK}, prefix_cache_entries >= 0"
            )
        self._path = model_path
        self._sha256 = model_sha256
        self._threads = threads
        self._cache_entries = prefix_cache_entries
        self._cache_min = prefix_cache_min_tokens
        self._chunk = prefill_chunk
        self._fast = fast_mode
        self._adapters_dir = adapters_dir
        self._eos: set[int] = set()
        name = model_name or (Path(model_path).stem if model_path else DEFAULT_MODEL_NAME)
        self._info = ModelInfo(
            model=name, engine="llamacpp", context_length=context_length, max_batch_size=max_batch_size
        )
        self._ctx: Any = None
        self._runner: BatchRunner | None = None
        self._observer: EngineObserver | None = None
        self._thread: StepThread[BatchSequence] = StepThread(
            "llamacpp", step=self._step, busy=self._runner_busy, deliver=self._deliver_all
        )
        self._started = False

    @classmethod
    def from_settings(cls, settings: Any) -> LlamaCppEngine:
        """Builds the engine from `ModelServerSettings`."""
        return cls(
            model_path=settings.model_path,
            model_sha256=getattr(settings, "model_sha256", ""),
            context_length=settings.context_length,
            threads=settings.threads,
            model_name=settings.model_name or None,
            max_batch_size=settings.max_batch_size,
            prefix_cache_entries=settings.prefix_cache_entries,
            prefix_cache_min_tokens=settings.prefix_cache_min_tokens,
            prefill_chunk=settings.prefill_chunk,
            fast_mode=getattr(settings, "fast_mode", False),
            adapters_dir=getattr(settings, "adapters_dir", ""),
        )

    @property
    def info(self) -> ModelInfo:
        """Served model description."""
        return self._info

    def attach_observer(self, observer: object) -> None:
        """Sends batch and prefix-cache metrics to `observer` if it takes them."""
        if isinstance(observer, EngineObserver):
            self._observer = observer
            if self._runner is not None:
                self._runner.observer = observer

    async def start(self) -> None:
        """Starts the engine thread and loads the GGUF on it."""
        self._thread.start(asyncio.get_running_loop())
        self._started = True
        await self._thread.call(self._load)

    def _load(self) -> None:
        from model_server.engines.llamacpp_context import LlamaContext  # pulls llama.cpp in

        path = Path(self._path) if self._path else packaged_gguf()
        if not path.is_file():
            raise FileNotFoundError(f"GGUF model not found: {path}")
        if self._sha256:
            verify_sha256(path, self._sha256)
        adapters = discover(adapters_dir(self._adapters_dir, packaged_model=not self._path))
        if adapters:
            served = self._sha256 or (file_sha256(path) if self._path else packaged_sha256())
            check_base(adapters, model=self._info.model, model_sha256=served)
        batch = self._info.max_batch_size
        n_seq = batch + self._cache_entries + 1  # running slots, cache entries, one for scoring
        self._ctx = ctx = LlamaContext(
            path,
            n_ctx=n_seq * self._info.context_length,  # one stream of context_length per sequence
            n_seq_max=n_seq,
            n_batch=max(self._chunk + MIN_CHUNK - 1, batch),  # room for a merged short tail
            threads=self._threads,
            fast=self._fast,
        )
        for adapter in adapters:
            ctx.load_adapter(adapter.info.name, adapter.path)
        self._info = dataclasses.replace(self._info, adapters=tuple(a.info for a in adapters))
        self._eos = ctx.eos_ids()
        ids = list(range(n_seq))
        cache = None
        if self._cache_entries:
            cache = PrefixCache(ctx, ids[batch:-1], self._cache_min, keep_last=MIN_CHUNK)
        self._runner = BatchRunner(
            ctx,
            slots=ids[:batch],
            cache=cache,
            max_length=self._info.context_length,
            prefill_chunk=self._chunk,
            eos=self._eos,
            observer=self._observer,
        )

    async def stop(self) -> None:
        """Frees the context on the engine thread, then ends the thread."""
        if not self._started:
            return
        ctx, self._ctx = self._ctx, None
        if ctx is not None:
            self._runner = None  # the thread steps nothing more
            await self._thread.call(ctx.close)
        await self._thread.stop()

    def tokenize(self, text: str, *, add_special: bool) -> list[int]:
        """Token ids (BOS added when `add_special`)."""
        return list(self._ctx.tokenize(text, add_bos=add_special))

    def new_detokenizer(self) -> IncrementalDetokenizer:
        """Byte-level detokenizer: llama.cpp maps each token to raw bytes."""
        return ByteDetokenizer(self._ctx.token_bytes)

    async def state(self) -> RunnerState:
        """Sequences, slots and prefix-cache counts, read on the engine thread."""
        assert self._runner is not None, "engine not started"
        return await self._thread.call(self._runner.state)

    async def kv_sequences(self) -> list[int]:
        """Sequence ids that hold KV cells (running slots and cache entries)."""
        n_seq = self._info.max_batch_size + self._cache_entries + 1
        return await self._thread.call(lambda: [i for i in range(n_seq) if self._ctx.max_position(i) >= 0])

    async def generate(
        self, prompt_ids: Sequence[int], params: SamplingParams, *, seed: int | None, adapter: str = ""
    ) -> AsyncIterator[TokenStep]:
        """Joins the running batch at the next token boundary and streams its tokens."""
        seq = _Request(list(prompt_ids), params, Sampler(params, seed, self._eos), adapter=adapter)
        seq.out = asyncio.Queue()
        self._thread.submit(seq)
        try:
            while True:
                item = await seq.out.get()
                if item is None:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            if not seq.finished:  # closed early: the next step frees its slot and KV
                self._thread.cancel(seq)

    def _runner_busy(self) -> bool:
        return self._runner is not None and self._runner.busy

    def _step(
        self, inbox: list[BatchSequence], cancelled: list[BatchSequence]
    ) -> list[tuple[BatchSequence, Any]]:
        runner = self._runner
        if runner is None:
            raise RuntimeError("engine stopped")
        failed: list[Result] = []
        for seq in inbox:
            try:
                runner.submit(seq)
            except ValueError as exc:
                seq.finished = True
                failed.append((seq, exc))
        for seq in cancelled:  # after submitting: one may have been cancelled in the inbox
            runner.release(seq)
        # whether a token is a sequence's last is read here, on the engine thread: by the
        # time the event loop delivers it, later steps may have run
        return [
            (seq, item if isinstance(item, BaseException) else (item, seq.finished))
            for seq, item in [*failed, *runner.step()]
        ]

    def _deliver_all(self, results: list[tuple[BatchSequence, Any]]) -> None:
        for seq, item in results:
            assert isinstance(seq, _Request)
            if isinstance(item, BaseException):
                seq.out.put_nowait(item)
                continue
            token, last = item
            seq.out.put_nowait(token)
            if last:
                seq.out.put_nowait(None)

    async def score(
        self, prompt_ids: Sequence[int], continuations: Sequence[Sequence[int]], *, adapter: str = ""
    ) -> list[float]:
        """Sums each continuation's token log-probabilities after the (shared) prompt."""
        runner = self._runner
        assert runner is not None, "engine not started"
        scratch = self._info.max_batch_size + self._cache_entries
        conts = [list(c) for c in continuations]
        return await self._thread.call(runner.score, list(prompt_ids), conts, scratch, adapter)
