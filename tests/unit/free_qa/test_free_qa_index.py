"""Ingest, index store, manifest check and FAISS index types (fake embedder, real FAISS and Kiwi)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from services.free_qa.adapters.faiss_index import FaissIndex, choose_index_type
from services.free_qa.adapters.store import IndexStore
from services.free_qa.chunking import ChunkingConfig
from services.free_qa.ingest import ingest
from services.free_qa.manifest import IndexMismatchError
from services.free_qa.sources import read_passages
from tests.unit.free_qa.fakes import ENCYCLOPEDIA, FakeEmbedder


def test_ingest_is_incremental_and_records_a_manifest(tmp_path: Path) -> None:
    store = IndexStore(tmp_path / "index")
    first = ingest(store, ENCYCLOPEDIA[:4], FakeEmbedder(), chunking=ChunkingConfig(), progress=False)
    assert (first.added_passages, first.index_type) == (4, "flat")
    manifest = store.manifest()
    again = ingest(store, ENCYCLOPEDIA, FakeEmbedder(), chunking=ChunkingConfig(), progress=False)
    assert again.added_passages == len(ENCYCLOPEDIA) - 4
    after = store.manifest()
    assert after.n_passages == len(ENCYCLOPEDIA) and after.corpus_sha256 != manifest.corpus_sha256
    assert (after.embedder_model, after.dims) == ("fake-embedder", 64)
    retriever = store.open_retriever(FakeEmbedder(), use_gpu=False)
    assert retriever.retrieve("버락 오바마 그래미", 3)[0].passage.id == "obama"
    assert (
        ingest(store, ENCYCLOPEDIA, FakeEmbedder(), chunking=ChunkingConfig(), progress=False).added_passages
        == 0
    )


def test_a_different_query_embedder_is_refused(tmp_path: Path) -> None:
    store = IndexStore(tmp_path)
    ingest(store, ENCYCLOPEDIA, FakeEmbedder(), chunking=ChunkingConfig(), progress=False)
    with pytest.raises(IndexMismatchError, match=r"fake-embedder.*other-model"):
        store.open_retriever(FakeEmbedder("other-model"), use_gpu=False)
    with pytest.raises(IndexMismatchError):
        ingest(store, ENCYCLOPEDIA, FakeEmbedder("x", dims=32), chunking=ChunkingConfig(), progress=False)


def test_sources_read_jsonl_and_squad(tmp_path: Path) -> None:
    jsonl = tmp_path / "p.jsonl"
    jsonl.write_text(
        '{"id": "a", "title": "T", "text": "본문"}\n\n{"id": "a", "title": "T", "text": "중복"}\n'
    )
    assert [(p.id, p.text) for p in read_passages(jsonl)] == [("a", "본문")]
    squad = tmp_path / "s.json"
    squad.write_text(
        json.dumps({"data": [{"title": "임종석", "paragraphs": [{"context": "x"}, {"context": "y"}]}]})
    )
    assert [p.id for p in read_passages(squad)] == ["임종석#0", "임종석#1"]


def test_index_type_follows_corpus_size_unless_overridden() -> None:
    assert choose_index_type(1_000) == "flat"
    assert choose_index_type(500_000) == "hnsw"
    assert choose_index_type(5_000_000) == "ivfpq"
    assert choose_index_type(10, "hnsw") == "hnsw"
    with pytest.raises(ValueError):
        choose_index_type(10, "annoy")


@pytest.mark.parametrize("kind", ["flat", "hnsw", "ivfpq"])
def test_faiss_index_types_find_the_exact_neighbour(kind: str, tmp_path: Path) -> None:
    faiss = pytest.importorskip("faiss")
    faiss.omp_set_num_threads(1)  # OpenMP spinning on a shared 2-core machine costs more than it gains
    rng = np.random.default_rng(0)
    vectors = rng.standard_normal((1200, 64)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index, params = FaissIndex.build(vectors, kind, use_gpu=False)
    index.save(tmp_path / "i.faiss")
    loaded = FaissIndex.load(tmp_path / "i.faiss", params, use_gpu=False)
    hits = loaded.search(vectors[:20], 5)
    assert sum(h[0].chunk_index == i for i, h in enumerate(hits)) >= 18


def test_bm25_through_the_shared_searchlm_search_backend(tmp_path: Path) -> None:
    pytest.importorskip("bm25s", reason="searchlm.search's embedded backend needs bm25s")
    store = IndexStore(tmp_path)
    config = ChunkingConfig()
    ingest(
        store,
        ENCYCLOPEDIA[:3],
        FakeEmbedder(),
        chunking=config,
        progress=False,
        sparse_kind="searchlm-embedded",
    )
    ingest(store, ENCYCLOPEDIA, FakeEmbedder(), chunking=config, progress=False)  # incremental add
    assert store.manifest().sparse == "searchlm-embedded" and (tmp_path / "search").is_dir()
    retriever = store.open_retriever(FakeEmbedder(), use_gpu=False)
    top = retriever.retrieve("버락 오바마 그래미 상", 3)[0]
    assert top.passage.id == "obama" and top.sparse_score > 0
