"""Kiwi-based repairs: spacing correction and typo-tolerant morpheme analysis.

Uses the process-wide Kiwi of `searchlm.text` (built once, ~2 s). Kiwi builds
its typo model on the first typo-tolerant call (~6 s), so `warm` runs both at start-up,
never inside a request.
"""

from __future__ import annotations

from searchlm import text as korean
from services.null_query import hangul

TYPO_MODEL = "basic_with_continual_and_lengthening"


class KiwiRepairs:
    """Spacing and typo repairs of a query.

    Args:
        typo_model: Kiwi typo set name for typo-tolerant analysis ("" disables it).
        typo_candidates: Analyses read per query.
    """

    def __init__(self, *, typo_model: str = TYPO_MODEL, typo_candidates: int = 3) -> None:
        self._typo_model = typo_model
        self._n = typo_candidates

    def warm(self) -> None:
        """Loads Kiwi and its typo model now (start-up), not in the first request."""
        self.spaced("삼성갤럭시")
        self.typo_fixes("안녕하셰요")

    def spaced(self, text: str) -> list[str]:
        """Kiwi's spacing of `text`, keeping its spaces and from scratch (deduplicated)."""
        kept = korean.space(text, reset_whitespace=False)
        reset = korean.space(text, reset_whitespace=True)
        return list(dict.fromkeys([kept, reset]))

    def typo_fixes(self, text: str) -> list[str]:
        """Surface forms of the best typo-tolerant analyses that differ from `text`."""
        if not self._typo_model:
            return []
        analyses = korean.analyze(text, top_n=self._n, typos=self._typo_model)
        joined = [korean.join([(t.form, t.tag) for t in tokens]) for tokens, _ in analyses]
        return [t for t in dict.fromkeys(joined) if t and t != text]


def related(query: str, rewrite: str) -> bool:
    """Whether a rewrite has any relation to the query it rewrites.

    Related: the keystrokes (after reading English-mode words as Hangul) are within an edit
    distance of half the longer string, or the two share a content morpheme (Kiwi). An LM
    rewrite with neither ("tkatjd roffjrtl" -> "커피머신") only happens to hit the index.
    """
    fixed = hangul.retyped(query)
    a = hangul.keystrokes(fixed).replace(" ", "")
    b = hangul.keystrokes(rewrite).replace(" ", "")
    if hangul.osa_distance(a, b) <= max(len(a), len(b)) // 2:
        return True
    return bool(set(korean.content_terms(fixed)) & set(korean.content_terms(rewrite)))
