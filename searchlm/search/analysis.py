"""Korean text analysis shared by every backend: Kiwi morphemes and surface words.

Both backends analyse text here, on the client side, so an embedded index and an
Elasticsearch index agree on what matches (the ES mapping uses a whitespace analyzer over
these morphemes). Kiwi takes ~2 s to build: one instance per process, behind a lock.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from typing import Any

# Particles, endings, copula, derivational suffixes and punctuation carry no search meaning:
# "삼성의" and "삼성" must match the same documents.
_DROP_TAGS = ("J", "E", "SF", "SP", "SS", "SE", "SO", "VCP", "VCN", "XSV", "XSA")
_WORD = re.compile(r"[^\w]+", re.UNICODE)
_lock = threading.RLock()


@functools.cache
def shared_kiwi() -> Any:
    """The process-wide Kiwi instance (built on first use, ~2 s).

    Raises:
        ImportError: with an install hint when kiwipiepy is missing.
    """
    try:
        from kiwipiepy import Kiwi
    except ImportError as exc:  # pragma: no cover - kiwipiepy is in the cpu extra
        raise ImportError("searchlm.search needs kiwipiepy: pip install kiwipiepy") from exc
    return Kiwi()


def kiwi_lock() -> threading.RLock:
    """Lock to hold around any call on `shared_kiwi()` (it is not thread-safe)."""
    return _lock


def normalize(text: str) -> str:
    """NFC, lower-cased, whitespace runs collapsed."""
    return " ".join(unicodedata.normalize("NFC", text).lower().split())


_CACHE_LIMIT = 500_000
_cache: dict[str, tuple[str, ...]] = {}


def _keep(tokens: Any) -> tuple[str, ...]:
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
        with _lock:
            forms = _remember(word, _keep(shared_kiwi().tokenize(word)))
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
    with _lock:
        analysed = list(shared_kiwi().tokenize(unseen))
    for word, tokens in zip(unseen, analysed, strict=True):
        _remember(word, _keep(tokens))


def words(text: str) -> list[str]:
    """Surface words of `text`: NFC, lower-cased, split on whitespace, underscores and punctuation."""
    return [w for w in _WORD.split(normalize(text).replace("_", " ")) if w]
