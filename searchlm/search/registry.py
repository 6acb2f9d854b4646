"""Backends by name, imported only when chosen (the elasticsearch client loads only for it)."""

from __future__ import annotations

from dataclasses import dataclass

from searchlm.registry import load
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
        analyzer: How documents and queries become terms (`analysis.ANALYZERS`): ``morphemes``
            for titles (null_query), ``content`` for passages (free_qa).
        k1: BM25 term-frequency saturation (embedded; a cluster uses its own similarity,
            Elasticsearch's default is 1.2).
        b: BM25 length normalisation (embedded; Elasticsearch's default is 0.75).
    """

    kind: str = "embedded"
    path: str = ""
    url: str = "http://127.0.0.1:9200"
    index: str = "searchlm"
    analyzer: str = "morphemes"
    k1: float = 1.5
    b: float = 0.75

    def __post_init__(self) -> None:
        if self.kind not in BACKENDS:
            raise ValueError(f"unknown search backend {self.kind!r}; choose from {sorted(BACKENDS)}")


def open_backend(config: BackendConfig) -> SearchBackend:
    """Builds the backend named by `config.kind`."""
    factory = load(config.kind, BACKENDS, kind="search backend", allow_paths=False)
    backend: SearchBackend = factory(config)
    return backend


def _open_embedded(config: BackendConfig) -> SearchBackend:
    from searchlm.search.embedded import EmbeddedBm25Backend

    return EmbeddedBm25Backend(config.path or None, analyzer=config.analyzer, k1=config.k1, b=config.b)


def _open_elasticsearch(config: BackendConfig) -> SearchBackend:
    from searchlm.search.elastic import ElasticsearchBackend

    return ElasticsearchBackend(config.url, config.index, analyzer=config.analyzer)
