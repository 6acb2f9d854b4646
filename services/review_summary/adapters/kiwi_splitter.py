"""Sentence and claim splitting for review_summary, on the shared Kiwi of `searchlm.text`."""

from __future__ import annotations

from searchlm import text as korean


class KiwiSplitter:
    """Kiwi sentence splitting; claims are sentences cut after contrastive/listing clauses.

    Args:
        min_clause_chars: A clause shorter than this stays with the next one.
    """

    def __init__(self, *, min_clause_chars: int = 3) -> None:
        self._min = min_clause_chars

    def sentences(self, text: str) -> list[str]:
        """Kiwi sentences of text."""
        return korean.sentences(text)

    def claims(self, text: str) -> list[str]:
        """Sentences cut at clause endings followed by a space (short clauses merged)."""
        return [c for sentence in self.sentences(text) for c in korean.clauses(sentence, min_chars=self._min)]
