"""Korean text analysis shared by every backend: Kiwi morphemes and surface words.

Both backends analyse text here, on the client side, so an embedded index and an
Elasticsearch index agree on what matches (the ES mapping uses a whitespace analyzer over
these morphemes). Kiwi itself is owned by `searchlm.text` (one instance per process).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from searchlm import text as korean

# Particles, endings, copula, derivational suffixes and punctuation carry no search meaning:
# "삼성의" and "삼성" must match the same documents.
_DROP_TAGS = ("J", "E", "SF", "SP", "SS", "SE", "SO", "VCP", "VCN", "XSV", "XSA")
_WORD = re.compile(r"[^\w]+", re.UNICODE)


def normalize(text: str) -> str:
    """NFC, lower-cased, whitespace runs collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


_CACHE_LIMIT = 500_000
_cache: dict[str, tuple[str, ...]] = {}


def _keep(tokens: Sequence[korean.Token]) -> tuple[str, ...]:
    return tuple(t.form.lower() for t in tokens if not t.tag.startswith(_DROP_TAGS))


def _remember(word: str, forms: tuple[str, ...]) -> tuple[str, ...]:
    if len(_cache) >= _CACHE_LIMIT:
        _cache.clear()  # a rare full reset is cheaper than LRU bookkeeping on every word
    _cache[word] = forms
    return forms


def word_morphemes(word: str) -> tuple[str, ...]:
    """Content morphemes of one whitespace-delimited word (cached)."""
    forms = _cache.get(word)
    if forms is None:
        forms = _remember(word, _keep(korean.tokenize(word)))
    return forms


def morphemes(text: str) -> tuple[str, ...]:
    """Lower-cased content morphemes of `text`, word by word.

    Each word is analysed on its own, so a word gets the same morphemes in a query as in a
    document whatever surrounds it: Kiwi splits unknown names differently in different
    contexts, which would otherwise make a correct rewrite miss its own document.
    """
    return tuple(m for word in normalize(text).split() for m in word_morphemes(word))


def prime(texts: list[str]) -> None:
    """Analyses the unseen words of many texts in one Kiwi batch (fast bulk indexing)."""
    unseen = list(dict.fromkeys(w for t in texts for w in normalize(t).split() if w not in _cache))
    if not unseen:
        return
    analysed = korean.tokenize_many(unseen)
    for word, tokens in zip(unseen, analysed, strict=True):
        _remember(word, _keep(tokens))


def words(text: str) -> list[str]:
    """Surface words of `text`: NFC, lower-cased, split on whitespace, underscores and punctuation."""
    return [w for w in _WORD.split(normalize(text).replace("_", " ")) if w]


@dataclass(frozen=True)
class Analyzer:
    """How a backend turns documents and queries into index terms.

    Attributes:
        document: (title, text) -> terms of the stored document.
        query: query -> terms looked up (for `count` every one must match).
        prime: Bulk warm-up over many texts before `document` is called on each (the
            morpheme analyzer fills its word cache in one Kiwi batch).
    """

    document: Callable[[str, str], tuple[str, ...]]
    query: Callable[[str], tuple[str, ...]]
    prime: Callable[[list[str]], None] = lambda texts: None


def _morpheme_document(title: str, text: str) -> tuple[str, ...]:
    return morphemes(f"{title}\n{text}" if text else title)


def _content_document(title: str, text: str) -> tuple[str, ...]:
    return tuple(korean.content_terms(f"{title}. {text}" if title else text))


def _content_query(query: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(korean.content_terms(query)))  # a repeated word counts once


ANALYZERS: dict[str, Analyzer] = {
    "morphemes": Analyzer(_morpheme_document, morphemes, prime),
    "content": Analyzer(_content_document, _content_query),
}
"""``morphemes``: every non-particle morpheme, word by word (title search, null_query).
``content``: content morphemes of the whole text, verbs as 다-forms (passage search, free_qa)."""


def analyzer(name: str) -> Analyzer:
    """The analyzer registered as `name`.

    Raises:
        ValueError: an unknown name.
    """
    if name not in ANALYZERS:
        raise ValueError(f"unknown analyzer {name!r}; choose from {sorted(ANALYZERS)}")
    return ANALYZERS[name]
