from __future__ import annotations

import pytest

from services.null_query import hangul


@pytest.mark.parametrize(
    ("loose", "composed"),
    [
        ("ㅅㅏㅁ성 갤럭시", "삼성 갤럭시"),
        ("ㅇㅏㄴㄴㅕㅇ", "안녕"),
        ("사ㅁ성", "삼성"),
        ("ㄱㅏㅂㅅ", "값"),
        ("ㅇㅘㅇ", "왕"),
    ],
)
def test_recompose_joins_loose_jamo(loose: str, composed: str) -> None:
    assert hangul.recompose(loose) == composed


@pytest.mark.parametrize("text", ["삼성 갤럭시", "값이", "각가", "밝아", "갔다", "의사", "아이폰 15 케이스"])
def test_recompose_keeps_well_formed_text(text: str) -> None:
    assert hangul.recompose(text) == text


@pytest.mark.parametrize(
    ("latin", "korean"), [("tkatjd", "삼성"), ("dkssud", "안녕"), ("roffjrtl", "갤럭시")]
)
def test_latin_to_hangul_converts_english_mode_typing(latin: str, korean: str) -> None:
    assert hangul.latin_to_hangul(latin) == korean


@pytest.mark.parametrize("word", ["galaxy", "s24", "hello"])
def test_latin_to_hangul_rejects_real_english(word: str) -> None:
    assert hangul.latin_to_hangul(word) is None


def test_hangul_to_latin_converts_korean_mode_typing() -> None:
    assert hangul.hangul_to_latin("ㅑㅔㅙㅜㄷ") == "iphone"


def test_jamo_distance_counts_one_jamo_slip_as_one_edit() -> None:
    assert hangul.jamo_distance("삼성", "삼상") == 1
    assert hangul.jamo_distance("갤럭시", "갤럭시") == 0
    assert hangul.jamo_distance("삼성", "상섬") == 2


@pytest.mark.parametrize(
    ("text", "meant"),
    [
        ("tkatjd roffjrtl", "삼성 갤럭시"),
        ("ㅅㅏㅁ성", "삼성"),
        ("aoflsj 6gh", "매리너 6호"),
        ("2010sus", "2010년"),
        ("galaxy s24", "galaxy s24"),
        ("아이폰 15 케이스", "아이폰 15 케이스"),
    ],
)
def test_retyped_reads_english_mode_runs_and_joins_loose_jamo(text: str, meant: str) -> None:
    assert hangul.retyped(text) == meant


def test_retyped_keeps_known_words_that_would_read_as_hangul() -> None:
    assert hangul.retyped("skt dyrmawp") == "낫 요금제"
    assert hangul.retyped("skt dyrmawp", known={"skt"}.__contains__) == "skt 요금제"
