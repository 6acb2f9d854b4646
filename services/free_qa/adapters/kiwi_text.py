"""Kiwi-based Korean text tools: sentence splitting, BM25 terms and morphemes (one Kiwi per process)."""

from __future__ import annotations

import functools
import threading
from typing import Any

from services.free_qa.types import Morpheme

# Content morphemes: nouns, verb/adjective stems, roots, foreign words, numbers. Particles and
# endings are dropped, which is what makes "세종대왕은" and "세종대왕이" the same term.
_KEEP_TAGS = ("NN", "NP", "NR", "VV", "VA", "XR", "SL", "SN", "SH", "MM", "MAG")
_lock = threading.Lock()


@functools.cache
def _kiwi() -> Any:
    try:
        from kiwipiepy import Kiwi
    except ImportError as exc:  # pragma: no cover - kiwipiepy is in the cpu extra
        raise ImportError("free_qa needs kiwipiepy: pip install kiwipiepy") from exc
    return Kiwi()


def split_sentences(text: str) -> list[str]:
    """Korean sentences of a text, in order."""
    with _lock:
        return [s.text.strip() for s in _kiwi().split_into_sents(text) if s.text.strip()]


def terms(text: str) -> list[str]:
    """BM25 terms of a text: lower-cased content morphemes (verbs get 다 so 만들/만든 meet)."""
    with _lock:
        tokens = _kiwi().tokenize(text)
    out = []
    for token in tokens:
        if token.tag.startswith(_KEEP_TAGS):
            form = token.form.lower()
            out.append(form + "다" if token.tag in ("VV", "VA") else form)
    return out


def terms_batch(texts: list[str]) -> list[list[str]]:
    """`terms` of many texts."""
    return [terms(text) for text in texts]


def morphemes(text: str) -> list[Morpheme]:
    """Tagged morphemes of a text with character offsets (candidate answer spans are cut from them)."""
    with _lock:
        tokens = _kiwi().tokenize(text)
    return [Morpheme(t.form, t.tag, t.start, t.start + t.len) for t in tokens]
