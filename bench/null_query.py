"""null_query benchmark: p50/p99 latency and requests/s at concurrency 1 and 8, LM on and off.

Starts the real processes on free ports (model server with llama.cpp + Gemma 3 270M on one
thread, and null_query twice: LM path on, LM path off) and calls RewriteQuery over real gRPC.
Queries are null queries only (the expensive path), made by seeded noise (spacing, split
jamo, keyboard layout, jamo typos) on the demo catalog's titles; a query with results costs
one index count (well under a millisecond).

    python bench/null_query.py                 # 64 requests per cell
    python bench/null_query.py --requests 200 --lm-target 127.0.0.1:50051

Target (issue 3): rule-only path p50 < 30 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from pathlib import Path

import grpc

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from searchlm.null_query.v1 import null_query_service_pb2 as pb  # noqa: E402
from searchlm.null_query.v1 import null_query_service_pb2_grpc as pb_grpc  # noqa: E402
from services.null_query.noise import NOISES  # noqa: E402
from services.null_query.settings import DEMO_CATALOG  # noqa: E402
from tests.integration.harness import ServerProcess, start_server  # noqa: E402

PREFIX = "SEARCHLM_NULL_QUERY_"


def queries(count: int, seed: int = 5) -> list[str]:
    """Seeded noisy variants of the demo catalog titles."""
    titles = [json.loads(line)["title"] for line in DEMO_CATALOG.read_text(encoding="utf-8").splitlines()]
    rng = random.Random(seed)
    out: list[str] = []
    while len(out) < count:
        noisy = NOISES[rng.choice(sorted(NOISES))](rng.choice(titles), rng)
        if noisy:
            out.append(noisy)
    return out


async def _cell(target: str, items: list[str], concurrency: int, timeout: float) -> dict[str, float]:
    latencies: list[float] = []
    degraded = 0
    gate = asyncio.Semaphore(concurrency)
    async with grpc.aio.insecure_channel(target) as channel:
        stub = pb_grpc.NullQueryServiceStub(channel)
        await stub.RewriteQuery(pb.RewriteQueryRequest(query=items[0]), timeout=30)  # warm-up

        async def one(query: str) -> None:
            nonlocal degraded
            async with gate:
                started = time.perf_counter()
                reply = await stub.RewriteQuery(pb.RewriteQueryRequest(query=query), timeout=timeout)
                latencies.append(time.perf_counter() - started)
                degraded += reply.degraded

        started = time.perf_counter()
        await asyncio.gather(*(one(q) for q in items))
        wall = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "p50_ms": 1000 * statistics.median(ordered),
        "p99_ms": 1000 * ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))],
        "rps": len(items) / wall,
        "degraded": degraded / len(items),
    }


def _start(lm_target: str | None) -> ServerProcess:
    env = {f"{PREFIX}LM_ENABLED": "false"} if lm_target is None else {f"{PREFIX}LM_TARGET": lm_target}
    return start_server("services.null_query", PREFIX, {**env, f"{PREFIX}JSON_LOGS": "false"})


def main() -> None:
    """Runs every cell and prints a table."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=64)
    parser.add_argument("--lm-target", default=None, help="use this model server instead of starting one")
    parser.add_argument("--timeout", type=float, default=5.0, help="deadline per request, seconds")
    args = parser.parse_args()
    items = queries(args.requests)
    servers: list[ServerProcess] = []
    try:
        lm_target = args.lm_target
        if lm_target is None:
            env = {"SEARCHLM_MODEL_SERVER_THREADS": "1", "SEARCHLM_MODEL_SERVER_CONTEXT_LENGTH": "1024"}
            servers.append(start_server("model_server", "SEARCHLM_MODEL_SERVER_", env))
            lm_target = servers[-1].target
        rows = []
        for label, target in (("off", None), ("on", lm_target)):
            servers.append(_start(target))
            for concurrency in (1, 8):
                cell = asyncio.run(_cell(servers[-1].target, items, concurrency, args.timeout))
                rows.append((label, concurrency, cell))
    finally:
        for server in servers:
            server.stop()
    print(f"\nnull_query RewriteQuery, {len(items)} null queries per cell (real gRPC)\n")
    print("| LM path | concurrency | p50 ms | p99 ms | req/s | degraded |")
    print("|---|---|---|---|---|---|")
    for label, concurrency, c in rows:
        cells = f"{c['p50_ms']:.1f} | {c['p99_ms']:.1f} | {c['rps']:.1f} | {c['degraded']:.0%}"
        print(f"| {label} | {concurrency} | {cells} |")


if __name__ == "__main__":
    main()
