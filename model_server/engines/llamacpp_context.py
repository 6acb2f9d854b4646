"""A llama.cpp model and multi-sequence context through llama-cpp-python's low-level API.

The high-level `Llama` object holds one sequence; batching needs `n_seq_max` sequences in
one context, which only `llama_init_from_model` exposes. Every call here must run on the
engine's single thread (a llama.cpp context is not thread-safe); vocabulary calls
(tokenize, detokenize) are read-only and may run anywhere.

Context choices, each measured on Gemma 3 270M Q4_K_M (see the engine module docstring):

- One KV stream per sequence (`kv_unified = False`), `n_ctx / n_seq_max` cells each: a
  sequence's cells always sit in position order from the start of its stream, so flash
  attention visits them in the same order whatever else runs. In a unified cache, cells
  freed by other sequences make the order depend on the batch history, and the last bits
  of the logits with it.
- `swa_full`: Gemma 3's sliding-window layers keep every position, so a copied prefix can
  be trimmed at any length.
- Weight repacking off: repacked Q4_K kernels switch to a 4-row GEMM at batch >= 4, whose
  rounding differs from the single-row path.
- Flash attention off: its CPU kernel tiles the queries of a prompt chunk, so a query's
  result depends on where the chunk starts; without it, any chunk of 8 or more tokens gives
  the same bits (see `MIN_CHUNK` in `llamacpp_batch`).

`fast=True` (the server's `FAST_MODE`) turns all three back on: repacked weights, flash
attention and one unified KV stream. Decoding is faster at large batches, and a request's
logits may then differ between running alone and in a batch of any size. Without it they
differ only in decode calls of 8 or more sequences, where llama.cpp's GEMM kernel takes over
(kept: it is what makes batching pay; see the engine module).
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import llama_cpp
import numpy as np
from llama_cpp import _logger as llama_logger
from llama_cpp._internals import LlamaModel


class LlamaContext:
    """One GGUF model with a multi-sequence context and a reusable batch.

    Args:
        path: GGUF file.
        n_ctx: KV cells, split evenly between the sequences.
        n_seq_max: Sequence ids the context accepts.
        n_batch: Most tokens one `decode` call takes.
        threads: CPU threads.
        fast: Repacked weights, flash attention and a unified KV cache: faster, and no
            longer bit-identical between a request alone and in a batch of any size.
    """

    def __init__(
        self, path: Path, *, n_ctx: int, n_seq_max: int, n_batch: int, threads: int, fast: bool = False
    ) -> None:
        llama_logger.set_verbose(False)
        llama_cpp.llama_backend_init()
        params = LlamaModel.default_params()
        params.use_extra_bufts = fast  # repacked kernels only in fast mode: see the module docstring
        self.model = LlamaModel(path_model=str(path), params=params, verbose=False)
        self.n_vocab = self.model.n_vocab()
        self.n_batch = n_batch
        self._ctx = llama_cpp.llama_init_from_model(
            self.model.model, context_params(n_ctx, n_seq_max, n_batch, threads, fast=fast)
        )
        if not self._ctx:
            self.model.close()
            raise RuntimeError(f"llama.cpp could not create a context of {n_ctx} cells")
        self._memory = llama_cpp.llama_get_memory(self._ctx)
        self._batch = llama_cpp.llama_batch_init(n_batch, 0, 1)
        self._adapters: dict[str, Any] = {}
        self._current_adapter = ""
        self._threads, self._fast, self._owner = threads, fast, True

    def sibling(self, *, n_ctx: int, n_seq_max: int, n_batch: int, threads: int) -> LlamaContext:
        """Another context on this model and its adapters, with its own KV cache and batch: a
        lane that decodes in parallel with this one (each on its own thread). Close it before
        this context, which owns the model and the adapters.

        Raises:
            RuntimeError: llama.cpp could not create the context.
        """
        twin = object.__new__(LlamaContext)
        twin.model, twin.n_vocab, twin.n_batch = self.model, self.n_vocab, n_batch
        params = context_params(n_ctx, n_seq_max, n_batch, threads, fast=self._fast)
        twin._ctx = llama_cpp.llama_init_from_model(self.model.model, params)
        if not twin._ctx:
            raise RuntimeError(f"llama.cpp could not create a second context of {n_ctx} cells")
        twin._memory = llama_cpp.llama_get_memory(twin._ctx)
        twin._batch = llama_cpp.llama_batch_init(n_batch, 0, 1)
        twin._adapters, twin._current_adapter = dict(self._adapters), ""
        twin._threads, twin._fast, twin._owner = threads, self._fast, False
        return twin

    def set_threads(self, threads: int) -> None:
        """CPU threads of the next decode calls (the bits of a row do not depend on it: llama.cpp
        splits a matmul's output rows between threads, never a sum)."""
        if threads != self._threads:
            llama_cpp.llama_set_n_threads(self._ctx, threads, threads)
            self._threads = threads

    def close(self) -> None:
        """Frees the batch and the context, and, unless a sibling, the adapters and the model."""
        if self._ctx:
            llama_cpp.llama_batch_free(self._batch)
            llama_cpp.llama_free(self._ctx)
            self._ctx = None
            if self._owner:
                for handle in self._adapters.values():
                    llama_cpp.llama_adapter_lora_free(handle)
                self.model.close()
            self._adapters.clear()

    def load_adapter(self, name: str, path: Path) -> None:
        """Loads a GGUF LoRA adapter of this model under `name`.

        Raises:
            RuntimeError: llama.cpp refused the file (another architecture, tensor shapes that
                do not fit this model, or not a LoRA GGUF).
        """
        handle = llama_cpp.llama_adapter_lora_init(self.model.model, str(path).encode())
        if not handle:
            raise RuntimeError(
                f"llama.cpp refused LoRA adapter {name!r} ({path}): not a LoRA GGUF of this model's "
                "architecture and shapes"
            )
        self._adapters[name] = handle

    def use_adapter(self, name: str) -> None:
        """Runs the next decode calls under adapter `name` at scale 1 (empty: the base model)."""
        if name == self._current_adapter:
            return
        if name:
            handles = (llama_cpp.llama_adapter_lora_p_ctypes * 1)(self._adapters[name])
            scales = (ctypes.c_float * 1)(1.0)
            status = llama_cpp.llama_set_adapters_lora(self._ctx, handles, 1, scales)
        else:
            status = llama_cpp.llama_set_adapters_lora(self._ctx, None, 0, None)
        if status != 0:
            raise RuntimeError(f"llama.cpp could not switch to adapter {name!r} (status {status})")
        self._current_adapter = name

    def decode(
        self, tokens: Sequence[int], positions: Sequence[int], seq_ids: Sequence[int], logits: Sequence[bool]
    ) -> None:
        """Runs one batch: token i of sequence seq_ids[i] at positions[i].

        Raises:
            RuntimeError: llama.cpp refused the batch (no KV room, or an internal error).
        """
        batch = self._batch
        batch.n_tokens = len(tokens)
        for i, token in enumerate(tokens):
            batch.token[i] = token
            batch.pos[i] = positions[i]
            batch.n_seq_id[i] = 1
            batch.seq_id[i][0] = seq_ids[i]
            batch.logits[i] = logits[i]
        status = llama_cpp.llama_decode(self._ctx, batch)
        if status != 0:
            raise RuntimeError(f"llama_decode failed with status {status}")

    def logits(self, i: int) -> np.ndarray:
        """Logits of batch row i of the last `decode` (a view, valid until the next call)."""
        pointer = llama_cpp.llama_get_logits_ith(self._ctx, i)
        return np.ctypeslib.as_array(pointer, shape=(self.n_vocab,))

    def copy(self, src: int, dst: int, length: int) -> None:
        """Gives sequence `dst` the KV of positions [0, length) of sequence `src`.

        Across streams llama.cpp copies whole streams (at the start of the next decode), so
        the copy is trimmed afterwards.
        """
        llama_cpp.llama_memory_seq_cp(self._memory, src, dst, -1, -1)
        self.remove(dst, length)

    def remove(self, seq_id: int, start: int = -1) -> None:
        """Drops sequence `seq_id`'s cells from position `start` on (all when negative)."""
        if not llama_cpp.llama_memory_seq_rm(self._memory, seq_id, start, -1):
            raise RuntimeError(f"llama.cpp refused to trim sequence {seq_id} at {start}")

    def max_position(self, seq_id: int) -> int:
        """Largest position held for `seq_id`; -1 when it holds no cells."""
        return int(llama_cpp.llama_memory_seq_pos_max(self._memory, seq_id))

    def tokenize(self, text: str, *, add_bos: bool, special: bool = False) -> list[int]:
        """Token ids of text."""
        return list(self.model.tokenize(text.encode("utf-8"), add_bos=add_bos, special=special))

    def token_bytes(self, token: int) -> bytes:
        """Raw bytes of one token (may be part of a UTF-8 character)."""
        return bytes(self.model.detokenize([token]))

    def eos_ids(self) -> set[int]:
        """End-of-sequence ids: EOS and, for chat-tuned vocabularies, `<end_of_turn>`."""
        turn = self.tokenize("<end_of_turn>", add_bos=False, special=True)
        return {self.model.token_eos()} | (set(turn) if len(turn) == 1 else set())


def context_params(
    n_ctx: int, n_seq_max: int, n_batch: int, threads: int, *, fast: bool = False
) -> llama_cpp.llama_context_params:
    """The context parameters (bit-exact by default; see the module docstring for `fast`)."""
    params = llama_cpp.llama_context_default_params()
    params.n_ctx = n_ctx
    params.n_batch = params.n_ubatch = n_batch
    params.n_seq_max = n_seq_max
    params.n_threads = params.n_threads_batch = threads
    params.kv_unified = fast
    params.swa_full = True
    params.flash_attn_type = (
        llama_cpp.LLAMA_FLASH_ATTN_TYPE_ENABLED if fast else llama_cpp.LLAMA_FLASH_ATTN_TYPE_DISABLED
    )
    params.no_perf = True
    return params
