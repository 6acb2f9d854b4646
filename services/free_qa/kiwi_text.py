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


def sentence_terms(texts: Sequence[str]) -> list[list[tuple[str, list[str]]]]:
    """Each text's sentences with their `terms`, from one Kiwi analysis of each text."""
    return korean.sentence_terms_many(texts)


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


# Copula endings that contract onto a noun ending in a vowel (바샤르야?, 은주지?, 철수니?, 사과다.).
_CONTRACTED_TAILS = ("지요", "예요", "야", "지", "냐", "니", "죠", "다", "래", "요")
_CLOSING = "?？.!~ "


def _vowel_final(syllable: str) -> bool:
    code = ord(syllable) - 0xAC00
    return 0 <= code < 11172 and code % 28 == 0


def contracted_copula(text: str, morphemes: Sequence[Morpheme]) -> int | None:
    """Where a copula ending contracted onto a vowel-final noun starts, or None.

    Kiwi reads the copula in 포유류야? (포유류/이/야), but fused onto a name it does not know it
    sees one proper noun or a vocative particle: 바샤르야? (바샤르/NNP 야/JKV), 은주지? (은주지/NNP),
    아이유지? (아이/유지). For a text with no final ending whose last word ends in a contracted
    copula ending after a vowel, this gives the ending's offset in ``text``. A last word Kiwi
    knows whole as a common noun (강아지, 바다, 어머니) is that noun, not a contraction.
    """
    if final_ending(morphemes) is not None:
        return None
    body = text.rstrip(_CLOSING)
    start = body.rfind(" ") + 1
    word = body[start:]
    tail = next((t for t in _CONTRACTED_TAILS if word.endswith(t) and len(word) > len(t)), None)
    if tail is None or not _vowel_final(word[-len(tail) - 1]):
        return None
    covering = [m for m in morphemes if m.start >= start and m.end <= len(body)]
    if len(covering) == 1 and covering[0].tag == "NNG" and covering[0].end - covering[0].start == len(word):
        return None
    return len(body) - len(tail)
