"""SymSpell-style correction of words against the index vocabulary, at the jamo level.

Syllable-level distance is too coarse for Korean: 삼상 -> 삼성 is one syllable but one jamo,
and 갤럭시 -> 걀럭시 is a one-key slip. Words are compared as 2-set keystrokes; candidates come
from a precomputed map of keystroke strings with up to `max_distance` deletions (SymSpell),
then the exact OSA distance is checked. Deletes are taken over a bounded prefix, as SymSpell
does, so memory stays linear in the vocabulary.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations

from services.null_query.hangul import keystrokes, osa_distance


@dataclass(frozen=True)
class Correction:
    """A vocabulary word close to a query word."""

    word: str
    distance: int
    frequency: int


def _deletes(keys: str, max_distance: int) -> set[str]:
    out = {keys}
    for d in range(1, min(max_distance, len(keys)) + 1):
        for drop in combinations(range(len(keys)), d):
            out.add("".join(ch for i, ch in enumerate(keys) if i not in drop))
    return out


class JamoLexicon:
    """Vocabulary words indexed by keystroke deletions.

    Args:
        vocabulary: Word -> document frequency.
        max_distance: Largest keystroke edit distance looked up (1 or 2).
        prefix_length: Keystrokes of each word that deletions are taken over.
        min_keys: Words shorter than this (in keystrokes) are neither corrected nor offered.
    """

    def __init__(
        self,
        vocabulary: Mapping[str, int],
        *,
        max_distance: int = 2,
        prefix_length: int = 9,
        min_keys: int = 3,
    ) -> None:
        if max_distance not in (1, 2):
            raise ValueError("max_distance must be 1 or 2")
        self.frequencies = dict(vocabulary)
        self._max = max_distance
        self._prefix = prefix_length
        self._min_keys = min_keys
        self._keys: dict[str, str] = {}
        self._index: dict[str, list[str]] = {}
        self.add(vocabulary)

    def add(self, vocabulary: Mapping[str, int]) -> None:
        """Adds words (frequencies are summed for known ones)."""
        for word, freq in vocabulary.items():
            if word in self._keys:
                self.frequencies[word] = self.frequencies.get(word, 0) + freq
                continue
            keys = keystrokes(word)
            if len(keys) < self._min_keys:
                continue
            self.frequencies.setdefault(word, freq)
            self._keys[word] = keys
            for variant in _deletes(keys[: self._prefix], self._max):
                self._index.setdefault(variant, []).append(word)

    def __contains__(self, word: object) -> bool:
        return word in self.frequencies

    def allowed_distance(self, keys: str) -> int:
        """Edits allowed for a word of this many keystrokes: 1 for short words, else the max."""
        return 1 if len(keys) < 6 else self._max

    def lookup(self, word: str, *, limit: int = 3) -> list[Correction]:
        """Closest vocabulary words (distance >= 1), nearest then most frequent first."""
        keys = keystrokes(word)
        if len(keys) < self._min_keys:
            return []
        allowed = self.allowed_distance(keys)
        seen: dict[str, int] = {}
        for variant in _deletes(keys[: self._prefix], allowed):
            for candidate in self._index.get(variant, ()):
                if candidate not in seen and candidate != word:
                    seen[candidate] = osa_distance(keys, self._keys[candidate])
        found = [Correction(w, d, self.frequencies[w]) for w, d in seen.items() if 0 < d <= allowed]
        found.sort(key=lambda c: (c.distance, -c.frequency, c.word))
        return found[:limit]

    def known(self, words: Iterable[str]) -> list[bool]:
        """Whether each word is in the vocabulary."""
        return [w in self.frequencies for w in words]
