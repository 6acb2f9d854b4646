"""Aspects merged by lemma, by listed synonyms (배송 = 택배, 가격 = 가성비) and by embedding
similarity.

Aspects are tried most-mentioned first; each joins the first earlier head whose e5 vector is
at least `threshold` cosine away, or becomes a head itself. Spacing never separates two
aspects ("배터리 수명" = "배터리수명"). Only distinct aspect words are embedded (a few dozen a
request), through the service's caching embedder.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from searchlm.embed import Embedder
from services.review_summary import lexicon

DEFAULT_THRESHOLD = 0.94
"""Cosine at or above which two aspect words are one aspect (e5 query vectors of the words):
near-identical words only (포장/포장상태 0.94); synonyms come from `lexicon.ASPECT_SYNONYMS`."""


def spacing_free(text: str) -> str:
    """The text without whitespace ("배터리 수명" -> "배터리수명")."""
    return "".join(text.split())


def lemma_key(aspect: str) -> str:
    """Spacing-free key of an aspect phrase, mapped to its listed synonym group's first word."""
    key = spacing_free(aspect)
    return lexicon.ASPECT_CANON.get(key, key)


class AspectGrouper:
    """Maps aspect phrases to the head of their group.

    Args:
        embedder: e5 embeddings of the aspect words (the service's caching embedder, so a
            word is embedded once per process).
        threshold: Cosine at or above which two aspects merge.
    """

    def __init__(self, embedder: Embedder, *, threshold: float = DEFAULT_THRESHOLD) -> None:
        if not 0.0 < threshold <= 1.0:
            raise ValueError("threshold must be in (0, 1]")
        self._embedder = embedder
        self._threshold = threshold

    def heads(self, aspects_by_count: Sequence[str]) -> dict[str, str]:
        """Aspect -> its group's head, for aspects given most-mentioned first ("" maps to "")."""
        first_form: dict[str, str] = {}
        for a in aspects_by_count:
            if a:
                key = lemma_key(a)
                if first_form.setdefault(key, a) != a and key in lexicon.UMBRELLA_WORDS:
                    first_form[key] = key  # 아들 and 조카 in one group: said as 아이
        keys = list(first_form)
        vectors = self._vectors(keys)
        head_of: dict[str, str] = {}
        heads: list[int] = []
        for i, key in enumerate(keys):
            sims = [float(vectors[i] @ vectors[h]) for h in heads]
            best = int(np.argmax(sims)) if sims else -1
            if best >= 0 and sims[best] >= self._threshold:
                head_of[key] = keys[heads[best]]
            else:
                heads.append(i)
                head_of[key] = key
        out = {a: first_form[head_of[lemma_key(a)]] for a in aspects_by_count if a}
        out[""] = ""
        return out

    def _vectors(self, keys: Sequence[str]) -> np.ndarray:
        if not keys:
            return np.zeros((0, self._embedder.dims), dtype=np.float32)
        vectors = np.asarray(self._embedder.embed_queries(keys), dtype=np.float32)
        return vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
