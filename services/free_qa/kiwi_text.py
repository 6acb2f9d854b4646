"""free_qa's reading of Korean text: sentences, terms and tagged morphemes (Kiwi of `searchlm.text`)."""

from __future__ import annotations

from collections.abc import Sequence

from searchlm import text as korean
from services.free_qa.types import Morpheme


def split_sentences(text: str) -> list[str]:
    """Korean sentences of a text, in order."""
    return korean.sentences(text)


def terms(text: str) -> list[str]:
    """BM25 and evidence terms of a text: `searchlm.text.content_terms` (verbs get 다 so 만들/만든 meet)."""
    return korean.content_terms(text)


def terms_batch(texts: list[str]) -> list[list[str]]:
    """`terms` of many texts."""
    return [terms(text) for text in texts]


def morphemes(text: str) -> list[Morpheme]:
    """Tagged morphemes of a text with character offsets (candidate answer spans are cut from them)."""
    return [Morpheme(t.form, t.tag, t.start, t.start + t.len) for t in korean.tokenize(text)]


def join(morphemes: Sequence[tuple[str, str]]) -> str:
    """Surface text of (form, tag) morphemes, conjugated by Kiwi (가/VV 는다/EF -> 간다)."""
    return korean.join(morphemes)


# What may follow a sentence's final ending: punctuation, and the polite 요 Kiwi splits off 인가요.
_AFTER_FINAL = frozenset({"SF", "SP", "SE", "SS", "SW", "SO"})


def final_ending(morphemes: Sequence[Morpheme]) -> int | None:
    """Index of the sentence-final ending (EF) that closes the text, or None when it has none.

    Only punctuation and a polite 요 (JX) may follow it: "수도인가요?" -> the index of ᆫ가.
    """
    for i in range(len(morphemes) - 1, -1, -1):
        m = morphemes[i]
        if m.tag == "EF":
            return i
        if m.tag not in _AFTER_FINAL and not (m.tag == "JX" and m.form == "요"):
            return None
    return None
