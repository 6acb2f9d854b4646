from __future__ import annotations

import pytest

from services.null_query.korean import KiwiRepairs
from services.null_query.lexicon import JamoLexicon
from services.null_query.rules import (
    RuleInput,
    context_rule,
    jamo_rule,
    keyboard_rule,
    kiwi_typo_rule,
    lexicon_rule,
    rule_candidates,
    spacing_rule,
)
from services.null_query.types import RewriteType
from tests.unit.null_query.fakes import NoKiwi

LEXICON = JamoLexicon({"삼성": 8, "갤럭시": 8, "무선청소기": 2, "방탄소년단": 1, "케이스": 3, "iphone": 1})


def _texts(cands: list) -> list[str]:
    return [c.text for c in cands]


def _inp(text: str, kiwi: object = None, context: tuple[str, ...] = ()) -> RuleInput:
    return RuleInput(text, LEXICON, kiwi or NoKiwi(), context)  # type: ignore[arg-type]


def test_jamo_rule_recomposes_split_jamo() -> None:
    (cand,) = jamo_rule(_inp("ㅅㅏㅁ성 갤럭시"))
    assert (cand.text, cand.type) == ("삼성 갤럭시", RewriteType.JAMO)


def test_jamo_rule_ignores_syllable_text() -> None:
    assert jamo_rule(_inp("삼성 갤럭시")) == []


def test_keyboard_rule_converts_english_mode_both_ways() -> None:
    assert "삼성 갤럭시" in _texts(keyboard_rule(_inp("tkatjd roffjrtl")))
    assert "iphone 케이스" in _texts(keyboard_rule(_inp("ㅑㅔㅙㅜㄷ 케이스")))


def test_keyboard_rule_keeps_digits_beside_converted_letters() -> None:
    assert "2010년" in _texts(keyboard_rule(_inp("2010sus")))


def test_spacing_rule_joins_and_splits_vocabulary_words() -> None:
    assert "무선청소기" in _texts(spacing_rule(_inp("무선청소 기")))
    assert "삼성 갤럭시" in _texts(spacing_rule(_inp("삼성갤럭시")))


def test_lexicon_rule_fixes_one_jamo_typo() -> None:
    cands = lexicon_rule(_inp("삼상 갤럭시"))
    assert cands[0].text == "삼성 갤럭시"
    assert cands[0].distance == 1


def test_context_rule_adds_session_words() -> None:
    assert "갤럭시 s24 케이스" in _texts(context_rule(_inp("갤럭시 s24", context=("삼성", "폰", "케이스"))))


def test_repairs_also_run_on_retyped_query() -> None:
    cands = rule_candidates(_inp("tkatjdroffjrtl"))
    assert any(c.text == "삼성 갤럭시" and c.type is RewriteType.KEYBOARD for c in cands)


@pytest.fixture(scope="module")
def kiwi() -> KiwiRepairs:
    return KiwiRepairs()


def test_kiwi_spacing_respaces_a_sentence(kiwi: KiwiRepairs) -> None:
    assert "아버지가 방에 들어가신다" in _texts(spacing_rule(_inp("아버지가방에들어가신다", kiwi)))


def test_kiwi_typo_rule_fixes_typo_tolerant_analysis(kiwi: KiwiRepairs) -> None:
    assert "안녕하세요" in _texts(kiwi_typo_rule(_inp("안녕하셰요", kiwi)))
