"""Language-specific text helpers (tokenisers, sentence splitters), loaded lazily."""

from __future__ import annotations

from collections.abc import Callable

#: Sentence splitters by language; dotted so Kiwi (2 s to build) loads only for ``ko``.
SENTENCE_SPLITTERS: dict[str, str] = {
    "ko": "eval.text.kiwi:split_sentences",
    "en": "eval.text.english:split_sentences",
}

LANGUAGES = tuple(SENTENCE_SPLITTERS)


def sentence_splitter(lang: str) -> Callable[[str], list[str]]:
    """Return the sentence splitter for ``lang`` (``ko`` or ``en``)."""
    if lang not in SENTENCE_SPLITTERS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    from searchlm.registry import load_object  # eval imports searchlm only when it runs

    splitter: Callable[[str], list[str]] = load_object(SENTENCE_SPLITTERS[lang])
    return splitter
