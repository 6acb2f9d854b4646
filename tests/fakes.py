"""Small in-process fakes of the protocols, for unit tests only."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence

from model_server.detokenizer import ByteDetokenizer, IncrementalDetokenizer
from model_server.types import AdapterInfo, ModelInfo, SamplingParams, TokenStep

BOS = 256
EOS = 257


class ByteEngine:
    """A byte-level "model": tokens are UTF-8 bytes, and it always answers `reply`.

    Each byte is one token, so every Hangul syllable is split over three tokens, the worst
    case for streaming. Tracks how many sequences are live, to test slot release.
    """

    def __init__(
        self,
        reply: str = "안녕하세요 반갑습니다",
        *,
        context_length: int = 256,
        max_batch_size: int = 1,
        delay: float = 0.0,
        eos: bool = True,
        adapters: Sequence[str] = (),
    ) -> None:
        self.reply = reply.encode()
        self.delay = delay
        self.eos = eos
        self.live = 0
        self.started = 0
        self.closed = 0
        self.adapter_calls: list[str] = []
        self.params: list[SamplingParams] = []
        self._info = ModelInfo(
            model="byte-fake",
            engine="fake",
            context_length=context_length,
            max_batch_size=max_batch_size,
            adapters=tuple(AdapterInfo(name=a, base_model="byte-fake", rank=4, alpha=8.0) for a in adapters),
        )

    @property
    def info(self) -> ModelInfo:
        return self._info

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    def tokenize(self, text: str, *, add_special: bool) -> list[int]:
        return ([BOS] if add_special else []) + list(text.encode())

    def new_detokenizer(self) -> IncrementalDetokenizer:
        return ByteDetokenizer(lambda t: bytes([t]) if t < 256 else b"")

    async def generate(
        self, prompt_ids: Sequence[int], params: SamplingParams, *, seed: int | None, adapter: str = ""
    ) -> AsyncIterator[TokenStep]:
        self.adapter_calls.append(adapter)
        self.params.append(params)
        self.live += 1
        self.started += 1
        try:
            for i in range(params.max_tokens):
                await asyncio.sleep(self.delay)
                if i >= len(self.reply):
                    if self.eos:
                        yield TokenStep(token_id=EOS, logprob=0.0, is_eos=True)
                        return
                    yield TokenStep(token_id=ord(" "), logprob=-1.0)
                    continue
                yield TokenStep(token_id=self.reply[i], logprob=-0.5)
        finally:
            self.live -= 1
            self.closed += 1

    async def score(
        self, prompt_ids: Sequence[int], continuations: Sequence[Sequence[int]], *, adapter: str = ""
    ) -> list[float]:
        self.adapter_calls.append(adapter)
        return [-0.5 * len(c) for c in continuations]
