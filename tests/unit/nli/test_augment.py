"""Label-preserving augmentations of the training pairs."""

from __future__ import annotations

import random

import pytest

from searchlm.nli.training.augment import augment, extend_premise, identity, parse_names, swap_contradictions
from searchlm.nli.training.data import NliExample
from searchlm.nli.types import LABELS

E, N, C = (LABELS.index(x) for x in ("entailment", "neutral", "contradiction"))

# Written for these tests: two review premises and two encyclopedic ones.
EXAMPLES = [
    NliExample("r1-e", "klue:NSMC", "배우들 연기가 정말 좋았어요.", "연기가 좋았다.", E),
    NliExample("r1-n", "klue:NSMC", "배우들 연기가 정말 좋았어요.", "음악도 좋았다.", N),
    NliExample("r1-c", "klue:NSMC", "배우들 연기가 정말 좋았어요.", "연기가 형편없었다.", C),
    NliExample("r2-c", "klue:airbnb", "방이 넓고 깨끗했어요.", "방이 좁았다.", C),
    NliExample("w1-e", "klue:wikipedia", "한라산은 제주도에 있는 산이다.", "한라산은 제주도에 있다.", E),
    NliExample("w1-c", "klue:wikipedia", "한라산은 제주도에 있는 산이다.", "한라산은 강원도에 있다.", C),
    NliExample("x1-n", "xnli", "그는 아침 일찍 집을 나섰다.", "그는 회사에 갔다.", N),
]
PREMISES = {e.premise for e in EXAMPLES}


def test_swap_contradictions_reverses_every_contradiction_when_applied() -> None:
    out = swap_contradictions(EXAMPLES, random.Random(0))
    assert {(e.premise, e.hypothesis) for e in out} == {
        (e.hypothesis, e.premise) for e in EXAMPLES if e.label == C
    }
    assert all(e.label == C for e in out)


def test_identity_pairs_a_premise_with_itself_as_entailment_when_applied() -> None:
    out = identity(EXAMPLES, random.Random(0))
    assert len(out) == len(PREMISES) // 3
    assert all(e.premise == e.hypothesis and e.premise in PREMISES and e.label == E for e in out)


def test_extend_premise_keeps_label_and_adds_text_from_the_other_domain_when_applied() -> None:
    reviews = {e.premise for e in EXAMPLES if e.stratum in ("klue:NSMC", "klue:airbnb")}
    originals = {e.guid: e for e in EXAMPLES}
    out = extend_premise(EXAMPLES, random.Random(1))
    assert len(out) >= 2
    for e in out:
        src = originals[e.guid.removesuffix(":ext")]
        assert e.label == src.label and e.hypothesis == src.hypothesis
        assert src.premise in e.premise and e.premise != src.premise
        added = e.premise.replace(src.premise, "").strip()
        assert (added in reviews) != (src.premise in reviews), e


def test_augment_is_deterministic_and_keeps_originals_first_when_seeded() -> None:
    spec = "swap_contradictions,identity,extend_premise"
    first, second = augment(EXAMPLES, spec, 13), augment(EXAMPLES, spec, 13)
    assert first == second and first[: len(EXAMPLES)] == EXAMPLES
    assert augment(EXAMPLES, "", 13) == EXAMPLES


def test_parse_names_names_the_unknown_augmentation_when_misspelt() -> None:
    with pytest.raises(ValueError, match="swap_contradiction'"):
        parse_names("identity, swap_contradiction")


def test_probe_set_loads_with_every_category_and_label_when_read_by_eval() -> None:
    from pathlib import Path

    from eval.data.nli import load_jsonl

    items = load_jsonl(Path(__file__).resolve().parents[3] / "eval" / "probes" / "nli_ko_probes.jsonl")
    assert len(items) == 36
    assert {i.gold for i in items} == set(LABELS)
    assert {i.source for i in items} >= {"negation", "numbers", "reviews", "multi_review", "identity"}
