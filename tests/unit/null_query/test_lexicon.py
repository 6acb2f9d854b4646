from __future__ import annotations

import pytest

from services.null_query.lexicon import JamoLexicon

VOCAB = {"삼성": 5, "갤럭시": 4, "노트": 3, "방탄소년단": 1, "에어프라이어": 1, "체스": 1}


@pytest.mark.parametrize(
    ("typo", "word"),
    [("삼상", "삼성"), ("겔럭시", "갤럭시"), ("방탄소년댄", "방탄소년단"), ("에어프라이오", "에어프라이어")],
)
def test_lookup_finds_word_one_jamo_away(typo: str, word: str) -> None:
    found = JamoLexicon(VOCAB).lookup(typo)
    assert found[0].word == word
    assert found[0].distance == 1


def test_lookup_allows_two_edits_only_for_long_words() -> None:
    lexicon = JamoLexicon(VOCAB)
    assert lexicon.lookup("방탄소녕댄")[0].word == "방탄소년단"
    assert lexicon.lookup("너타") == []


def test_lookup_ignores_exact_and_too_short_words() -> None:
    lexicon = JamoLexicon(VOCAB)
    assert lexicon.lookup("삼성") == []
    assert lexicon.lookup("ㄱ") == []
