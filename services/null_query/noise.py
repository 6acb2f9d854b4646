"""Seeded query noise for the benchmark: spacing, split jamo, keyboard layout, jamo typos.

Each function takes a clean query and a `random.Random` and returns the noisy form, or
None when the noise does not apply (e.g. keyboard noise on a query without Hangul).
"""

from __future__ import annotations

import random
from collections.abc import Callable

from services.null_query import hangul

# Jamo a finger slips to on the 2-set keyboard (neighbouring keys and shift slips).
_SLIPS = {
    "ㅂ": "ㅈㅁㅃ", "ㅈ": "ㅂㄷㄴㅉ", "ㄷ": "ㅈㄱㅇㄸ", "ㄱ": "ㄷㅅㄹㄲ", "ㅅ": "ㄱㅎㅆ", "ㅁ": "ㄴㅂㅋ",
    "ㄴ": "ㅁㅇㅈ", "ㅇ": "ㄴㄹㄷ", "ㄹ": "ㅇㅎㄱ", "ㅎ": "ㄹㅅㅗ", "ㅋ": "ㅌㅁ", "ㅌ": "ㅋㅊ", "ㅊ": "ㅌㅍ",
    "ㅍ": "ㅊㅠ", "ㅛ": "ㅕㅗ", "ㅕ": "ㅛㅑㅓ", "ㅑ": "ㅕㅐㅏ", "ㅐ": "ㅑㅔㅒ", "ㅔ": "ㅐㅖ", "ㅗ": "ㅓㅛ",
    "ㅓ": "ㅗㅏㅕ", "ㅏ": "ㅓㅣㅑ", "ㅣ": "ㅏ", "ㅠ": "ㅜ", "ㅜ": "ㅠㅡ", "ㅡ": "ㅜ",
}  # fmt: skip


def spacing(text: str, rng: random.Random) -> str | None:
    """A space removed (multi-word) or inserted inside a word of 2+ syllables."""
    words = text.split()
    long_words = [i for i, w in enumerate(words) if len(w) >= 2]
    if len(words) > 1 and (not long_words or rng.random() < 0.6):
        i = rng.randrange(len(words) - 1)
        return " ".join([*words[:i], words[i] + words[i + 1], *words[i + 2 :]])
    if not long_words:
        return None
    i = rng.choice(long_words)
    cut = rng.randrange(1, len(words[i]))
    return " ".join([*words[:i], words[i][:cut], words[i][cut:], *words[i + 1 :]])


def split_jamo(text: str, rng: random.Random) -> str | None:
    """One or two syllables written as loose jamo keystrokes (삼성 -> ㅅㅏㅁ성)."""
    positions = [i for i, ch in enumerate(text) if hangul.is_syllable(ch)]
    if not positions:
        return None
    chosen = set(rng.sample(positions, min(len(positions), rng.choice((1, 2)))))
    return "".join(hangul.keystrokes(ch) if i in chosen else ch for i, ch in enumerate(text))


def keyboard(text: str, rng: random.Random) -> str | None:
    """Hangul typed with the keyboard in English mode (삼성 -> tkatjd)."""
    if not any(hangul.is_syllable(ch) for ch in text):
        return None
    return "".join(hangul.JAMO_TO_KEY.get(k, k) for k in hangul.keystrokes(text))


def _slip(ch: str, rng: random.Random) -> str | None:
    cho, jung, jong = hangul.decompose(ch)
    slot = rng.choice(("cho", "jung", "jong"))
    if slot == "jong":
        options = [j for j in hangul.JONG if j != jong and (not j or j in _SLIPS.get(jong, j))]
        new = rng.choice(options) if jong else rng.choice([j for j in hangul.JONG if j])
        return hangul.compose(cho, jung, new) if new != jong else None
    source = cho if slot == "cho" else jung
    options = [j for j in _SLIPS.get(source, "") if j in (hangul.CHO if slot == "cho" else hangul.JUNG)]
    if not options:
        return None
    new = rng.choice(options)
    return hangul.compose(new, jung, jong) if slot == "cho" else hangul.compose(cho, new, jong)


def jamo_typos(text: str, rng: random.Random, count: int) -> str | None:
    """`count` one-jamo slips in distinct syllables (삼성 -> 삼상)."""
    positions = [i for i, ch in enumerate(text) if hangul.is_syllable(ch)]
    if len(positions) < count:
        return None
    chars = list(text)
    for i in rng.sample(positions, count):
        for _ in range(10):
            slipped = _slip(chars[i], rng)
            if slipped:
                chars[i] = slipped
                break
        else:
            return None
    noisy = "".join(chars)
    return noisy if noisy != text else None


NOISES: dict[str, Callable[[str, random.Random], str | None]] = {
    "spacing": spacing,
    "jamo": split_jamo,
    "keyboard": keyboard,
    "typo1": lambda t, r: jamo_typos(t, r, 1),
    "typo2": lambda t, r: jamo_typos(t, r, 2),
}
