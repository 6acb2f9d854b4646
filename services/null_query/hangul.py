"""Hangul at the keystroke level: decomposition, IME recomposition, 2-set keyboard mapping.

Everything works on *keystrokes*: compatibility jamo as typed on the Korean 2-set
(두벌식) keyboard, compound vowels and final clusters split into their keys
(ㅘ -> ㅗㅏ, ㄺ -> ㄹㄱ). Recomposing keystrokes with the IME automaton below reproduces what
a Korean keyboard would show, which makes split-jamo repair (ㅅㅏㅁ성 -> 삼성) and layout
conversion (tkatjd -> 삼성) the same operation, and gives jamo-level edit distance its alphabet.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_BASE = 0xAC00
CHO = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
JUNG = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
JONG = ("", *"ㄱㄲㄳㄴㄵㄶㄷㄹㄺㄻㄼㄽㄾㄿㅀㅁㅂㅄㅅㅆㅇㅈㅊㅋㅌㅍㅎ")
_VOWEL_PAIRS = {
    "ㅘ": "ㅗㅏ",
    "ㅙ": "ㅗㅐ",
    "ㅚ": "ㅗㅣ",
    "ㅝ": "ㅜㅓ",
    "ㅞ": "ㅜㅔ",
    "ㅟ": "ㅜㅣ",
    "ㅢ": "ㅡㅣ",
}
_CODA_PAIRS = {
    "ㄳ": "ㄱㅅ", "ㄵ": "ㄴㅈ", "ㄶ": "ㄴㅎ", "ㄺ": "ㄹㄱ", "ㄻ": "ㄹㅁ", "ㄼ": "ㄹㅂ",
    "ㄽ": "ㄹㅅ", "ㄾ": "ㄹㅌ", "ㄿ": "ㄹㅍ", "ㅀ": "ㄹㅎ", "ㅄ": "ㅂㅅ",
}  # fmt: skip
_JOIN_VOWEL = {v: k for k, v in _VOWEL_PAIRS.items()}
_JOIN_CODA = {v: k for k, v in _CODA_PAIRS.items()}
_SPLIT = {**_VOWEL_PAIRS, **_CODA_PAIRS}
CONSONANTS = frozenset(CHO) | frozenset(c for c in JONG if c)
VOWELS = frozenset(JUNG)
_NOT_CODA = frozenset("ㄸㅃㅉ")

# 2-set layout: latin key -> jamo (shifted keys give the tense consonants and ㅒ ㅖ).
KEY_TO_JAMO = dict(
    zip("qwertyuiopasdfghjklzxcvbnm", "ㅂㅈㄷㄱㅅㅛㅕㅑㅐㅔㅁㄴㅇㄹㅎㅗㅓㅏㅣㅋㅌㅊㅍㅠㅜㅡ", strict=True)
)
KEY_TO_JAMO.update(dict(zip("QWERTOP", "ㅃㅉㄸㄲㅆㅒㅖ", strict=True)))
JAMO_TO_KEY = {v: k for k, v in KEY_TO_JAMO.items()}


def is_syllable(ch: str) -> bool:
    """A precomposed Hangul syllable (가-힣)."""
    return "가" <= ch <= "힣"


def is_jamo(ch: str) -> bool:
    """A compatibility jamo (ㄱ-ㅣ), as split-jamo queries are typed."""
    return "ㄱ" <= ch <= "ㅣ"


def compose(cho: str, jung: str, jong: str = "") -> str:
    """The syllable of an initial, a medial and an optional final jamo."""
    return chr(_BASE + (CHO.index(cho) * 21 + JUNG.index(jung)) * 28 + JONG.index(jong))


def decompose(ch: str) -> tuple[str, str, str]:
    """(initial, medial, final) of a syllable; final "" when open."""
    offset = ord(ch) - _BASE
    return CHO[offset // 588], JUNG[(offset % 588) // 28], JONG[offset % 28]


def keystrokes(text: str) -> str:
    """`text` as 2-set keystrokes: syllables and compound jamo split, other characters kept."""
    out: list[str] = []
    for ch in text:
        parts = decompose(ch) if is_syllable(ch) else (ch,)
        out.extend(_SPLIT.get(p, p) for p in parts)
    return "".join(out)


class _Ime:
    """The 2-set IME automaton: feeds keystrokes, emits composed text."""

    def __init__(self) -> None:
        self.out: list[str] = []
        self.cho = self.jung = self.jong = ""

    def flush(self) -> None:
        if self.cho and self.jung:
            self.out.append(compose(self.cho, self.jung, self.jong))
        else:
            self.out.append(self.cho + self.jung)
        self.cho = self.jung = self.jong = ""

    def consonant(self, key: str) -> None:
        if self.jong and (pair := _JOIN_CODA.get(self.jong + key)):
            self.jong = pair
        elif self.cho and self.jung and not self.jong and key not in _NOT_CODA and key in JONG:
            self.jong = key
        else:
            self.flush()
            self.cho = key

    def vowel(self, key: str) -> None:
        if self.jong:
            keep, moved = (
                (_CODA_PAIRS[self.jong][0], _CODA_PAIRS[self.jong][1])
                if self.jong in _CODA_PAIRS
                else ("", self.jong)
            )
            self.jong = keep
            self.flush()
            self.cho, self.jung = moved, key
        elif self.jung and not self.jong and (pair := _JOIN_VOWEL.get(self.jung + key)):
            self.jung = pair
        elif self.cho and not self.jung:
            self.jung = key
        else:
            self.flush()
            self.jung = key

    def other(self, ch: str) -> None:
        self.flush()
        self.out.append(ch)


def recompose(text: str) -> str:
    """Re-types `text` through the IME: loose jamo join their neighbours (ㅅㅏㅁ성 -> 삼성).

    Well-formed syllable text comes back unchanged.
    """
    ime = _Ime()
    for key in keystrokes(text):
        if key in VOWELS:
            ime.vowel(key)
        elif key in CONSONANTS:
            ime.consonant(key)
        else:
            ime.other(key)
    ime.flush()
    return "".join(ime.out)


def latin_to_hangul(word: str) -> str | None:
    """A word typed in English mode on a Korean keyboard, as Korean (tkatjd -> 삼성).

    Returns None unless every character is a letter and the result is whole syllables.
    """
    if not word.isascii() or not word.isalpha():
        return None
    keys = [KEY_TO_JAMO.get(ch) or KEY_TO_JAMO.get(ch.lower()) for ch in word]
    text = recompose("".join(k for k in keys if k))
    return text if text and all(is_syllable(ch) for ch in text) else None


_LETTER_RUNS = re.compile(r"([A-Za-z]+)")


def english_mode_runs(word: str) -> str | None:
    """A word's letter runs read as English-mode typing where they make whole syllables.

    2010sus -> 2010년, aoflsj -> 매리너; None when no run does (s24, galaxy).
    """
    parts = _LETTER_RUNS.split(word)
    converted = [(latin_to_hangul(p) or latin_to_hangul(p.lower())) if p.isalpha() else None for p in parts]
    if not any(converted):
        return None
    return "".join(c or p for c, p in zip(converted, parts, strict=True))


def retyped(text: str, known: Callable[[str], bool] | None = None) -> str:
    """`text` as a 2-set keyboard would have shown it: English-mode runs read as Hangul, loose jamo joined.

    tkatjd roffjrtl -> 삼성 갤럭시, ㅅㅏㅁ성 -> 삼성, aoflsj 6gh -> 매리너 6호; well-formed
    text and real English that makes no syllables (galaxy s24) come back unchanged. Some real
    words do make syllables (skt -> 낫, sk -> 나, ai -> 먀): words `known` accepts (the index
    vocabulary) are kept as written.
    """
    words = (w if known is not None and known(w) else english_mode_runs(w) or w for w in text.split())
    return recompose(" ".join(words))


def hangul_to_latin(word: str) -> str | None:
    """A word typed in Korean mode meaning English letters (ㅑㅔㅙㅜㄷ -> iphone), lower-cased.

    Returns None unless every keystroke maps to a key.
    """
    keys = [JAMO_TO_KEY.get(k) for k in keystrokes(word)]
    if not keys or any(k is None for k in keys):
        return None
    return "".join(k for k in keys if k).lower()


def jamo_distance(a: str, b: str) -> int:
    """Optimal-string-alignment edit distance over keystrokes (one jamo = one edit)."""
    return osa_distance(keystrokes(a), keystrokes(b))


def osa_distance(a: str, b: str) -> int:
    """Damerau-Levenshtein distance with adjacent transpositions (OSA variant)."""
    if a == b:
        return 0
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return prev[-1]
