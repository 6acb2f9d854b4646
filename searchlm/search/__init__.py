"""Search backends shared by the services: the `SearchBackend` protocol, an embedded
Kiwi-morpheme BM25 index (default) and Elasticsearch; `python -m searchlm.search build`."""

from searchlm.search.protocol import SearchBackend
from searchlm.search.registry import BACKENDS, BackendConfig, open_backend
from searchlm.search.types import Document, SearchHit

__all__ = ["BACKENDS", "BackendConfig", "Document", "SearchBackend", "SearchHit", "open_backend"]
