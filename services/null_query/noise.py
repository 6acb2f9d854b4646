"""Seeded query noise: spacing, split jamo, keyboard layout, jamo typos, and training-only noise.

Each function takes a clean query and a `random.Random` and returns the noisy form, or
None when the noise does not apply (e.g. keyboard noise on a query without Hangul).

`NOISES` is what the benchmark measures; `TRAINING_NOISES` (pronunciation spellings, a
dropped syllable, two syllables swapped) only widens the adapter's training data
(`services/null_query/tuning.py`), so the benchmark's noise types stay as they were.
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


# A final ㄷ/ㅌ carried onto 이 is said ㅈ/ㅊ (구개음화).
_PALATAL = {"ㄷ": "ㅈ", "ㅌ": "ㅊ"}


def _liaison_pair(first: str, second: str) -> tuple[str, str] | None:
    """The two syllables as pronounced when `second` starts with a silent ㅇ, or None."""
    cho, jung, jong = hangul.decompose(first)
    next_cho, next_jung, next_jong = hangul.decompose(second)
    if next_cho != "ㅇ" or not jong or jong == "ㅇ":
        return None
    keys = hangul.keystrokes(jong)
    if keys[-1] == "ㅎ":  # ㅎ is silent before a vowel: 좋아 -> 조아, 많아 -> 마나
        keep, moved = "", (keys[0] if len(keys) == 2 else "ㅇ")
    elif len(keys) == 2:  # a cluster keeps its first consonant: 읽어 -> 일거
        keep, moved = keys[0], keys[1]
    else:  # a single or tense final moves whole: 먹어 -> 머거, 있어 -> 이써
        keep, moved = "", jong
    if next_jung == "ㅣ" and moved in _PALATAL:  # palatalised: 같이 -> 가치, 굳이 -> 구지
        moved = _PALATAL[moved]
    return hangul.compose(cho, jung, keep), hangul.compose(moved, next_jung, next_jong)


def liaison(text: str, rng: random.Random) -> str | None:
    """Written as pronounced: finals carried onto a following ㅇ (먹었어 -> 머거써, 읽어 -> 일거).

    Every liaison site inside a word is spelled out, as people who type by ear do; `rng` is
    unused (the spelling is determined) but kept for the common signature.
    """
    chars = list(text)
    for i in range(len(chars) - 1):
        if hangul.is_syllable(chars[i]) and hangul.is_syllable(chars[i + 1]):
            pair = _liaison_pair(chars[i], chars[i + 1])
            if pair:
                chars[i], chars[i + 1] = pair
    noisy = "".join(chars)
    return noisy if noisy != text else None


def _syllable_runs(text: str, min_len: int) -> list[tuple[int, int]]:
    """(start, end) of the runs of Hangul syllables at least `min_len` long."""
    runs, start = [], None
    for i, ch in enumerate([*text, " "]):
        if hangul.is_syllable(ch):
            start = i if start is None else start
        elif start is not None:
            if i - start >= min_len:
                runs.append((start, i))
            start = None
    return runs


def drop_syllable(text: str, rng: random.Random) -> str | None:
    """One syllable left out of a Hangul word of 3+ syllables (갤럭시 -> 갤시)."""
    runs = _syllable_runs(text, 3)
    if not runs:
        return None
    start, end = rng.choice(runs)
    i = rng.randrange(start, end)
    return text[:i] + text[i + 1 :]


def swap_syllables(text: str, rng: random.Random) -> str | None:
    """Two adjacent, different syllables of a Hangul word swapped (갤럭시 -> 갤시럭)."""
    sites = [
        i for start, end in _syllable_runs(text, 2) for i in range(start, end - 1) if text[i] != text[i + 1]
    ]
    if not sites:
        return None
    i = rng.choice(sites)
    return text[:i] + text[i + 1] + text[i] + text[i + 2 :]


TRAINING_NOISES: dict[str, Callable[[str, random.Random], str | None]] = {
    "liaison": liaison,
    "drop_syllable": drop_syllable,
    "swap_syllables": swap_syllables,
}
