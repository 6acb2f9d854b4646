"""Continuous batching over one llama.cpp context: the engine thread's side of the engine.

Every `step()` runs one decode call with one token for every decoding sequence (one call per
LoRA adapter in use: a call runs under one adapter set), then one prefill chunk of the oldest
sequence still reading its prompt. Sequences join at any step
and leave as soon as they finish or are released, freeing their sequence id and KV at once.
Prefill runs in its own call, never mixed with decode tokens, and in chunks aligned the
same way whatever else is running: together with the context settings this keeps a
sequence's logits identical to the same request served alone while fewer than 8 sequences
decode together (from 8 rows llama.cpp takes a GEMM kernel that rounds differently; see the
engine module). No llama.cpp import here:
the context is injected, so the scheduling is unit-tested with a fake.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

import numpy as np

from model_server.engines.llamacpp_prefix import KvOps, PrefixCache
from model_server.engines.llamacpp_slots import pick_slot
from model_server.sampling import Sampler, log_softmax
from model_server.types import SamplingParams, TokenStep

# llama.cpp's CPU matmuls take another kernel, with other rounding, below 8 rows (decode calls
# of fewer than 8 sequences take the row-by-row one, which is why they match alone): a prompt
# chunk never has fewer (unless the whole prompt does), so the KV of a prompt is the same
# bits whether it was cut at a cached prefix or in fixed chunks (measured on Gemma 3).
MIN_CHUNK = 8


class BatchContext(KvOps, Protocol):
    """What the runner needs from a llama.cpp context (`LlamaContext` in production)."""

    n_batch: int

    def decode(
        self, tokens: Sequence[int], positions: Sequence[int], seq_ids: Sequence[int], logits: Sequence[bool]
    ) -> None:
        """Runs one batch."""
        ...

    def logits(self, i: int) -> np.ndarray:
        """Logits of batch row i of the last decode."""
        ...

    def remove(self, seq_id: int, start: int = -1) -> None:
        """Drops a sequence's cells from `start` on."""
        ...

    def use_adapter(self, name: str) -> None:
        """Makes the next decode calls run under LoRA adapter `name` (empty: the base model)."""
        ...


@runtime_checkable
class EngineObserver(Protocol):
    """Engine-level metrics sink (implemented by `ModelServerMetrics`)."""

    def engine_step(
        self, *, batch_size: int, prompt_tokens: int, generated_tokens: int, seconds: float
    ) -> None:
        """One step: decoding sequences, tokens run through the model, wall time."""
        ...

    def prefix_cache_lookup(self, *, hit: bool, reused_tokens: int) -> None:
        """One prefix-cache lookup at the start of a prefill."""
        ...


class NullEngineObserver:
    """Records nothing."""

    def engine_step(
        self, *, batch_size: int, prompt_tokens: int, generated_tokens: int, seconds: float
    ) -> None:
        """Ignored."""

    def prefix_cache_lookup(self, *, hit: bool, reused_tokens: int) -> None:
        """Ignored."""


@dataclass(eq=False)
class BatchSequence:
    """One sequence in the runner.

    Attributes:
        prompt: Prompt token ids.
        params: Sampling parameters (max_tokens already capped to the context).
        sampler: Per-sequence sampler with its own seeded generator.
        slot: llama.cpp sequence id while admitted, else -1.
        n_past: Tokens of this sequence in the KV cache.
        seen: Prompt and generated ids, for the repetition penalty.
        generated: Generated ids.
        finished: Set once the last token is produced or the sequence failed.
        adapter: LoRA adapter the sequence runs under; empty for the base model.
    """

    prompt: list[int]
    params: SamplingParams
    sampler: Sampler
    slot: int = -1
    n_past: int = 0
    seen: list[int] = field(default_factory=list)
    generated: list[int] = field(default_factory=list)
    finished: bool = False
    adapter: str = ""

    @property
    def need(self) -> int:
        """KV cells this sequence may use at most."""
        return len(self.prompt) + self.params.max_tokens


Result = tuple[BatchSequence, TokenStep | BaseException]


@dataclass(frozen=True)
class RunnerState:
    """Snapshot for tests and metrics."""

    waiting: int
    prefilling: int
    decoding: int
    free_slots: int
    cache_entries: int
    cache_hits: int
    cache_misses: int


class BatchRunner:
    """Owns the running batch of one context. Not thread-safe: call from one thread.

    Args:
        ctx: The llama.cpp context.
        slots: Sequence ids for running sequences (their number is the batch size).
        cache: Prefix cache over other sequence ids; None disables it.
        max_length: KV cells of one sequence (prompt + output at most).
        prefill_chunk: Prompt tokens per prefill call.
        eos: End-of-sequence ids.
        observer: Engine metrics sink.
    """

    def __init__(
        self,
        ctx: BatchContext,
        *,
        slots: Sequence[int],
        cache: PrefixCache | None,
        max_length: int,
        prefill_chunk: int,
        eos: set[int],
        observer: EngineObserver | None = None,
    ) -> None:
        if not MIN_CHUNK <= prefill_chunk <= ctx.n_batch - MIN_CHUNK + 1 or len(slots) > ctx.n_batch:
            raise ValueError(
                f"prefill_chunk must be in {MIN_CHUNK}..n_batch-{MIN_CHUNK - 1}, slots <= n_batch"
            )
        self._ctx = ctx
        self._free = list(reversed(slots))
        self._cache = cache
        self._max_length = max_length
        self._chunk = prefill_chunk
        self._eos = eos
        self.observer: EngineObserver = observer or NullEngineObserver()
        self._waiting: deque[BatchSequence] = deque()
        self._prefilling: deque[BatchSequence] = deque()
        self._decoding: list[BatchSequence] = []
        self._prefilled = 0  # prompt tokens run in the current step
        self._adapter = ""  # what the context runs under, as this runner last set it

    @property
    def busy(self) -> bool:
        """True while any sequence waits, prefills or decodes."""
        return bool(self._waiting or self._prefilling or self._decoding)

    def state(self) -> RunnerState:
        """Counts of sequences, slots and cache entries."""
        cache = self._cache
        return RunnerState(
            waiting=len(self._waiting),
            prefilling=len(self._prefilling),
            decoding=len(self._decoding),
            free_slots=len(self._free),
            cache_entries=cache.entries if cache else 0,
            cache_hits=cache.hits if cache else 0,
            cache_misses=cache.misses if cache else 0,
        )

    def submit(self, seq: BatchSequence) -> None:
        """Queues a sequence; it is admitted when a slot is free."""
        if seq.need > self._max_length:
            raise ValueError(f"prompt + max_tokens = {seq.need} exceeds the context of {self._max_length}")
        seq.seen = list(seq.prompt)
        self._waiting.append(seq)

    def release(self, seq: BatchSequence) -> None:
        """Removes a sequence wherever it is and frees its slot and KV now."""
        seq.finished = True
        for queue in (self._waiting, self._prefilling):
            if seq in queue:
                queue.remove(seq)
        if seq in self._decoding:
            self._decoding.remove(seq)
        if seq.slot >= 0:
            self._ctx.remove(seq.slot)
            self._free.append(seq.slot)
            seq.slot = -1

    def step(self) -> list[Result]:
        """Admits what fits, runs one decode call, then prompt chunks worth `prefill_chunk` tokens.

        Prompt chunks go oldest sequence first, each in its own call, and at least one per
        step; many short prompts arriving together thus start within one step or two.

        Returns:
            One token (or the error that failed it) per sequence that advanced.
        """
        start = time.perf_counter()
        self._admit()
        # Ascending sequence ids: llama.cpp's per-sequence KV streams are gathered in batch
        # order, and an unsorted batch of 16 decodes 2.6x slower (96.6 vs 36.8 tok/s measured).
        decoding = sorted(self._decoding, key=lambda seq: seq.slot)
        results: list[Result] = []
        for group in _by_adapter(decoding, first=self._adapter):
            results += self._guarded(group, self._decode)
        self._prefilled = 0
        while self._prefilling and self._prefilled < self._chunk:
            results += self._guarded([self._prefilling[0]], lambda seqs: self._prefill(seqs[0]))
        prompt_tokens, self._prefilled = self._prefilled, 0
        self.observer.engine_step(
            batch_size=len(decoding),
            prompt_tokens=prompt_tokens,
            generated_tokens=len(results),
            seconds=time.perf_counter() - start,
        )
        return results

    def _admit(self) -> None:
        while self._waiting and self._free:
            seq = self._waiting.popleft()
            running = {s.slot: s.adapter for s in (*self._prefilling, *self._decoding)}
            seq.slot = pick_slot(self._free, running, seq.adapter)
            self._free.remove(seq.slot)
            self._prefilling.append(seq)

    def _guarded(self, seqs: list[BatchSequence], run: object) -> list[Result]:
        try:
            return run(seqs)  # type: ignore[operator, no-any-return]
        except Exception as exc:  # a failed call fails its sequences, not the engine
            for seq in seqs:
                self.release(seq)
            return [(seq, exc) for seq in seqs]

    def _decode(self, seqs: list[BatchSequence]) -> list[Result]:
        self._use(seqs[0].adapter)
        self._ctx.decode(
            [s.generated[-1] for s in seqs],
            [s.n_past for s in seqs],
            [s.slot for s in seqs],
            [True] * len(seqs),
        )
        results: list[Result] = []
        for i, seq in enumerate(seqs):
            seq.n_past += 1
            results.append((seq, self._sample(seq, self._ctx.logits(i))))
        return results

    def _prefill(self, seq: BatchSequence) -> list[Result]:
        if seq.n_past == 0 and self._cache is not None and self._cache.eligible(seq.prompt):
            seq.n_past = self._cache.restore(seq.prompt, seq.slot, seq.adapter)
            self.observer.prefix_cache_lookup(hit=seq.n_past > 0, reused_tokens=seq.n_past)
        end = min(len(seq.prompt), seq.n_past + self._chunk)
        if len(seq.prompt) - end < MIN_CHUNK:
            end = len(seq.prompt)  # a short tail joins this chunk rather than run alone
        chunk = seq.prompt[seq.n_past : end]
        last = end == len(seq.prompt)
        self._use(seq.adapter)
        self._ctx.decode(
            chunk,
            range(seq.n_past, end),
            [seq.slot] * len(chunk),
            [False] * (len(chunk) - 1) + [last],
        )
        seq.n_past = end
        self._prefilled += len(chunk)
        if not last:
            return []
        self._prefilling.popleft()
        if self._cache is not None:
            self._cache.store(seq.prompt, seq.slot, seq.adapter)
        self._decoding.append(seq)
        return [(seq, self._sample(seq, self._ctx.logits(len(chunk) - 1)))]

    def _use(self, adapter: str) -> None:
        self._ctx.use_adapter(adapter)
        self._adapter = adapter

    def _sample(self, seq: BatchSequence, logits: np.ndarray) -> TokenStep:
        token, logprob = seq.sampler.sample(logits, seq.seen)
        seq.generated.append(token)
        seq.seen.append(token)
        step = TokenStep(token_id=token, logprob=logprob, is_eos=token in self._eos)
        if step.is_eos or len(seq.generated) >= seq.params.max_tokens:
            self.release(seq)  # free the slot and KV before the caller even sees the token
        return step

    def score(
        self, prompt: Sequence[int], continuations: Sequence[Sequence[int]], scratch: int, adapter: str = ""
    ) -> list[float]:
        """Sum of each continuation's token log-probabilities after `prompt`, under `adapter`.

        Runs in sequence id `scratch` outside the running batch; the prompt is evaluated
        once and each continuation's KV is trimmed off before the next.
        """
        self._use(adapter)
        try:
            first = self._run_scored(list(prompt), 0, scratch, want_from=len(prompt) - 1)
            sums = []
            for cont in continuations:
                tail = self._run_scored(list(cont[:-1]), len(prompt), scratch, want_from=len(prompt))
                rows = [first[-1], *tail]
                sums.append(sum(float(log_softmax(row)[t]) for row, t in zip(rows, cont, strict=True)))
                self._ctx.remove(scratch, len(prompt))
            return sums
        finally:
            self._ctx.remove(scratch)

    def _run_scored(self, tokens: list[int], start: int, seq_id: int, *, want_from: int) -> list[np.ndarray]:
        """Evaluates tokens from position `start`; copies the logits of positions >= want_from."""
        rows: list[np.ndarray] = []
        step = self._ctx.n_batch
        for offset in range(0, len(tokens), step):
            chunk = tokens[offset : offset + step]
            positions = range(start + offset, start + offset + len(chunk))
            wanted = [p >= want_from for p in positions]
            self._ctx.decode(chunk, positions, [seq_id] * len(chunk), wanted)
            rows += [self._ctx.logits(i).copy() for i, w in enumerate(wanted) if w]
        return rows


def _by_adapter(seqs: list[BatchSequence], first: str = "") -> list[list[BatchSequence]]:
    """Sequences grouped by adapter, each group in the given order; the group on adapter
    `first` (the one the context runs under) leads, the others follow by name.

    One llama.cpp call runs under one adapter set, so sequences on different adapters never
    share a decode call; within a group the batch is as large as it can be. Every switch of
    adapter makes llama.cpp re-reserve its compute graphs (about 5 ms on Gemma 3 270M here), so
    a step starts under the adapter the last one ended with: two adapters in use cost one
    switch per step, not two.
    """
    groups: dict[str, list[BatchSequence]] = {}
    for seq in seqs:
        groups.setdefault(seq.adapter, []).append(seq)
    return [groups[name] for name in sorted(groups, key=lambda name: (name != first, name))]
