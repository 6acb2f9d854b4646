"""Korean morphemes and sentences from Kiwi, built once per process on first use."""

from __future__ import annotations

import functools
from typing import Any

from eval.errors import EvalError

# Kiwi tags for punctuation and symbols (SF . ? !, SP , / :, SS quotes and
# brackets, SE ellipsis, SO hyphens, SW other symbols). Dropped so that ROUGE
# and claim splitting are not driven by punctuation; SL (Latin), SH (Hanja)
# and SN (numbers) carry content and stay.
_PUNCTUATION_TAGS = frozenset({"SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "SW"})


@functools.cache
def get_kiwi() -> Any:
    """Return the process-wide ``kiwipiepy.Kiwi`` (construction takes ~2 s)."""
    try:
        from kiwipiepy import Kiwi
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise EvalError("Korean text needs Kiwi: pip install kiwipiepy") from exc
    return Kiwi()


def morphemes(text: str) -> list[str]:
    """Return lower-cased morpheme surface forms of ``text``, without punctuation."""
    if not text.strip():
        return []
    tokens = get_kiwi().tokenize(text)
    return [token.form.lower() for token in tokens if token.tag not in _PUNCTUATION_TAGS]


def split_sentences(text: str) -> list[str]:
    """Split Korean text into sentences with Kiwi's sentence splitter."""
    if not text.strip():
        return []
    sentences = get_kiwi().split_into_sents(text)
    return [sentence.text.strip() for sentence in sentences if sentence.text.strip()]


class KiwiTokenizer:
    """rouge-score tokenizer (duck-typed ``tokenize``) producing Kiwi morphemes.

    rouge-score's default tokenizer keeps only ``[a-z0-9]``, so Korean text
    becomes empty and every score is silently 0; this one keeps Hangul.
    """

    def tokenize(self, text: str) -> list[str]:
        """Split ``text`` into morpheme tokens."""
        return morphemes(text)
