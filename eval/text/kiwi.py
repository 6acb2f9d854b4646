"""Korean morphemes and sentences from the process-wide Kiwi of `searchlm.text`."""

from __future__ import annotations

import functools
from types import ModuleType

from eval.errors import EvalError

# Kiwi tags for punctuation and symbols (SF . ? !, SP , / :, SS quotes and
# brackets, SE ellipsis, SO hyphens, SW other symbols). Dropped so that ROUGE
# and claim splitting are not driven by punctuation; SL (Latin), SH (Hanja)
# and SN (numbers) carry content and stay.
_PUNCTUATION_TAGS = frozenset({"SF", "SP", "SS", "SSO", "SSC", "SE", "SO", "SW"})


@functools.cache
def _korean() -> ModuleType:
    """`searchlm.text`, its Kiwi built (~2 s, once per process); a missing kiwipiepy is a user error."""
    from searchlm import text  # imported when Korean text is first met: eval.cli loads no searchlm

    try:
        text.warm()
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise EvalError(str(exc)) from exc
    return text


def morphemes(text: str) -> list[str]:
    """Return lower-cased morpheme surface forms of ``text``, without punctuation."""
    if not text.strip():
        return []
    tokens = _korean().tokenize(text)
    return [token.form.lower() for token in tokens if token.tag not in _PUNCTUATION_TAGS]


def split_sentences(text: str) -> list[str]:
    """Split Korean text into sentences with Kiwi's sentence splitter."""
    if not text.strip():
        return []
    found: list[str] = _korean().sentences(text)
    return found


class KiwiTokenizer:
    """rouge-score tokenizer (duck-typed ``tokenize``) producing Kiwi morphemes.

    rouge-score's default tokenizer keeps only ``[a-z0-9]``, so Korean text
    becomes empty and every score is silently 0; this one keeps Hangul.
    """

    def tokenize(self, text: str) -> list[str]:
        """Split ``text`` into morpheme tokens."""
        return morphemes(text)
