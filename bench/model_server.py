"""Model-server benchmark: generated tokens/s and TTFT at concurrency 1, 4 and 16.

Baseline, measured in the same run: the engine called directly in-process, one request at
a time. Then the real server process over real gRPC at each concurrency. Prints a table and
the ratios against the baseline.

    python bench/model_server.py                       # both engines
    python bench/model_server.py --engine llamacpp --requests 8

Targets (issue 2): server overhead at concurrency 1 <= 10 % against the direct call;
throughput at concurrency 16 >= 3x direct-sequential on transformers, >= 1x on llama.cpp.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import grpc

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from model_server.engines import load_engine_class  # noqa: E402
from model_server.settings import ModelServerSettings  # noqa: E402
from model_server.types import SamplingParams  # noqa: E402
from searchlm.model.v1 import model_service_pb2 as pb  # noqa: E402
from searchlm.model.v1 import model_service_pb2_grpc as pb_grpc  # noqa: E402
from tests.integration.harness import start_server  # noqa: E402

MAX_TOKENS = 64
PREFIX = "SEARCHLM_MODEL_SERVER_"
TOPICS = ["한글", "서울", "김치", "태권도", "한강", "경복궁", "부산", "제주도"]


def prompt(i: int) -> str:
    """A short Korean prompt; varied so requests are not identical."""
    return f"다음은 {TOPICS[i % len(TOPICS)]}에 대한 백과사전 설명이다.\n\n{TOPICS[i % len(TOPICS)]}은(는)"


@dataclass
class Run:
    """Figures of one measured configuration."""

    name: str
    concurrency: int
    tokens: int
    seconds: float
    ttfts: list[float]

    @property
    def tok_s(self) -> float:
        return self.tokens / self.seconds

    def pct(self, q: float) -> float:
        ordered = sorted(self.ttfts)
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] if ordered else float("nan")


def _sampling() -> SamplingParams:
    return SamplingParams(max_tokens=MAX_TOKENS, temperature=0.8, top_p=0.95, seed=1)


async def direct(settings: ModelServerSettings, requests: int) -> Run:
    """The engine in-process, one request at a time (the baseline)."""
    engine = load_engine_class(settings.engine).from_settings(settings)
    await engine.start()
    try:
        await _direct_one(engine, prompt(0))  # warm-up
        tokens, ttfts, start = 0, [], time.perf_counter()
        for i in range(requests):
            n, ttft = await _direct_one(engine, prompt(i))
            tokens += n
            ttfts.append(ttft)
        return Run("direct", 1, tokens, time.perf_counter() - start, ttfts)
    finally:
        await engine.stop()


async def _direct_one(engine: object, text: str) -> tuple[int, float]:
    start = time.perf_counter()
    ids = engine.tokenize(text, add_special=True)  # type: ignore[attr-defined]
    detok = engine.new_detokenizer()  # type: ignore[attr-defined]
    ttft, n = 0.0, 0
    async for step in engine.generate(ids, _sampling(), seed=1):  # type: ignore[attr-defined]
        detok.push(step.token_id)
        ttft = ttft or time.perf_counter() - start
        n += 1
    return n, ttft


async def served(target: str, concurrency: int, requests: int) -> Run:
    """Real gRPC clients at a fixed concurrency against the server process."""
    async with grpc.aio.insecure_channel(target) as channel:
        stub = pb_grpc.ModelServiceStub(channel)
        await _served_one(stub, 0)  # warm-up
        queue: asyncio.Queue[int] = asyncio.Queue()
        for i in range(requests):
            queue.put_nowait(i)
        results: list[tuple[int, float]] = []

        async def worker() -> None:
            while not queue.empty():
                results.append(await _served_one(stub, queue.get_nowait()))

        start = time.perf_counter()
        await asyncio.gather(*[worker() for _ in range(concurrency)])
        seconds = time.perf_counter() - start
    return Run("server", concurrency, sum(n for n, _ in results), seconds, [t for _, t in results])


async def _served_one(stub: pb_grpc.ModelServiceStub, i: int) -> tuple[int, float]:
    sampling = pb.SamplingParams(max_tokens=MAX_TOKENS, temperature=0.8, top_p=0.95, seed=1)
    start, ttft, tokens = time.perf_counter(), 0.0, 0
    async for event in stub.GenerateStream(
        pb.GenerateStreamRequest(prompt=prompt(i), sampling=sampling), timeout=600
    ):
        if event.HasField("delta"):
            ttft = ttft or time.perf_counter() - start
        else:
            tokens = event.final.usage.generated_tokens
    return tokens, ttft


def _env(settings: ModelServerSettings) -> dict[str, str]:
    fields = ("engine", "model_path", "threads", "max_batch_size", "context_length", "device", "max_waiting")
    return {f"{PREFIX}{f.upper()}": str(getattr(settings, f)) for f in fields}


def bench_engine(settings: ModelServerSettings, requests: int) -> list[Run]:
    """Baseline plus server runs for one engine."""
    runs = [asyncio.run(direct(settings, requests))]
    _progress(runs[-1])
    server = start_server("model_server", PREFIX, {**_env(settings), f"{PREFIX}JSON_LOGS": "false"})
    try:
        for concurrency in (1, 4, 16):
            count = requests if concurrency == 1 else max(requests, 2 * concurrency)
            runs.append(asyncio.run(served(server.target, concurrency, count)))
            _progress(runs[-1])
    finally:
        server.stop()
    return runs


def _progress(run: Run) -> None:
    print(
        f"  measured {run.name} c={run.concurrency}: {run.tok_s:.1f} tok/s over {run.seconds:.1f} s",
        file=sys.stderr,
        flush=True,
    )


def report(title: str, runs: list[Run]) -> None:
    """Prints the table with ratios to the direct baseline."""
    base = runs[0].tok_s
    print(f"\n## {title}\n")
    print("| mode | concurrency | requests | gen tok/s | TTFT p50 (ms) | TTFT p99 (ms) | x direct |")
    print("|---|---|---|---|---|---|---|")
    for r in runs:
        print(
            f"| {r.name} | {r.concurrency} | {len(r.ttfts)} | {r.tok_s:.1f} | {1000 * r.pct(0.5):.0f} "
            f"| {1000 * r.pct(0.99):.0f} | {r.tok_s / base:.2f} |"
        )
    c1 = next(r for r in runs if r.name == "server" and r.concurrency == 1)
    c16 = next(r for r in runs if r.name == "server" and r.concurrency == 16)
    print(
        f"\nserver overhead at concurrency 1: {100 * (1 - c1.tok_s / base):+.1f} % throughput "
        f"(target <= 10 %); concurrency 16 vs direct-sequential: {c16.tok_s / base:.2f}x",
        flush=True,
    )


def _small_model() -> str:
    from tests.tiny_model import build_tiny_model

    return str(build_tiny_model(Path(tempfile.mkdtemp(prefix="bench-small-")), layers=4, hidden=256))


def main() -> None:
    """Runs the benchmark for the chosen engines."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--engine", default="llamacpp,transformers")
    parser.add_argument(
        "--requests", type=int, default=8, help="requests per configuration (min 2x concurrency)"
    )
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    print(f"# model server benchmark: {MAX_TOKENS}-token outputs, {args.threads} threads")
    for engine in args.engine.split(","):
        settings = ModelServerSettings(
            engine=engine,
            threads=args.threads,
            context_length=1024,
            max_waiting=64,
            device="cpu",
            max_batch_size=16,
        )
        if engine == "transformers":
            settings.model_path = _small_model()
            title = "transformers engine, random-weights Llama (4 layers, hidden 256)"
        else:
            title = "llamacpp engine, Gemma 3 270M Q4_K_M"
        report(title, bench_engine(settings, args.requests))


if __name__ == "__main__":
    main()
