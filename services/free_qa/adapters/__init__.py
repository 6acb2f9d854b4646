"""Adapters of free_qa: embedders, FAISS and BM25 indexes, the index store (heavy imports live here)."""
