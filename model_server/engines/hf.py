"""`transformers` engine: any Hugging Face causal-LM directory, CPU or CUDA.

Continuous batching: one background loop owns the model. At every token boundary it admits
new sequences (prefilled one by one), drops finished or cancelled ones, and runs a single
batched decode step for everyone else. Sequences of different lengths share one batch by
left-padding their KV caches, with an attention mask over the padding and explicit
position ids, so each sequence sees exactly what it would see alone.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import inspect
import logging
import os
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
import torch.nn.functional as tnf
from transformers import AutoModelForCausalLM, AutoTokenizer, DynamicCache

from model_server.detokenizer import IncrementalDetokenizer, TextDiffDetokenizer
from model_server.engines.hf_adapters import adapter_files, with_adapters
from model_server.sampling import Sampler
from model_server.types import ModelInfo, SamplingParams, TokenStep

_log = logging.getLogger(__name__)

KV = list[tuple[torch.Tensor, torch.Tensor]]


@dataclass(eq=False)
class _Sequence:
    """One sequence in flight."""

    prompt_ids: list[int]
    params: SamplingParams
    sampler: Sampler
    out: asyncio.Queue[TokenStep | BaseException | None]
    adapter: str = ""
    generated: list[int] = field(default_factory=list)
    kv: KV | None = None
    length: int = 0  # tokens held in the KV cache
    cancelled: bool = False
    done: bool = False


def _cache_layers(cache: Any) -> KV:
    """(key, value) per layer, across the Cache layouts of transformers 4.x and 5.x."""
    if hasattr(cache, "layers"):
        return [(layer.keys, layer.values) for layer in cache.layers]
    if hasattr(cache, "key_cache"):
        return list(zip(cache.key_cache, cache.value_cache, strict=True))
    return [(k, v) for k, v in cache]


def _make_cache(layers: KV) -> DynamicCache:
    cache = DynamicCache()
    for i, (k, v) in enumerate(layers):
        cache.update(k, v, i)
    return cache


def _cache_keyword(model: Any) -> str:
    """transformers 5.x renamed `past_key_values` to `cache`; accept both."""
    return "cache" if "cache" in inspect.signature(model.forward).parameters else "past_key_values"


def _out_cache(out: Any) -> Any:
    return out.cache if hasattr(out, "cache") else out.past_key_values


def _resolve_device(device: str) -> str:
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    return device


class _Batch:
    """The running batch: members, their shared padded KV cache and attention mask."""

    def __init__(self) -> None:
        self.members: list[_Sequence] = []
        self.cache: DynamicCache | None = None
        self.mask: torch.Tensor | None = None
        self.pads: list[int] = []

    def clear(self) -> None:
        """Forgets every member and frees the shared cache."""
        self.members, self.cache, self.mask, self.pads = [], None, None, []

    def split(self) -> None:
        """Moves the shared cache back into each member's own KV (padding removed)."""
        if self.cache is None:
            return
        layers = _cache_layers(self.cache)
        for i, seq in enumerate(self.members):
            pad = self.pads[i]
            seq.kv = [(k[i : i + 1, :, pad:, :], v[i : i + 1, :, pad:, :]) for k, v in layers]
        self.cache, self.mask, self.pads = None, None, []

    def build(self, members: list[_Sequence], device: str) -> None:
        """Left-pads the members' caches to one length and stacks them."""
        self.members = members
        width = max(s.length for s in members)
        self.pads = [width - s.length for s in members]
        n_layers = len(members[0].kv or [])
        layers: KV = []
        for layer in range(n_layers):
            keys = [tnf.pad(s.kv[layer][0], (0, 0, p, 0)) for s, p in zip(members, self.pads, strict=True)]  # type: ignore[index]
            values = [tnf.pad(s.kv[layer][1], (0, 0, p, 0)) for s, p in zip(members, self.pads, strict=True)]  # type: ignore[index]
            layers.append((torch.cat(keys), torch.cat(values)))
        self.cache = _make_cache(layers)
        mask = torch.ones(len(members), width, dtype=torch.long, device=device)
        for i, pad in enumerate(self.pads):
            mask[i, :pad] = 0
        self.mask = mask
        for seq in members:
            seq.kv = None


class TransformersEngine:
    """Hugging Face causal LM with continuous batching.

    Args:
        model_path: Directory with config, weights and tokenizer (nothing is downloaded).
        device: "cpu", "cuda", "cuda:N" or "auto".
        max_batch_size: Sequences decoded together.
        context_length: Cap on the context; default from the model config.
        num_threads: torch CPU threads; None leaves torch's default.
        model_name: Name reported by GetModelInfo; default the directory name.
        adapters_dir: Folder of GGUF LoRA adapters, built into PEFT adapters of the model;
            "packaged" loads the shipped ones when the directory was made from the packaged
            GGUF by `searchlm.tune`; empty for none. A batch mixes adapters freely (PEFT's
            per-row `adapter_names`).
    """

    def __init__(
        self,
        *,
        model_path: str,
        device: str = "auto",
        max_batch_size: int = 16,
        context_length: int | None = None,
        num_threads: int | None = None,
        model_name: str | None = None,
        adapters_dir: str = "",
    ) -> None:
        if max_batch_size < 1:
            raise ValueError("max_batch_size must be >= 1")
        self._path = model_path
        self._device = _resolve_device(device)
        self._max_batch = max_batch_size
        self._context_cap = context_length
        self._threads = num_threads
        self._adapters_dir = adapters_dir
        self._peft = False
        self._name = model_name or os.path.basename(os.path.normpath(model_path))
        self._executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="hf-engine")
        self._pending: list[_Sequence] = []
        self._batch = _Batch()
        self._wake = asyncio.Event()
        self._loop_task: asyncio.Task[None] | None = None
        self._model: Any = None
        self._tokenizer: Any = None
        self._eos: set[int] = set()
        self._cache_kw = "past_key_values"
        self._info = ModelInfo(
            model=self._name,
            engine="transformers",
            context_length=0,
            max_batch_size=max_batch_size,
            device=self._device,
        )

    @classmethod
    def from_settings(cls, settings: Any) -> TransformersEngine:
        """Builds the engine from `ModelServerSettings`."""
        if not settings.model_path:
            raise ValueError(
                "the transformers engine needs SEARCHLM_MODEL_SERVER_MODEL_PATH (a model directory)"
            )
        return cls(
            model_path=settings.model_path,
            device=settings.device,
            max_batch_size=settings.max_batch_size,
            context_length=settings.context_length,
            num_threads=settings.threads,
            model_name=settings.model_name or None,
            adapters_dir=getattr(settings, "adapters_dir", ""),
        )

    @property
    def info(self) -> ModelInfo:
        """Served model description."""
        return self._info

    async def start(self) -> None:
        """Loads tokenizer and model in the engine thread, then starts the batch loop."""
        await asyncio.get_running_loop().run_in_executor(self._executor, self._load)
        self._loop_task = asyncio.create_task(self._run(), name="hf-batch-loop")

    def _load(self) -> None:
        if self._threads:
            torch.set_num_threads(self._threads)
        self._tokenizer = AutoTokenizer.from_pretrained(self._path, local_files_only=True)
        model: Any = AutoModelForCausalLM.from_pretrained(self._path, local_files_only=True)
        self._cache_kw = _cache_keyword(model)
        adapters = adapter_files(self._adapters_dir, model_dir=self._path, model_name=self._name)
        if adapters:
            model = with_adapters(model, adapters)
            self._peft = True
        self._model = model.to(self._device).eval()
        config = self._model.config
        ctx = int(getattr(config, "max_position_embeddings", 2048) or 2048)
        self._info = ModelInfo(
            model=self._name,
            engine="transformers",
            context_length=min(ctx, self._context_cap or ctx),
            max_batch_size=self._max_batch,
            device=self._device,
            adapters=tuple(a.info for a in adapters),
        )
        self._eos = self._eos_ids()

    def _eos_ids(self) -> set[int]:
        ids: set[int] = set()
        for source in (self._model.generation_config, self._tokenizer):
            value = getattr(source, "eos_token_id", None)
            ids.update(value if isinstance(value, list) else [] if value is None else [value])
        return ids

    async def stop(self) -> None:
        """Stops the batch loop and the engine thread."""
        if self._loop_task:
            self._loop_task.cancel()
            await asyncio.gather(self._loop_task, return_exceptions=True)
        self._executor.shutdown(wait=True)

    def tokenize(self, text: str, *, add_special: bool) -> list[int]:
        """Token ids of text."""
        return list(self._tokenizer(text, add_special_tokens=add_special)["input_ids"])

    def new_detokenizer(self) -> IncrementalDetokenizer:
        """Window-diff detokenizer over the HF tokenizer."""
        return TextDiffDetokenizer(lambda ids: self._tokenizer.decode(ids, skip_special_tokens=True))

    async def generate(
        self, prompt_ids: Sequence[int], params: SamplingParams, *, seed: int | None, adapter: str = ""
    ) -> AsyncIterator[TokenStep]:
        """Joins the running batch at the next token boundary and streams its tokens."""
        sampler = Sampler(params, seed, self._eos)
        seq = _Sequence(list(prompt_ids), params, sampler, asyncio.Queue(), adapter=adapter)
        self._pending.append(seq)
        self._wake.set()
        try:
            while True:
                item = await seq.out.get()
                if item is None:
                    return
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            seq.cancelled = True  # the loop drops it at the next boundary, freeing its KV
            self._wake.set()

    async def _run(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            self._pending = [s for s in self._pending if not s.cancelled]
            running = [s for s in self._batch.members if not (s.cancelled or s.done)]
            room = self._max_batch - len(running)
            admitted, self._pending = self._pending[:room], self._pending[room:]
            if not running and not admitted:
                self._batch.clear()  # drop the KV of finished or cancelled sequences now
                self._wake.clear()
                await self._wake.wait()
                continue
            try:
                results = await loop.run_in_executor(self._executor, self._step, admitted, running)
            except Exception as exc:  # a failed step fails its sequences, not the server
                _log.exception("engine step failed")
                results = [(s, exc) for s in admitted + running]
            for seq, item in results:
                self._deliver(seq, item)

    def _deliver(self, seq: _Sequence, item: TokenStep | BaseException) -> None:
        seq.out.put_nowait(item)
        if isinstance(item, BaseException):
            seq.done = True
        elif item.is_eos or len(seq.generated) >= seq.params.max_tokens:
            seq.done = True
            seq.out.put_nowait(None)

    @torch.inference_mode()
    def _step(self, admitted: list[_Sequence], running: list[_Sequence]) -> list[tuple[_Sequence, Any]]:
        results: list[tuple[_Sequence, Any]] = []
        if running:
            if running != self._batch.members:
                self._batch.split()
                self._batch.build(running, self._device)
            results += self._decode(running)
        else:
            self._batch.split()
            self._batch.members = []
        for seq in admitted:
            results.append((seq, self._prefill(seq)))
        if admitted:
            # Newcomers join the batch at the next step, so the batch is rebuilt once.
            self._batch.split()
            self._batch.members = running + admitted
            self._batch.build(self._batch.members, self._device) if self._batch.members else None
        return results

    def _prefill(self, seq: _Sequence) -> TokenStep:
        ids = torch.tensor([seq.prompt_ids], device=self._device)
        out = self._model(input_ids=ids, use_cache=True, **self._adapter_kwargs([seq.adapter]))
        seq.kv = _cache_layers(_out_cache(out))
        seq.length = len(seq.prompt_ids)
        return self._sample(seq, out.logits[0, -1])

    def _decode(self, batch: list[_Sequence]) -> list[tuple[_Sequence, Any]]:
        assert self._batch.mask is not None
        device = self._device
        input_ids = torch.tensor([[s.generated[-1]] for s in batch], device=device)
        positions = torch.tensor([[s.length] for s in batch], device=device)
        mask = torch.cat([self._batch.mask, torch.ones(len(batch), 1, dtype=torch.long, device=device)], 1)
        out = self._model(
            input_ids=input_ids,
            attention_mask=mask,
            position_ids=positions,
            use_cache=True,
            **{self._cache_kw: self._batch.cache},
            **self._adapter_kwargs([s.adapter for s in batch]),
        )
        self._batch.cache, self._batch.mask = _out_cache(out), mask
        results: list[tuple[_Sequence, Any]] = []
        for i, seq in enumerate(batch):
            seq.length += 1
            results.append((seq, self._sample(seq, out.logits[i, -1])))
        return results

    def _sample(self, seq: _Sequence, logits: torch.Tensor) -> TokenStep:
        vector = logits.float().cpu().numpy()
        token, logprob = seq.sampler.sample(vector, seq.prompt_ids + seq.generated)
        seq.generated.append(token)
        return TokenStep(token_id=token, logprob=logprob, is_eos=token in self._eos)

    def _adapter_kwargs(self, adapters: list[str]) -> dict[str, Any]:
        """PEFT's per-row adapter choice (`__base__`: no adapter); nothing without adapters."""
        if not self._peft:
            return {}
        return {"adapter_names": [name or "__base__" for name in adapters]}

    async def score(
        self, prompt_ids: Sequence[int], continuations: Sequence[Sequence[int]], *, adapter: str = ""
    ) -> list[float]:
        """Sums continuation token log-probabilities in one padded forward pass."""
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(
            self._executor, self._score, list(prompt_ids), continuations, adapter
        )

    @torch.inference_mode()
    def _score(self, prompt: list[int], continuations: Sequence[Sequence[int]], adapter: str) -> list[float]:
        rows = [prompt + list(c) for c in continuations]
        width = max(len(r) for r in rows)
        pad = self._tokenizer.pad_token_id or 0
        ids = torch.tensor([r + [pad] * (width - len(r)) for r in rows], device=self._device)
        mask = torch.tensor([[1] * len(r) + [0] * (width - len(r)) for r in rows], device=self._device)
        extra = self._adapter_kwargs([adapter] * len(rows))
        logits = self._model(input_ids=ids, attention_mask=mask, **extra).logits
        logprobs = torch.log_softmax(logits.float(), -1)
        sums = []
        for i, cont in enumerate(continuations):
            positions = np.arange(len(prompt) - 1, len(prompt) - 1 + len(cont))
            picked = logprobs[i, positions, list(cont)]
            sums.append(float(picked.sum()))
        return sums
