"""Sequence-id choice: each adapter's sequences stay on consecutive ids (one llama.cpp micro-batch)."""

from __future__ import annotations

from model_server.engines.llamacpp_slots import pick_slot


def _admit(order: list[str], slots: int = 16) -> dict[int, str]:
    free, running = list(range(slots)), {}
    for adapter in order:
        slot = pick_slot(free, running, adapter)
        free.remove(slot)
        running[slot] = adapter
    return running


def _runs(running: dict[int, str], adapter: str) -> int:
    ids = sorted(s for s, a in running.items() if a == adapter)
    return sum(1 for i, s in enumerate(ids) if i == 0 or ids[i - 1] != s - 1)


def test_alternating_arrivals_give_each_adapter_one_run_of_ids() -> None:
    running = _admit(["", "nq"] * 8)
    assert _runs(running, "") == 1 and _runs(running, "nq") == 1
    assert sorted(s for s, a in running.items() if a == "") == list(range(8))  # base from the low end


def test_a_slot_next_to_the_same_adapter_wins_over_the_low_end() -> None:
    running = {0: "", 1: "", 5: "nq"}
    assert pick_slot([2, 3, 4, 6, 7], running, "nq") in (4, 6)
    assert pick_slot([2, 3, 4, 6, 7], running, "") == 2
    assert pick_slot([3, 6], {4: "nq", 5: "nq", 2: ""}, "") == 3


def test_three_adapters_arriving_mixed_stay_in_few_runs() -> None:
    running = _admit(["", "a", "b"] * 5)
    assert [_runs(running, name) for name in ("", "a", "b")] == [1, 1, 1]


def test_base_only_traffic_takes_the_lowest_free_id_next_to_running_ones() -> None:
    assert pick_slot([9, 3, 0], {}, "") == 0
    assert pick_slot([9, 3, 5], {4: ""}, "") == 3
