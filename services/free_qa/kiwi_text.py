"""free_qa's reading of Korean text: sentences, terms and tagged morphemes (Kiwi of `searchlm.text`)."""

from __future__ import annotations

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
