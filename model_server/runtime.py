"""The model server's data plane: tokenise, admit, generate candidates, detokenise, stop.

Transport-free: the servicer converts protobuf to these calls and back. Every engine gets
the same validation, Korean-safe streaming, stop matching, candidates and metrics here.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import random
import time
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from model_server.engines.base import Engine
from model_server.scheduler import Scheduler
from model_server.stops import StopMatcher
from model_server.types import (
    CandidateResult,
    ContinuationScore,
    FinishReason,
    GenerationRequest,
    GenerationResult,
    ModelInfo,
    SamplingParams,
    StreamEnd,
    TextDelta,
    Usage,
)
from model_server.validation import Limits, validate_continuations, validate_text
from searchlm import context
from searchlm.errors import InvalidRequestError, NotReadyError


class RuntimeObserver(Protocol):
    """Receives timing and count events (implemented by the Prometheus metrics)."""

    def first_token(self, seconds: float) -> None: ...
    def inter_token(self, seconds: float) -> None: ...
    def finished(self, *, seconds: float, prompt_tokens: int, generated_tokens: int) -> None: ...
    def queue_changed(self, running: int, waiting: int) -> None: ...


class NullObserver:
    """Observer that records nothing (tests, benchmarks)."""

    def first_token(self, seconds: float) -> None:
        """Ignored."""

    def inter_token(self, seconds: float) -> None:
        """Ignored."""

    def finished(self, *, seconds: float, prompt_tokens: int, generated_tokens: int) -> None:
        """Ignored."""

    def queue_changed(self, running: int, waiting: int) -> None:
        """Ignored."""


@dataclass
class _Clock:
    """Timings of one request."""

    start: float = field(default_factory=time.perf_counter)
    admitted: float = 0.0
    first_token: float = 0.0
    last_token: float = 0.0


@dataclass
class _Candidate:
    """Text state of one candidate while it streams."""

    index: int
    stops: StopMatcher
    tokens: int = 0
    logprobs: list[tuple[int, float]] = field(default_factory=list)
    finish: FinishReason = FinishReason.LENGTH


Event = TextDelta | StreamEnd


class ModelRuntime:
    """Serves generation, scoring and token counting over one engine.

    Args:
        engine: The loaded engine.
        limits: Request limits.
        max_waiting: Admission queue length beyond the engine's running capacity.
        observer: Metrics sink.
    """

    def __init__(
        self,
        *,
        engine: Engine,
        limits: Limits,
        max_waiting: int,
        observer: RuntimeObserver | None = None,
    ) -> None:
        self._engine = engine
        self.limits = limits
        self._observer = observer or NullObserver()
        self._scheduler = Scheduler(
            max_running=max(1, engine.info.max_batch_size),
            max_waiting=max_waiting,
            on_change=self._observer.queue_changed,
        )
        self._ready = False
        attach = getattr(engine, "attach_observer", None)  # engines with their own metrics
        if attach is not None:
            attach(self._observer)

    @property
    def info(self) -> ModelInfo:
        """The served model."""
        return self._engine.info

    async def start(self) -> None:
        """Loads the engine; until then every call raises NotReadyError."""
        await self._engine.start()
        self._ready = True

    async def drain(self) -> None:
        """Refuses new requests; admitted ones finish."""
        self._scheduler.close()

    async def stop(self) -> None:
        """Releases the engine."""
        self._ready = False
        await self._engine.stop()

    def _check_ready(self) -> None:
        if not self._ready:
            raise NotReadyError("model is not loaded yet")

    @property
    def scheduler(self) -> Scheduler:
        """Admission state, for drain and metrics."""
        return self._scheduler

    def count_tokens(self, text: str) -> int:
        """Tokens of text, special tokens excluded."""
        self._check_ready()
        if len(text) > self.limits.max_prompt_chars:
            raise InvalidRequestError("text", f"longer than {self.limits.max_prompt_chars} characters")
        return len(self._engine.tokenize(text, add_special=False)) if text else 0

    def _prompt_ids(self, prompt: str) -> list[int]:
        self._check_ready()
        validate_text("prompt", prompt, self.limits)
        ids = self._engine.tokenize(prompt, add_special=True)
        if len(ids) >= self.info.context_length:
            raise InvalidRequestError(
                "prompt", f"{len(ids)} tokens; the context length is {self.info.context_length}"
            )
        return ids

    async def generate(self, request: GenerationRequest) -> GenerationResult:
        """Generates complete candidates."""
        texts: dict[int, list[str]] = {}
        async for event in self.generate_stream(request):
            if isinstance(event, TextDelta):
                texts.setdefault(event.index, []).append(event.text)
                continue
            candidates = tuple(
                CandidateResult(
                    index=c.index,
                    text="".join(texts.get(c.index, [])),
                    finish_reason=c.finish_reason,
                    generated_tokens=c.generated_tokens,
                    token_logprobs=c.token_logprobs,
                )
                for c in event.candidates
            )
            return GenerationResult(candidates=candidates, usage=event.usage)
        raise RuntimeError("stream ended without a final event")

    async def generate_stream(self, request: GenerationRequest) -> AsyncIterator[Event]:
        """Streams text deltas of every candidate, then one `StreamEnd`.

        Raises:
            InvalidRequestError: empty prompt or prompt over the context.
            OverloadedError: the admission queue is full.
        """
        prompt_ids = self._prompt_ids(request.prompt)
        self._check_adapter(request.adapter)
        params = self._with_choice_tokens(request.sampling)
        clock = _Clock()
        async with self._scheduler.slot(context.remaining()):
            clock.admitted = time.perf_counter()
            candidates = [_Candidate(index=i, stops=StopMatcher(params.stop)) for i in range(params.n)]
            async for delta in self._run_candidates(prompt_ids, params, request.adapter, candidates, clock):
                yield delta
        yield self._end(candidates, len(prompt_ids), clock)

    def _check_adapter(self, adapter: str) -> None:
        if adapter and adapter not in {a.name for a in self.info.adapters}:
            served = ", ".join(a.name for a in self.info.adapters) or "none"
            raise InvalidRequestError("adapter", f"unknown adapter {adapter!r}; served adapters: {served}")

    def _with_choice_tokens(self, params: SamplingParams) -> SamplingParams:
        """Spells the choices with the served tokenizer; caps max_tokens at the longest + end."""
        if not params.choices:
            return params
        spelled = tuple(tuple(self._engine.tokenize(c, add_special=False)) for c in params.choices)
        for i, tokens in enumerate(spelled):
            if not tokens:
                raise InvalidRequestError(f"sampling.choices[{i}]", "has no tokens")
        longest = max(len(t) for t in spelled) + 1  # + the end-of-sequence token
        return dataclasses.replace(params, choice_tokens=spelled, max_tokens=min(params.max_tokens, longest))

    async def _run_candidates(
        self,
        prompt_ids: list[int],
        params: SamplingParams,
        adapter: str,
        candidates: list[_Candidate],
        clock: _Clock,
    ) -> AsyncIterator[TextDelta]:
        base_seed = params.seed if params.seed is not None else random.getrandbits(63)
        runs = [self._run_one(prompt_ids, params, adapter, c, base_seed + c.index, clock) for c in candidates]
        if len(runs) == 1:
            async for delta in runs[0]:
                yield delta
            return
        async for delta in _merge(runs):
            yield delta

    async def _run_one(
        self,
        prompt_ids: list[int],
        params: SamplingParams,
        adapter: str,
        cand: _Candidate,
        seed: int,
        clock: _Clock,
    ) -> AsyncIterator[TextDelta]:
        budget = min(params.max_tokens, self.info.context_length - len(prompt_ids))
        effective = _with_max_tokens(params, budget)
        detok = self._engine.new_detokenizer()
        pending: list[tuple[int, float]] = []
        steps = self._engine.generate(prompt_ids, effective, seed=seed, adapter=adapter)
        try:
            async for step in steps:
                self._tick(clock)
                if step.is_eos:
                    cand.finish = FinishReason.STOP
                    break
                cand.tokens += 1
                if params.logprobs:
                    pending.append((step.token_id, step.logprob))
                text = cand.stops.push(detok.push(step.token_id))
                if cand.stops.stopped:
                    cand.finish = FinishReason.STOP
                if text or cand.stops.stopped:
                    yield self._delta(cand, text, pending)
                    pending = []
                if cand.stops.stopped:
                    break
        finally:
            await _aclose(steps)
        if not cand.stops.stopped:
            tail = cand.stops.push(detok.flush())
            tail += cand.stops.flush()
            if tail or pending:
                yield self._delta(cand, tail, pending)

    def _delta(self, cand: _Candidate, text: str, pending: list[tuple[int, float]]) -> TextDelta:
        cand.logprobs.extend(pending)
        return TextDelta(index=cand.index, text=text, token_logprobs=tuple(pending))

    def _tick(self, clock: _Clock) -> None:
        now = time.perf_counter()
        if not clock.first_token:
            clock.first_token = now
            self._observer.first_token(now - clock.start)
        else:
            self._observer.inter_token(now - clock.last_token)
        clock.last_token = now

    def _end(self, candidates: list[_Candidate], prompt_tokens: int, clock: _Clock) -> StreamEnd:
        now = time.perf_counter()
        generated = sum(c.tokens for c in candidates)
        self._observer.finished(
            seconds=now - clock.start, prompt_tokens=prompt_tokens, generated_tokens=generated
        )
        usage = Usage(
            prompt_tokens=prompt_tokens,
            generated_tokens=generated,
            time_to_first_token=(clock.first_token or now) - clock.start,
            total=now - clock.start,
            queue=clock.admitted - clock.start,
        )
        results = tuple(
            CandidateResult(
                index=c.index,
                text="",
                finish_reason=c.finish,
                generated_tokens=c.tokens,
                token_logprobs=tuple(c.logprobs),
            )
            for c in candidates
        )
        return StreamEnd(candidates=results, usage=usage)

    async def score(
        self, prompt: str, continuations: Sequence[str], *, adapter: str = ""
    ) -> tuple[int, list[ContinuationScore]]:
        """Log-probability of each continuation given the prompt (under `adapter` if named).

        Returns:
            The prompt's token count and one score per continuation, in order.
        """
        prompt_ids = self._prompt_ids(prompt)
        self._check_adapter(adapter)
        validate_continuations(list(continuations), self.limits)
        cont_ids = [self._engine.tokenize(c, add_special=False) for c in continuations]
        for i, ids in enumerate(cont_ids):
            if len(prompt_ids) + len(ids) > self.info.context_length:
                raise InvalidRequestError(f"continuations[{i}]", "prompt + continuation exceed the context")
        async with self._scheduler.slot(context.remaining()):
            sums = await self._engine.score(prompt_ids, cont_ids, adapter=adapter)
        scores = [
            ContinuationScore(index=i, logprob=s, num_tokens=len(cont_ids[i])) for i, s in enumerate(sums)
        ]
        return len(prompt_ids), scores


def _with_max_tokens(params: SamplingParams, max_tokens: int) -> SamplingParams:
    if max_tokens == params.max_tokens:
        return params
    return dataclasses.replace(params, max_tokens=max(1, max_tokens))


async def _aclose(iterator: AsyncIterator[object]) -> None:
    close = getattr(iterator, "aclose", None)
    if close is not None:
        await close()


async def _merge(streams: list[AsyncIterator[TextDelta]]) -> AsyncIterator[TextDelta]:
    """Interleaves several candidate streams; cancels them all if the consumer leaves."""
    queue: asyncio.Queue[TextDelta | BaseException | None] = asyncio.Queue()

    async def pump(stream: AsyncIterator[TextDelta]) -> None:
        try:
            async for item in stream:
                await queue.put(item)
            await queue.put(None)
        except Exception as exc:  # re-raised in the consumer, which owns error mapping
            await queue.put(exc)

    tasks = [asyncio.create_task(pump(s)) for s in streams]
    try:
        remaining = len(tasks)
        while remaining:
            item = await queue.get()
            if item is None:
                remaining -= 1
            elif isinstance(item, BaseException):
                raise item
            else:
                yield item
    finally:
        for task in tasks:
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.gather(*tasks, return_exceptions=True)
