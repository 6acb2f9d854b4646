"""Sentence and claim splitting with Kiwi (build once per process: ~2 s)."""

from __future__ import annotations

import threading

# Connective endings where a summary sentence carries two claims of its own
# ("맛은 좋지만 양이 적다" claims both), so each clause is checked separately.
_CLAUSE_ENDINGS = frozenset({"지만", "는데", "은데", "으나", "고", "으며", "며"})


class KiwiSplitter:
    """Kiwi sentence splitting; claims are sentences cut after contrastive/listing clauses.

    Args:
        min_clause_chars: A clause shorter than this stays with the next one.
    """

    def __init__(self, *, min_clause_chars: int = 3) -> None:
        try:
            from kiwipiepy import Kiwi
        except ImportError as exc:
            raise ImportError("claim splitting needs: pip install kiwipiepy") from exc
        self._kiwi = Kiwi()
        self._lock = threading.Lock()  # one Kiwi shared by the event loop and NLI threads
        self._min = min_clause_chars

    def sentences(self, text: str) -> list[str]:
        """Kiwi sentences of text."""
        with self._lock:
            return [s.text.strip() for s in self._kiwi.split_into_sents(text) if s.text.strip()]

    def claims(self, text: str) -> list[str]:
        """Sentences cut at clause endings followed by a space (short clauses merged)."""
        return [c for sentence in self.sentences(text) for c in self._clauses(sentence)]

    def _clauses(self, sentence: str) -> list[str]:
        """Clauses, each closed as a plain statement: "맛은 좋지만" -> "맛은 좋다"."""
        with self._lock:
            tokens = self._kiwi.tokenize(sentence)
        parts, start = [], 0
        for i, t in enumerate(tokens):
            end = t.start + t.len
            if t.tag != "EC" or t.form not in _CLAUSE_ENDINGS or sentence[end : end + 1] != " ":
                continue
            if i + 1 < len(tokens) and tokens[i + 1].tag.startswith("VX"):
                continue  # "받고 있다", "살고 싶지 않다": an auxiliary verb continues the clause
            if t.start - start >= self._min and len(sentence) - end >= self._min:
                parts.append(sentence[start : t.start].strip() + "다")
                start = end
        parts.append(sentence[start:].strip())
        return [p for p in parts if p]
