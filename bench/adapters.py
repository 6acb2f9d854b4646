"""Adapter serving cost: throughput at concurrency 16 with half the requests on a LoRA adapter,
against all requests on the base model, in the same run on the same server process.

    python bench/adapters.py                              # the packaged adapters
    python bench/adapters.py --adapters-dir DIR --adapter NAME --rounds 3
    python bench/adapters.py --lanes 2                    # one server setting (default: 1, then 2)

The llama.cpp engine runs sequences under different adapters in separate decode calls (a call
runs under one adapter set), so a half-and-half batch of 16 is two calls of 8: the cost of
serving adapters is the loss of batch size, plus the LoRA matmuls. With `LANES=2` the adapter's
sequences decode in a second context on their own thread, beside the base model's
(`model_server/engines/llamacpp_lanes.py`). Rounds alternate base-only
and mixed so that machine drift hits both alike; the ratio is the median of the rounds.
Also the time to first token and tokens/s of one request alone, base and adapter.

Target (issue 19): mixed >= 0.9x all-base at concurrency 16.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

import grpc

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.model_server_common import MAX_TOKENS, SEED, TEMPERATURE, TOP_P, prompt  # noqa: E402
from searchlm.model.v1 import model_service_pb2 as pb  # noqa: E402
from searchlm.model.v1 import model_service_pb2_grpc as pb_grpc  # noqa: E402
from tests.integration.harness import start_server  # noqa: E402

PREFIX = "SEARCHLM_MODEL_SERVER_"


async def _one(stub: pb_grpc.ModelServiceStub, i: int, adapter: str) -> tuple[int, float]:
    sampling = pb.SamplingParams(max_tokens=MAX_TOKENS, temperature=TEMPERATURE, top_p=TOP_P, seed=SEED)
    request = pb.GenerateStreamRequest(prompt=prompt(i), sampling=sampling, adapter=adapter)
    start, ttft, tokens = time.perf_counter(), 0.0, 0
    async for event in stub.GenerateStream(request, timeout=600):
        if event.HasField("delta"):
            ttft = ttft or time.perf_counter() - start
        else:
            tokens = event.final.usage.generated_tokens
    return tokens, ttft


async def load(target: str, concurrency: int, requests: int, adapter_share: float, adapter: str) -> float:
    """Generated tokens/s of `requests` at `concurrency`; every 1/share-th request on the adapter."""
    every = round(1 / adapter_share) if adapter_share else 0
    async with grpc.aio.insecure_channel(target) as channel:
        stub = pb_grpc.ModelServiceStub(channel)
        queue: asyncio.Queue[int] = asyncio.Queue()
        for i in range(requests):
            queue.put_nowait(i)
        tokens = 0

        async def worker() -> None:
            nonlocal tokens
            while not queue.empty():
                i = queue.get_nowait()
                name = adapter if every and i % every == 0 else ""
                generated, _ = await _one(stub, i, name)
                tokens += generated  # not `tokens += await ...`: that reads tokens before the await

        start = time.perf_counter()
        await asyncio.gather(*[worker() for _ in range(concurrency)])
        return tokens / (time.perf_counter() - start)


async def alone(target: str, adapter: str, requests: int) -> tuple[float, float]:
    """Median TTFT (ms) and tokens/s of single requests."""
    async with grpc.aio.insecure_channel(target) as channel:
        stub = pb_grpc.ModelServiceStub(channel)
        ttfts, rates = [], []
        for i in range(requests):
            start = time.perf_counter()
            tokens, ttft = await _one(stub, i, adapter)
            ttfts.append(1000 * ttft)
            rates.append(tokens / (time.perf_counter() - start))
    return statistics.median(ttfts), statistics.median(rates)


def measure(args: argparse.Namespace, lanes: int) -> float:
    """One server with `lanes` lanes: single requests, then the rounds; the median ratio."""
    env = {
        f"{PREFIX}ENGINE": "llamacpp",
        f"{PREFIX}THREADS": str(args.threads),
        f"{PREFIX}ADAPTERS_DIR": args.adapters_dir,
        f"{PREFIX}LANES": str(lanes),
        f"{PREFIX}JSON_LOGS": "false",
    }
    server = start_server("model_server", PREFIX, env)
    try:
        print(f"\n## LANES={lanes}", flush=True)
        asyncio.run(load(server.target, 4, 8, 0.5, args.adapter))  # warm-up, both paths
        for name in ("", args.adapter):
            ttft, rate = asyncio.run(alone(server.target, name, 6))
            print(f"alone, {name or 'base'}: TTFT p50 {ttft:.0f} ms, {rate:.1f} tok/s", flush=True)
        ratios = []
        for r in range(args.rounds):
            base = asyncio.run(load(server.target, 16, args.requests, 0.0, args.adapter))
            mixed = asyncio.run(load(server.target, 16, args.requests, 0.5, args.adapter))
            ratios.append(mixed / base)
            print(
                f"round {r}: c16 all-base {base:.1f} tok/s, half on {args.adapter} {mixed:.1f} tok/s, "
                f"ratio {mixed / base:.3f}",
                flush=True,
            )
        return statistics.median(ratios)
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--adapters-dir", default="packaged")
    parser.add_argument("--adapter", default="null-query-rewrite")
    parser.add_argument("--requests", type=int, default=48, help="requests per load run")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument(
        "--lanes", type=int, nargs="+", default=[1, 2], help="server LANES settings, each measured in turn"
    )
    args = parser.parse_args()
    medians = {lanes: measure(args, lanes) for lanes in args.lanes}
    print()
    for lanes, ratio in medians.items():
        print(
            f"LANES={lanes}: mixed / all-base at concurrency 16, median of {args.rounds} rounds: "
            f"{ratio:.3f} (target >= 0.9)"
        )


if __name__ == "__main__":
    main()
