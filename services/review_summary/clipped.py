"""The clipped "-음" style of reviews ("배송 빠름.", "가격 저렴함 배송 빠름", "재질 부드러움~").

Kiwi reads such a predicate as a verb or adjective with a nominaliser (빠르/VA ᆷ/ETN) before
punctuation or another word, or as a noun of its own (빠름/NNG); without anything after it, as
an ending (ᆷ/EF), which the extractor reads anyway. These say where it is the predicate of an
opinion and not a noun ("끊김이 심함", "끊김 현상").
"""

from __future__ import annotations

from collections.abc import Sequence

from searchlm.text import Token
from searchlm.text import base_tag as _tag
from services.review_summary import lexicon

# Tags after which a nominalised predicate ends its sentence (punctuation, symbols, emoji).
SENTENCE_END = frozenset({"SF", "SP", "SE", "SS", "SW", "SO", "W_EMOJI"})
_NOUN = ("NNG", "NNP")
_HANGUL, _FINALS = 0xAC00, 28
_FINAL_M, _FINAL_B = 16, 17


def ends_sentence(tokens: Sequence[Token], k: int) -> bool:
    """Nothing but punctuation or symbols (ㅋㅋ, emoticons) follows before tokens[k] or the end."""
    return k >= len(tokens) or _tag(tokens[k]) in SENTENCE_END


def predicate_before(tokens: Sequence[Token], i: int) -> bool:
    """tokens[i] (a verb or adjective with a nominaliser at i + 1) is a clipped predicate: only
    punctuation follows ("배송 빠름.", "재미있음."), or it is an adjective the lexicon lists
    and a new word follows after a space ("가격 저렴함 배송 빠름"; "끊김 현상", a verb, stays a
    noun)."""
    if ends_sentence(tokens, i + 2):
        return True
    return _tag(tokens[i]) == "VA" and tokens[i].form in lexicon.POLAR and _spaced_noun(tokens, i + 2)


def nominalised_stem(tokens: Sequence[Token], i: int) -> str | None:
    """The adjective of a noun Kiwi read in its clipped form (빠름 -> 빠르, 좋음 -> 좋, 부드러움 ->
    부드럽) when the lexicon lists it and nothing but punctuation or a new word follows;
    followed by a particle it is a noun ("아픔을 느꼈다")."""
    if not (ends_sentence(tokens, i + 1) or _spaced_noun(tokens, i + 1)):
        return None
    form = tokens[i].form
    stem = unclipped(form)
    return stem if stem != form and stem in lexicon.POLAR else None


def unclipped(form: str) -> str:
    """The stem a clipped "-음" form comes from: 빠름 -> 빠르, 좋음 -> 좋, 가벼움 -> 가볍; the
    form itself when it is not one."""
    if len(form) < 2:
        return form
    head, last = form[:-1], form[-1]
    if last == "움" and _syllable(head[-1]):
        return head[:-1] + _with_final(head[-1], _FINAL_B)  # ㅂ-irregular: 가볍 + 음 = 가벼움
    if last == "음":
        return head
    code = ord(last) - _HANGUL
    if 0 <= code < 11172 and code % _FINALS == _FINAL_M:
        return head + chr(ord(last) - _FINAL_M)  # 빠르 + ㅁ = 빠름
    return form


def _syllable(ch: str) -> bool:
    code = ord(ch) - _HANGUL
    return 0 <= code < 11172 and code % _FINALS == 0


def _with_final(ch: str, final: int) -> str:
    return chr(ord(ch) + final)


def _spaced_noun(tokens: Sequence[Token], k: int) -> bool:
    """tokens[k] is a noun written after a space: a new phrase starts there."""
    if k >= len(tokens) or _tag(tokens[k]) not in _NOUN:
        return False
    before = tokens[k - 1]
    return tokens[k].start > before.start + before.len
