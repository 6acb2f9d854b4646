"""Prefix cache of the llama.cpp engine: the KV of recent prompts, kept in spare sequence ids.

The services send few-shot prompts that share long prefixes, and `n` candidates share their
whole prompt. Restoring a cached prefix into a new sequence copies its KV
(`llama_memory_seq_cp`, a memory copy) instead of recomputing it (a forward pass over every
prefix token). Plain Python over a small `KvOps` protocol, so the policy is unit-tested
without a model.

Entries are keyed by LoRA adapter as well as tokens: the KV of a prompt run under adapter A
holds A's keys and values, and reusing it under adapter B or the base model would silently mix
two models in one sequence (llama.cpp's own server has had exactly this bug).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence
from typing import Protocol


class KvOps(Protocol):
    """The two KV operations the cache needs (implemented over llama.cpp's memory API)."""

    def copy(self, src: int, dst: int, length: int) -> None:
        """Gives sequence `dst` the KV of positions [0, length) of sequence `src`."""
        ...

    def remove(self, seq_id: int) -> None:
        """Drops every cell of sequence `seq_id`."""
        ...


def common_prefix(a: Sequence[int], b: Sequence[int]) -> int:
    """Length of the longest common prefix of two token sequences."""
    n = min(len(a), len(b))
    i = 0
    while i < n and a[i] == b[i]:
        i += 1
    return i


class PrefixCache:
    """Bounded LRU of cached prompts, each held by one spare sequence id.

    Args:
        kv: KV operations of the engine's context.
        seq_ids: Sequence ids reserved for cache entries (their number is the capacity).
        min_tokens: Prompts shorter than this are not stored, and a match shorter than
            this is a miss: re-running a handful of tokens is cheaper than an entry.
        keep_last: Prompt tokens always left to run after a restored prefix (at least 1:
            the last prompt token's logits start generation).
    """

    def __init__(self, kv: KvOps, seq_ids: Sequence[int], min_tokens: int, keep_last: int = 1) -> None:
        self._kv = kv
        self._free = list(seq_ids)
        self._entries: OrderedDict[int, tuple[str, tuple[int, ...]]] = OrderedDict()  # LRU first
        self._min = max(1, min_tokens)
        self._keep = max(1, keep_last)
        self.hits = 0
        self.misses = 0

    @property
    def entries(self) -> int:
        """Prompts currently cached."""
        return len(self._entries)

    def eligible(self, prompt: Sequence[int]) -> bool:
        """True when `prompt` is long enough to reuse a cached prefix (lookups count then)."""
        return len(prompt) - self._keep >= self._min

    def restore(self, prompt: Sequence[int], dst: int, adapter: str = "") -> int:
        """Copies the longest prefix of `prompt` cached under `adapter` into sequence `dst`.

        At least `keep_last` prompt tokens are left to run.

        Returns:
            The number of prompt tokens now in `dst`'s KV (0 on a miss).
        """
        best, length = -1, 0
        for seq_id, (owner, tokens) in self._entries.items():
            if owner != adapter:
                continue
            shared = min(common_prefix(tokens, prompt), len(prompt) - self._keep)
            if shared > length:
                best, length = seq_id, shared
        if length < self._min:
            self.misses += 1
            return 0
        self._kv.copy(best, dst, length)
        self._entries.move_to_end(best)
        self.hits += 1
        return length

    def store(self, prompt: Sequence[int], src: int, adapter: str = "") -> None:
        """Caches the KV of `prompt` run under `adapter`, held by sequence `src` in [0, len)."""
        if len(prompt) < self._min:
            return
        key = tuple(prompt)
        for seq_id, (owner, tokens) in list(self._entries.items()):
            if owner != adapter:
                continue
            if tokens[: len(key)] == key:  # already covered by a longer or equal entry
                self._entries.move_to_end(seq_id)
                return
            if key[: len(tokens)] == tokens:  # the new prompt extends this entry
                self._drop(seq_id)
        if not self._free:
            self.evict_one()
        seq_id = self._free.pop()
        self._kv.copy(src, seq_id, len(key))
        self._entries[seq_id] = (adapter, key)

    def evict_one(self) -> int:
        """Drops the least recently used entry.

        Returns:
            The tokens it held (0 when the cache is empty).
        """
        if not self._entries:
            return 0
        seq_id = next(iter(self._entries))
        return self._drop(seq_id)

    def clear(self) -> None:
        """Drops every entry."""
        while self.evict_one():
            pass

    def _drop(self, seq_id: int) -> int:
        _, tokens = self._entries.pop(seq_id)
        self._kv.remove(seq_id)
        self._free.append(seq_id)
        return len(tokens)
