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
keyed by adapter. With `lanes=2` (`llamacpp_lanes`), adapter requests run in a second context
on the same model, with its own thread, KV cache and prefix cache, beside the base model's
rather than in turn with them.

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
    RunnerState,
)
from model_server.engines.llamacpp_lanes import Lane, route, total_state
from model_server.engines.llamacpp_prefix import PrefixCache
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
        lanes: Contexts decoding in parallel (`llamacpp_lanes`): 1, or 2 to run adapter
            requests beside base-model ones rather than in turn (a second KV cache in memory).
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
        lanes: int = 1,
    ) -> None:
        if max_batch_size < 1 or prefill_chunk < MIN_CHUNK or prefix_cache_entries < 0 or lanes < 1:
            raise ValueError(
                f"max_batch_size must be >= 1, prefill_chunk >= {MIN_CHUNK}, prefix_cache_entries >= 0, "
                "lanes >= 1"
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
        self._observer: EngineObserver | None = None
        self._lanes = [
            Lane(f"llamacpp-{i}" if i else "llamacpp", threads=threads, deliver=self._deliver_all)
            for i in range(lanes)
        ]
        for lane in self._lanes:
            lane.peers = self._lanes
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
            lanes=getattr(settings, "lanes", 1),
        )

    @property
    def info(self) -> ModelInfo:
        """Served model description."""
        return self._info

    def attach_observer(self, observer: object) -> None:
        """Sends batch and prefix-cache metrics to `observer` if it takes them."""
        if isinstance(observer, EngineObserver):
            self._observer = observer
            for lane in self._lanes:
                if lane.runner is not None:
                    lane.runner.observer = observer

    async def start(self) -> None:
        """Starts the engine threads and loads the GGUF on the first (the other lanes' contexts
        on their own threads)."""
        for lane in self._lanes:
            lane.thread.start(asyncio.get_running_loop())
        self._started = True
        first = self._lanes[0]
        await first.thread.call(self._load)
        for lane in self._lanes[1:]:
            await lane.thread.call(self._open_sibling, lane)

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
        ctx = LlamaContext(path, **self._context_shape(), threads=self._threads, fast=self._fast)
        for adapter in adapters:
            ctx.load_adapter(adapter.info.name, adapter.path)
        self._info = dataclasses.replace(self._info, adapters=tuple(a.info for a in adapters))
        self._eos = ctx.eos_ids()
        self._attach(self._lanes[0], ctx)

    def _context_shape(self) -> dict[str, int]:
        batch = self._info.max_batch_size
        return {
            "n_ctx": self._n_seq * self._info.context_length,  # one stream of context_length per sequence
            "n_seq_max": self._n_seq,
            "n_batch": max(self._chunk + MIN_CHUNK - 1, batch),  # room for a merged short tail
        }

    @property
    def _n_seq(self) -> int:
        """Sequence ids of a context: running slots, cache entries, one for scoring."""
        return self._info.max_batch_size + self._cache_entries + 1

    def _open_sibling(self, lane: Lane) -> None:
        self._attach(lane, self._lanes[0].ctx.sibling(**self._context_shape(), threads=lane.threads_now()))

    def _attach(self, lane: Lane, ctx: Any) -> None:
        """Gives a lane its context and a runner over it."""
        batch = self._info.max_batch_size
        ids = list(range(self._n_seq))
        cache = None
        if self._cache_entries:
            cache = PrefixCache(ctx, ids[batch:-1], self._cache_min, keep_last=MIN_CHUNK)
        lane.ctx = ctx
        lane.runner = BatchRunner(
            ctx,
            slots=ids[:batch],
            cache=cache,
            max_length=self._info.context_length,
            prefill_chunk=self._chunk,
            eos=self._eos,
            observer=self._observer,
        )

    async def stop(self) -> None:
        """Frees each lane's context on its thread (the model's owner, lane 0, last), then ends
        the threads."""
        if not self._started:
            return
        for lane in reversed(self._lanes):
            ctx, lane.ctx = lane.ctx, None
            if ctx is not None:
                lane.runner = None  # the thread steps nothing more
                await lane.thread.call(ctx.close)
            await lane.thread.stop()

    def tokenize(self, text: str, *, add_special: bool) -> list[int]:
        """Token ids (BOS added when `add_special`)."""
        return list(self._lanes[0].ctx.tokenize(text, add_bos=add_special))

    def new_detokenizer(self) -> IncrementalDetokenizer:
        """Byte-level detokenizer: llama.cpp maps each token to raw bytes."""
        return ByteDetokenizer(self._lanes[0].ctx.token_bytes)

    async def state(self) -> RunnerState:
        """Sequences, slots and prefix-cache counts of all lanes, each read on its thread."""
        states = []
        for lane in self._lanes:
            assert lane.runner is not None, "engine not started"
            states.append(await lane.thread.call(lane.runner.state))
        return total_state(states)

    async def kv_sequences(self) -> list[int]:
        """Sequence ids that hold KV cells (running slots and cache entries), lane after lane."""
        held: list[int] = []
        for lane in self._lanes:
            held += await lane.thread.call(self._held, lane.ctx)
        return held

    def _held(self, ctx: Any) -> list[int]:
        return [i for i in range(self._n_seq) if ctx.max_position(i) >= 0]

    def _lane(self, adapter: str) -> Lane:
        names = [a.name for a in self._info.adapters]
        return self._lanes[route(adapter, len(self._lanes), names)]

    async def generate(
        self, prompt_ids: Sequence[int], params: SamplingParams, *, seed: int | None, adapter: str = ""
    ) -> AsyncIterator[TokenStep]:
        """Joins the running batch at the next token boundary and streams its tokens."""
        seq = _Request(list(prompt_ids), params, Sampler(params, seed, self._eos), adapter=adapter)
        seq.out = asyncio.Queue()
        lane = self._lane(adapter)
        lane.thread.submit(seq)
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
                lane.thread.cancel(seq)

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
        lane = self._lane(adapter)
        runner = lane.runner
        assert runner is not None, "engine not started"
        conts = [list(c) for c in continuations]
        return await lane.thread.call(runner.score, list(prompt_ids), conts, self._n_seq - 1, adapter)
