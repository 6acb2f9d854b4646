"""Antonym/synonym minimal pairs built on Kiwi morphemes."""

from __future__ import annotations

import random

import pytest

from searchlm.nli.training.data import NliExample
from searchlm.nli.training.lexical import minimal_pairs, swap_predicate
from searchlm.nli.types import LABELS

pytest.importorskip("kiwipiepy", reason="kiwipiepy analyses and re-conjugates the sentences")


def test_antonym_swap_reconjugates_the_predicate_when_the_stem_is_irregular() -> None:
    out = swap_predicate("가격이 좀 비쌌어요.", "antonym", random.Random(0))
    assert out in {"가격이 좀 쌌어요.", "가격이 좀 저렴했어요."}
    assert swap_predicate("배송이 빨랐어요.", "antonym", random.Random(0)) == "배송이 느렸어요."


def test_synonym_swap_keeps_the_rest_of_the_sentence_character_for_character() -> None:
    text = "관광성수기가 시작되는 27일부터  신속한 할인혜택을 준다."
    assert (
        swap_predicate(text, "synonym", random.Random(0))
        == "관광성수기가 시작되는 27일부터  빠른 할인혜택을 준다."
    )


def test_swap_uses_the_adnominal_form_of_itda_adjectives_when_before_a_noun() -> None:
    out = swap_predicate("그 도시에는 흥미로운 대학이 있다.", "synonym", random.Random(0))
    assert out == "그 도시에는 재미있는 대학이 있다."


def test_swap_returns_none_when_the_sentence_is_negated_or_has_no_listed_predicate() -> None:
    assert swap_predicate("가격이 비싸지 않아요.", "antonym", random.Random(0)) is None
    assert swap_predicate("그는 어제 서울에 갔다.", "antonym", random.Random(0)) is None


def test_minimal_pairs_label_antonyms_contradiction_and_synonyms_entailment() -> None:
    src = [
        NliExample("a", "klue:airbnb", "방이 넓고 깨끗했습니다.", "주인이 친절했다.", 1),
        NliExample("b", "klue:NSMC", "배송이 빨랐어요.", "포장이 꼼꼼했다.", 1),
    ]
    out = minimal_pairs(src, random.Random(0))
    labels = {e.guid.split(":")[0]: e.label for e in out}
    assert labels["antonym"] == LABELS.index("contradiction")
    assert labels["synonym"] == LABELS.index("entailment")
    for e in out:
        assert e.premise != e.hypothesis and e.stratum in {"klue:airbnb", "klue:NSMC"}
