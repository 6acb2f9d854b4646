"""CachingEmbedder: same vectors as the inner embedder, each text embedded once, bounded."""

from __future__ import annotations

import numpy as np
import pytest

from searchlm.embed import CachingEmbedder
from tests.unit.review_summary.fakes import HashEmbedder


class _Counting(HashEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def embed_passages(self, texts):  # type: ignore[no-untyped-def]
        self.texts += list(texts)
        return super().embed_passages(texts)


def test_vectors_equal_the_inner_embedders_and_repeat_texts_are_not_recomputed() -> None:
    inner = _Counting()
    cached = CachingEmbedder(inner)
    first = cached.embed_passages(["배송이 빨라요", "음질이 좋아요", "배송이 빨라요"])
    np.testing.assert_allclose(
        first, HashEmbedder().embed_passages(["배송이 빨라요", "음질이 좋아요", "배송이 빨라요"])
    )
    again = cached.embed_passages(["음질이 좋아요", "새 리뷰"])
    np.testing.assert_allclose(again[0], first[1])
    assert inner.texts == ["배송이 빨라요", "음질이 좋아요", "새 리뷰"]
    assert (cached.hits, cached.misses) == (1, 3) and (cached.model_id, cached.dims) == (
        inner.model_id,
        inner.dims,
    )


def test_queries_and_passages_are_cached_apart_and_the_cache_is_bounded() -> None:
    inner = _Counting()
    cached = CachingEmbedder(inner, max_items=2)
    cached.embed_queries(["a"])
    cached.embed_passages(["a"])
    assert inner.texts == ["a", "a"]  # the fake's queries go through embed_passages: computed apart
    cached.embed_passages(["b", "c"])
    assert len(cached) == 2
    cached.embed_passages(["a"])
    assert inner.texts[-1] == "a"  # evicted, embedded again
    assert cached.embed_passages([]).shape == (0, inner.dims)
    with pytest.raises(ValueError):
        CachingEmbedder(inner, max_items=0)


def test_clear_forgets_every_vector() -> None:
    inner = _Counting()
    cached = CachingEmbedder(inner)
    cached.embed_passages(["배송이 빨라요"])
    cached.clear()
    assert len(cached) == 0
    cached.embed_passages(["배송이 빨라요"])
    assert inner.texts == ["배송이 빨라요", "배송이 빨라요"]
