"""Which sequence id (KV stream) a new sequence gets.

With one KV stream per sequence, llama.cpp splits a decode call into micro-batches of
*consecutive* sequence ids (`split_equal` accepts only increasing ids, one apart), and each
micro-batch is a full pass over the weights. A call over ids {0, 2, 4, 6} therefore costs four
batch-1 decodes: on Gemma 3 270M, 8 sequences on alternating ids decoded in 107 ms per call
against 49 ms on consecutive ids. Sequences on different LoRA adapters never share a call, so
when half the traffic runs on an adapter, handing out ids in arrival order interleaves the two
groups and every call falls apart into single rows. The choice below keeps each adapter's
sequences in runs of consecutive ids: base-model sequences grow from the low ids, adapter
sequences from the high ids, a slot next to a running sequence of the same adapter wins, and
a new adapter starts far from the others.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

_FAR = 1 << 30  # the distance to other adapters' sequences when there are none


def pick_slot(free: Iterable[int], running: Mapping[int, str], adapter: str) -> int:
    """The free sequence id for a new sequence on `adapter` ("" = base model).

    Args:
        free: Free sequence ids (at least one).
        running: Sequence id -> adapter of every admitted sequence.
        adapter: The new sequence's adapter.

    Returns:
        The id that extends a run of `adapter` sequences if any does; else the one farthest
        from other adapters' sequences, so that both can grow; ties go to the low end for the
        base model and to the high end for adapters.
    """

    def rank(slot: int) -> tuple[int, int, int]:
        joins = sum(running.get(n) == adapter for n in (slot - 1, slot + 1))
        gap = min((abs(slot - s) for s, a in running.items() if a != adapter), default=_FAR)
        return -joins, -gap, slot if not adapter else -slot

    return min(free, key=rank)
