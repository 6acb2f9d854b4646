"""Backends by name, imported only when chosen (the elasticsearch client loads only for it)."""

from __future__ import annotations

import importlib
from dataclasses import dataclass

from searchlm.search.protocol import SearchBackend

BACKENDS: dict[str, str] = {
    "embedded": "searchlm.search.registry:_open_embedded",
    "elasticsearch": "searchlm.search.registry:_open_elasticsearch",
}


@dataclass(frozen=True)
class BackendConfig:
    """Where an index lives.

    Attributes:
        kind: A key of `BACKENDS`.
        path: Embedded index folder ("" keeps it in memory).
        url: Elasticsearch URL.
        index: Elasticsearch index name.
    """

    kind: str = "embedded"
    path: str = ""
    url: str = "http://127.0.0.1:9200"
    index: str = "searchlm"

    def __post_init__(self) -> None:
        if self.kind not in BACKENDS:
            raise ValueError(f"unknown search backend {self.kind!r}; choose from {sorted(BACKENDS)}")


def open_backend(config: BackendConfig) -> SearchBackend:
    """Builds the backend named by `config.kind`."""
    module, _, name = BACKENDS[config.kind].partition(":")
    factory = getattr(importlib.import_module(module), name)
    backend: SearchBackend = factory(config)
    return backend


def _open_embedded(config: BackendConfig) -> SearchBackend:
    from searchlm.search.embedded import EmbeddedBm25Backend

    return EmbeddedBm25Backend(config.path or None)


def _open_elasticsearch(config: BackendConfig) -> SearchBackend:
    from searchlm.search.elastic import ElasticsearchBackend

    return ElasticsearchBackend(config.url, config.index)
