"""`SearchBackend` on Elasticsearch with the official client (production).

Korean-friendly mapping that works the same on any Elasticsearch (no analysis plugin
needed): Kiwi morphemes are computed here, on the client, and stored in `morphs`, which is
analysed by whitespace + lowercase; queries are analysed the same way, so counts agree with
the embedded backend. `title` and `text` keep the original strings (standard analyzer) and
`words` holds the title's surface words as keywords for the correction vocabulary (a terms
aggregation). Swap `morphs` for an `analysis-nori` analyzer if the cluster has the plugin.

The client is synchronous; calls run in a worker thread so the event loop never blocks.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from searchlm.errors import UpstreamUnavailableError
from searchlm.search import analysis
from searchlm.search.types import Document, SearchHit

T = TypeVar("T")

SETTINGS: dict[str, Any] = {
    "analysis": {
        "analyzer": {"morphemes": {"type": "custom", "tokenizer": "whitespace", "filter": ["lowercase"]}}
    }
}
MAPPINGS: dict[str, Any] = {
    "properties": {
        "title": {"type": "text"},
        "text": {"type": "text"},
        "morphs": {"type": "text", "analyzer": "morphemes"},
        "words": {"type": "keyword"},
        "extra": {"type": "object", "enabled": False},
    }
}


def _body(doc: Document, analyzer: analysis.Analyzer) -> dict[str, Any]:
    return {
        "title": doc.title,
        "text": doc.text,
        "morphs": " ".join(analyzer.document(doc.title, doc.text)),
        "words": list(dict.fromkeys(analysis.words(doc.title))),
        "extra": doc.extra,
    }


class ElasticsearchBackend:
    """`SearchBackend` over one Elasticsearch index.

    Args:
        url: Cluster URL, e.g. "http://127.0.0.1:9200".
        index: Index name; created with the mapping above on first write.
        vocabulary_size: Most title words read back by `vocabulary`.
        client: An `elasticsearch.Elasticsearch` to use instead of building one (tests).
        analyzer: A key of `analysis.ANALYZERS`; terms are computed here, on the client.
    """

    def __init__(
        self,
        url: str,
        index: str,
        *,
        vocabulary_size: int = 100_000,
        client: Any | None = None,
        analyzer: str = "morphemes",
    ) -> None:
        self._analyzer = analysis.analyzer(analyzer)
        if client is None:
            try:
                from elasticsearch import Elasticsearch
            except ImportError as exc:
                raise ImportError("the elasticsearch backend needs: pip install 'elasticsearch>=9'") from exc
            client = Elasticsearch(url, request_timeout=10)
        self._es = client
        self._index = index
        self._vocabulary_size = vocabulary_size

    async def _call(self, fn: Callable[[], T]) -> T:
        try:
            return await asyncio.to_thread(fn)
        except Exception as exc:  # any transport or API error of the client
            raise UpstreamUnavailableError(f"elasticsearch {self._index}: {exc}") from exc

    def _query(self, query: str, operator: str) -> dict[str, Any]:
        text = " ".join(self._analyzer.query(query))
        return {"match": {"morphs": {"query": text, "operator": operator}}}

    async def count(self, query: str) -> int:
        """Documents containing every content morpheme of `query`."""
        if not self._analyzer.query(query):
            return 0
        body = self._query(query, "and")
        reply = await self._call(lambda: self._es.count(index=self._index, query=body))
        return int(reply["count"])

    async def search(self, query: str, k: int = 10) -> list[SearchHit]:
        """Top-`k` documents by the cluster's BM25."""
        if not self._analyzer.query(query):
            return []
        body = self._query(query, "or")
        reply = await self._call(
            lambda: self._es.search(index=self._index, query=body, size=k, source_includes=["title"])
        )
        return [
            SearchHit(h["_id"], h["_source"].get("title", ""), float(h["_score"]))
            for h in reply["hits"]["hits"]
        ]

    async def ensure_index(self) -> None:
        """Creates the index with the Korean mapping when it does not exist."""

        def create() -> None:
            if not self._es.indices.exists(index=self._index):
                self._es.indices.create(index=self._index, settings=SETTINGS, mappings=MAPPINGS)

        await self._call(create)

    async def index(self, documents: Iterable[Document]) -> int:
        """Bulk-indexes documents (same id: replaced) and refreshes."""
        from elasticsearch import helpers

        docs = list(documents)
        self._analyzer.prime([f"{d.title} {d.text}" for d in docs])
        actions = [{"_index": self._index, "_id": d.id, "_source": _body(d, self._analyzer)} for d in docs]
        if not actions:
            return 0
        await self.ensure_index()
        written, _ = await self._call(lambda: helpers.bulk(self._es, actions, refresh=True))
        return int(written)

    async def vocabulary(self) -> Mapping[str, int]:
        """Title words with document frequencies (terms aggregation on `words`)."""
        aggs = {"words": {"terms": {"field": "words", "size": self._vocabulary_size}}}
        reply = await self._call(lambda: self._es.search(index=self._index, size=0, aggs=aggs))
        return {b["key"]: int(b["doc_count"]) for b in reply["aggregations"]["words"]["buckets"]}

    async def close(self) -> None:
        """Closes the client's connections."""
        await asyncio.to_thread(self._es.close)
