"""llama.cpp batch runner and prefix cache over a fake context: scheduling and KV bookkeeping."""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from itertools import pairwise

import numpy as np
import pytest

from model_server.engines.llamacpp_batch import BatchRunner, BatchSequence
from model_server.engines.llamacpp_prefix import PrefixCache, common_prefix
from model_server.sampling import Sampler
from model_server.types import SamplingParams, TokenStep

VOCAB = 64
EOS = 63


class FakeContext:
    """Per-sequence KV as token lists; logits depend only on the sequence's own history."""

    def __init__(self, n_batch: int = 64) -> None:
        self.n_batch = n_batch
        self.kv: dict[int, list[int]] = {}
        self.owners: dict[int, list[str]] = {}  # the adapter each cell was computed under
        self.calls: list[list[tuple[int, int]]] = []  # per decode: (seq_id, position) rows
        self.call_adapters: list[str] = []
        self.adapter = ""
        self.fail_next = False
        self._rows: list[np.ndarray] = []

    def decode(
        self, tokens: Sequence[int], positions: Sequence[int], seq_ids: Sequence[int], logits: Sequence[bool]
    ) -> None:
        if self.fail_next:
            self.fail_next = False
            raise RuntimeError("llama_decode failed with status 1")
        self.calls.append(list(zip(seq_ids, positions, strict=True)))
        self.call_adapters.append(self.adapter)
        self._rows = []
        for token, pos, seq in zip(tokens, positions, seq_ids, strict=True):
            cells = self.kv.setdefault(seq, [])
            owners = self.owners.setdefault(seq, [])
            assert pos == len(cells), f"sequence {seq}: position {pos} after {len(cells)} cells"
            cells.append(token)
            owners.append(self.adapter)
            self._rows.append(_logits(cells, owners))

    def logits(self, i: int) -> np.ndarray:
        return self._rows[i]

    def copy(self, src: int, dst: int, length: int) -> None:
        self.kv[dst] = list(self.kv.get(src, [])[:length])
        self.owners[dst] = list(self.owners.get(src, [])[:length])

    def remove(self, seq_id: int, start: int = -1) -> None:
        del self.kv.get(seq_id, [])[max(0, start) :]
        del self.owners.get(seq_id, [])[max(0, start) :]

    def use_adapter(self, name: str) -> None:
        self.adapter = name


def _logits(history: list[int], owners: list[str] | None = None) -> np.ndarray:
    """Logits that depend on every cell's token and the adapter it was computed under."""
    row = np.zeros(VOCAB, dtype=np.float32)
    key = bytes(t % 256 for t in history) + "|".join(owners or []).encode()
    row[zlib.crc32(key) % (VOCAB - 1)] = 5.0  # never EOS
    return row


def _seq(prompt: list[int], max_tokens: int = 4, adapter: str = "") -> BatchSequence:
    params = SamplingParams(max_tokens=max_tokens, temperature=0.0)
    return BatchSequence(prompt, params, Sampler(params, 0), adapter=adapter)


def _runner(ctx: FakeContext, *, slots: int = 4, cache: int = 0, chunk: int = 8) -> BatchRunner:
    prefix = PrefixCache(ctx, range(slots, slots + cache), min_tokens=4) if cache else None
    return BatchRunner(ctx, slots=range(slots), cache=prefix, max_length=256, prefill_chunk=chunk, eos={EOS})


def _drain(runner: BatchRunner) -> dict[int, list[int]]:
    out: dict[int, list[int]] = {}
    while runner.busy:
        for seq, item in runner.step():
            assert isinstance(item, TokenStep)
            out.setdefault(id(seq), []).append(item.token_id)
    return out


def _alone(prompt: list[int], max_tokens: int = 4, adapter: str = "") -> list[int]:
    runner, seq = _runner(FakeContext()), _seq(prompt, max_tokens, adapter)
    runner.submit(seq)
    return _drain(runner)[id(seq)]


def test_running_sequences_share_one_decode_call() -> None:
    ctx = FakeContext()
    runner = _runner(ctx)
    seqs = [_seq([1, 2, i]) for i in range(3)]
    for seq in seqs:
        runner.submit(seq)
    out = _drain(runner)
    assert any(len(call) == 3 and {s for s, _ in call} == {0, 1, 2} for call in ctx.calls)
    assert [out[id(s)] for s in seqs] == [_alone(s.prompt) for s in seqs]


def test_long_prefill_is_chunked_while_others_decode() -> None:
    ctx = FakeContext()
    runner = _runner(ctx, chunk=8)
    short = _seq([1, 2], max_tokens=10)
    runner.submit(short)
    runner.step()  # short is decoding from now on
    long = _seq(list(range(3, 27)), max_tokens=2)  # 24 prompt tokens: three chunks of 8
    runner.submit(long)
    steps = [runner.step() for _ in range(3)]
    assert all(any(seq is short for seq, _ in results) for results in steps)
    prefill_calls = [call for call in ctx.calls if call[0][0] == long.slot]
    assert [len(call) for call in prefill_calls] == [8, 8, 8]
    assert all(len({s for s, _ in call}) == 1 for call in ctx.calls)  # prefill never mixed


def test_short_prompts_arriving_together_prefill_in_one_step() -> None:
    ctx = FakeContext()
    runner = _runner(ctx, chunk=16)
    seqs = [_seq([1, 2, i]) for i in range(4)]  # 3 tokens each: all fit the 16-token budget
    for seq in seqs:
        runner.submit(seq)
    first = runner.step()
    assert {id(s) for s, _ in first} == {id(s) for s in seqs}
    assert [len(call) for call in ctx.calls] == [3, 3, 3, 3]  # still one call per prompt


def test_short_prompt_tail_joins_the_previous_chunk() -> None:
    ctx = FakeContext()
    runner = _runner(ctx, chunk=8)
    seq = _seq(list(range(1, 21)), max_tokens=1)  # 20 tokens: 8, then 12 (no 4-token tail)
    runner.submit(seq)
    _drain(runner)
    assert [len(call) for call in ctx.calls] == [8, 12]


def test_chunk_below_eight_rows_is_refused() -> None:
    with pytest.raises(ValueError, match="prefill_chunk"):
        _runner(FakeContext(), chunk=4)


def test_sequences_beyond_slots_wait_for_a_free_one() -> None:
    runner = _runner(FakeContext(), slots=2)
    seqs = [_seq([1, i], max_tokens=3) for i in range(5)]
    for seq in seqs:
        runner.submit(seq)
    first = runner.step()
    state = runner.state()
    assert (state.waiting, state.free_slots) == (3, 0)
    out = _drain(runner)
    assert all(len(out[id(s)]) == 3 for s in seqs[2:])
    assert {id(s) for s, _ in first} <= {id(s) for s in seqs[:2]}
    assert runner.state().free_slots == 2


def test_decode_batches_list_sequence_ids_in_ascending_order() -> None:
    # llama.cpp decodes an unsorted multi-stream batch 2.6x slower: slots reused in any order
    # must still reach `decode` sorted.
    ctx = FakeContext()
    runner = _runner(ctx, slots=4)
    first = [_seq([1, i], max_tokens=2 + i) for i in range(4)]
    for seq in first:
        runner.submit(seq)
    runner.step()
    runner.release(first[0])
    runner.release(first[2])
    later = [_seq([2, i], max_tokens=6) for i in range(2)]
    for seq in later:
        runner.submit(seq)
    _drain(runner)
    decodes = [[seq for seq, _ in call] for call in ctx.calls if len({seq for seq, _ in call}) > 1]
    assert decodes and all(ids == sorted(ids) for ids in decodes)
    assert any(len(ids) == 4 for ids in decodes)  # the reused slots did run together with the others


def test_release_frees_slot_and_kv_at_once() -> None:
    ctx = FakeContext()
    runner = _runner(ctx)
    seq = _seq([1, 2, 3], max_tokens=50)
    runner.submit(seq)
    runner.step()
    runner.step()
    slot = seq.slot
    assert ctx.kv[slot]
    runner.release(seq)
    assert ctx.kv[slot] == [] and seq.slot == -1 and seq.finished
    assert not runner.busy and runner.state().free_slots == 4


def test_finished_sequence_frees_its_slot_in_the_same_step() -> None:
    ctx = FakeContext()
    runner = _runner(ctx)
    seq = _seq([1, 2], max_tokens=2)
    runner.submit(seq)
    runner.step()
    slot = seq.slot
    results = runner.step()
    assert results[0][0] is seq and seq.finished
    assert ctx.kv[slot] == [] and runner.state().free_slots == 4


def test_failed_decode_fails_its_sequences_and_frees_them() -> None:
    ctx = FakeContext()
    runner = _runner(ctx)
    seq = _seq([1, 2], max_tokens=5)
    runner.submit(seq)
    ctx.fail_next = True
    results = runner.step()
    assert isinstance(results[0][1], RuntimeError) and seq.finished
    assert runner.state().free_slots == 4


def test_submit_rejects_sequence_longer_than_context() -> None:
    with pytest.raises(ValueError, match="exceeds the context"):
        _runner(FakeContext()).submit(_seq(list(range(200)), max_tokens=100))


def test_prefix_cache_skips_shared_prefix_and_output_is_unchanged() -> None:
    ctx = FakeContext()
    runner = _runner(ctx, cache=2)
    shared = list(range(1, 21))
    first, second = _seq([*shared, 30, 31]), _seq([*shared, 40])
    runner.submit(first)
    _drain(runner)
    calls_before = len(ctx.calls)
    runner.submit(second)
    out = _drain(runner)
    prefill_rows = sum(len(c) for c in ctx.calls[calls_before:] if len(c) > 0 and c[0][1] < 21)
    assert prefill_rows == 1  # only the token after the shared prefix ran
    assert out[id(second)] == _alone(second.prompt)
    assert (runner.state().cache_hits, runner.state().cache_misses) == (1, 1)


def test_cached_prompt_reruns_only_its_last_token() -> None:
    ctx = FakeContext()
    cache = PrefixCache(ctx, [9], min_tokens=4)
    prompt = list(range(10))
    ctx.kv[0] = list(prompt)
    cache.store(prompt, 0)
    assert cache.restore(prompt, 1) == 9 and ctx.kv[1] == prompt[:9]
    eight_left = PrefixCache(ctx, [8], min_tokens=2, keep_last=8)
    eight_left.store(prompt, 0)
    assert eight_left.restore(prompt, 2) == 2  # 8 tokens always re-run


def test_prefix_cache_evicts_least_recently_used() -> None:
    ctx = FakeContext()
    cache = PrefixCache(ctx, [10, 11], min_tokens=2)
    prompts = [[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]
    for i, prompt in enumerate(prompts[:2]):
        ctx.kv[i] = list(prompt)
        cache.store(prompt, i)
    assert cache.restore([1, 2, 3, 4, 99], 3) == 4  # touches the first entry
    ctx.kv[2] = list(prompts[2])
    cache.store(prompts[2], 2)  # evicts the second (least recently used)
    assert cache.entries == 2
    assert cache.restore([5, 6, 7, 8, 99], 4) == 0
    assert cache.restore([9, 10, 11, 12, 99], 4) == 4


def test_prefix_cache_replaces_entry_the_new_prompt_extends() -> None:
    ctx = FakeContext()
    cache = PrefixCache(ctx, [10, 11], min_tokens=2)
    ctx.kv[0] = [1, 2, 3]
    cache.store([1, 2, 3], 0)
    ctx.kv[1] = [1, 2, 3, 4, 5]
    cache.store([1, 2, 3, 4, 5], 1)
    cache.store([1, 2, 3], 0)  # covered by the longer entry: nothing new stored
    assert cache.entries == 1
    assert cache.restore([1, 2, 3, 4, 5, 6], 2) == 5


def test_short_prompts_are_neither_cached_nor_counted() -> None:
    ctx = FakeContext()
    runner = _runner(ctx, cache=2)
    runner.submit(_seq([1, 2, 3]))
    _drain(runner)
    state = runner.state()
    assert (state.cache_entries, state.cache_hits, state.cache_misses) == (0, 0, 0)


def test_score_trims_scratch_sequence() -> None:
    ctx = FakeContext()
    runner = _runner(ctx)
    sums = runner.score([1, 2, 3], [[4, 5], [6]], scratch=7)
    assert len(sums) == 2 and all(s <= 0 for s in sums)
    assert ctx.kv[7] == []


def test_common_prefix() -> None:
    assert common_prefix([1, 2, 3], [1, 2, 4, 5]) == 2
    assert common_prefix([], [1]) == 0


def test_sequences_on_different_adapters_never_share_a_decode_call() -> None:
    ctx = FakeContext()
    runner = _runner(ctx)
    seqs = [_seq([1, 2, i], adapter=a) for i, a in enumerate(["", "nq", "", "nq"])]
    for seq in seqs:
        runner.submit(seq)
    out = _drain(runner)
    for seq in seqs:
        assert out[id(seq)] == _alone(seq.prompt, adapter=seq.adapter)
    # a prefill call (first row at position 0) tells which adapter its slot runs under
    by_slot_adapter = {
        call[0][0]: adapter
        for call, adapter in zip(ctx.calls, ctx.call_adapters, strict=True)
        if call[0][1] == 0
    }
    assert sorted(by_slot_adapter.values()) == ["", "", "nq", "nq"]
    for call, adapter in zip(ctx.calls, ctx.call_adapters, strict=True):
        assert {by_slot_adapter[slot] for slot, _ in call} == {adapter}
    assert any(len(call) == 2 for call in ctx.calls)  # each adapter's pair still batches


def test_two_adapters_in_use_cost_one_switch_per_step() -> None:
    # Each switch makes llama.cpp re-reserve its graphs: a step starts under the adapter the
    # previous one ended with, so decoding two adapters alternates their order. And each
    # adapter's sequences sit on consecutive ids: llama.cpp runs a call over ids with gaps as
    # one pass over the weights per run of consecutive ids.
    ctx = FakeContext()
    runner = _runner(ctx)
    seqs = [_seq([1, 2, i], max_tokens=8, adapter=a) for i, a in enumerate(["", "nq", "", "nq"])]
    for seq in seqs:
        runner.submit(seq)
    while any(len(s.generated) < 2 for s in seqs):  # past every prefill
        runner.step()
    start, steps = len(ctx.call_adapters), 4
    for _ in range(steps):
        runner.step()
    adapters = ctx.call_adapters[start - 1 :]
    switches = sum(a != b for a, b in pairwise(adapters))
    assert len(adapters) - 1 == 2 * steps and switches == steps
    decode_calls = [sorted(slot for slot, _ in call) for call in ctx.calls[start:] if len(call) > 1]
    assert decode_calls and all(ids == list(range(ids[0], ids[0] + len(ids))) for ids in decode_calls)
    _drain(runner)
    assert all(s.generated == _alone(s.prompt, 8, s.adapter) for s in seqs)  # order changes no output


def test_adapter_changes_output_and_base_is_unchanged_by_it() -> None:
    assert _alone([1, 2, 3], adapter="nq") != _alone([1, 2, 3])
    ctx = FakeContext()
    runner = _runner(ctx)
    base, tuned = _seq([1, 2, 3]), _seq([1, 2, 3], adapter="nq")
    runner.submit(base)
    runner.submit(tuned)
    out = _drain(runner)
    assert out[id(base)] == _alone([1, 2, 3])
    assert out[id(tuned)] == _alone([1, 2, 3], adapter="nq")


def test_prefix_cached_under_one_adapter_is_never_reused_under_another() -> None:
    ctx = FakeContext()
    runner = _runner(ctx, cache=3)
    prompt = list(range(1, 21))
    first = _seq(prompt, adapter="nq")
    runner.submit(first)
    _drain(runner)
    for adapter in ("", "other"):
        seq = _seq(prompt, adapter=adapter)
        runner.submit(seq)
        assert _drain(runner)[id(seq)] == _alone(prompt, adapter=adapter)
    assert runner.state().cache_hits == 0
    again = _seq(prompt, adapter="nq")
    runner.submit(again)
    assert _drain(runner)[id(again)] == _alone(prompt, adapter="nq")
    assert runner.state().cache_hits == 1


def test_prefix_cache_keys_entries_by_adapter() -> None:
    ctx = FakeContext()
    ctx.kv[0] = list(range(10))
    cache = PrefixCache(ctx, [5, 6], min_tokens=4)
    cache.store(list(range(10)), 0, "nq")
    assert cache.restore(list(range(12)), 1, "") == 0
    assert cache.restore(list(range(12)), 1, "nq") == 10


def test_score_runs_under_the_named_adapter() -> None:
    ctx = FakeContext()
    runner = _runner(ctx)
    runner.score([1, 2, 3], [[4, 5]], scratch=9)
    calls = len(ctx.calls)
    runner.score([1, 2, 3], [[4, 5]], scratch=9, adapter="nq")
    assert set(ctx.call_adapters[:calls]) == {""}
    assert set(ctx.call_adapters[calls:]) == {"nq"}
