"""Model-server benchmark: generated tokens/s and TTFT at concurrency 1, 4 and 16.

Baseline, measured in the same run: the engine called directly in-process, one request at
a time. Then the real server process over real gRPC at each concurrency. For llama.cpp also
the peers a user would otherwise pick, on the same GGUF with the same prompts, sampling and
output length: llama.cpp's own C++ `llama-server` with 16 parallel slots at concurrency 1, 4
and 16 (built once from the binding's sdist, see `bench/llama_server.py`; skipped with the
reason when it cannot be built), and llama-cpp-python's OpenAI server (`python -m
llama_cpp.server`, extra `llama-cpp-python[server]`) at concurrency 16; the time to first
token of a 400+-token few-shot prompt whose prefix is cached against the same prompt cold;
and the raw `llama_decode` ceiling. Prints a table and the ratios.

    python bench/model_server.py                       # both engines
    python bench/model_server.py --engine llamacpp --requests 16 --threads 2
    python bench/model_server.py --engine llamacpp --peers llama-server   # skip llama_cpp.server

Targets (issue 2): server overhead at concurrency 1 <= 10 % against the direct call;
throughput at concurrency 16 >= 3x direct-sequential on transformers. Issue 9 (llama.cpp):
>= 2x llama_cpp.server at concurrency 16; TTFT with a cached 400+-token prefix <= 30 % of
cold. Issue 20: concurrency 16 >= 0.85 of the raw batch-16 ceiling and >= 1.0x `llama-server
-np 16` at concurrency 16; overhead at concurrency 1 <= 5 %.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import grpc

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.decode_ceiling import decode_ceiling, report_ceiling  # noqa: E402
from bench.model_server_common import (  # noqa: E402
    MAX_TOKENS,
    SEED,
    TEMPERATURE,
    TOP_P,
    Run,
    few_shot,
    progress,
    prompt,
)
from bench.model_server_peers import cpp_peer, peer  # noqa: E402
from model_server.engines import load_engine_class  # noqa: E402
from model_server.settings import ModelServerSettings  # noqa: E402
from model_server.types import SamplingParams  # noqa: E402
from searchlm.model.v1 import model_service_pb2 as pb  # noqa: E402
from searchlm.model.v1 import model_service_pb2_grpc as pb_grpc  # noqa: E402
from tests.integration.harness import start_server  # noqa: E402

# `--top-k` sets TOP_K for the run (ours and the peers').
TOP_K = 0
PREFIX = "SEARCHLM_MODEL_SERVER_"


def _sampling() -> SamplingParams:
    return SamplingParams(max_tokens=MAX_TOKENS, temperature=TEMPERATURE, top_p=TOP_P, top_k=TOP_K, seed=SEED)


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
    sampling = pb.SamplingParams(
        max_tokens=MAX_TOKENS, temperature=TEMPERATURE, top_p=TOP_P, top_k=TOP_K, seed=SEED
    )
    start, ttft, tokens = time.perf_counter(), 0.0, 0
    async for event in stub.GenerateStream(
        pb.GenerateStreamRequest(prompt=prompt(i), sampling=sampling), timeout=600
    ):
        if event.HasField("delta"):
            ttft = ttft or time.perf_counter() - start
        else:
            tokens = event.final.usage.generated_tokens
    return tokens, ttft


async def prefix_ttft(target: str, variants: int) -> tuple[list[float], list[float], int]:
    """TTFT of few-shot prompts cold, then of a new question after the same prefix (cached).

    Returns:
        Cold TTFTs, cached TTFTs, and the prompt's token count.
    """
    cold, cached, tokens = [], [], 0
    async with grpc.aio.insecure_channel(target) as channel:
        stub = pb_grpc.ModelServiceStub(channel)
        for v in range(variants):  # a new first line per variant: nothing cached across them
            ttft, tokens = await _ttft(stub, few_shot(v, "한글은 누가 만들었나?"))
            cold.append(ttft)
            cached.append((await _ttft(stub, few_shot(v, "경복궁은 어디에 있나?")))[0])
    return cold, cached, tokens


async def _ttft(stub: pb_grpc.ModelServiceStub, text: str) -> tuple[float, int]:
    sampling = pb.SamplingParams(max_tokens=8, temperature=0.0)
    start, ttft, prompt_tokens = time.perf_counter(), 0.0, 0
    async for event in stub.GenerateStream(
        pb.GenerateStreamRequest(prompt=text, sampling=sampling), timeout=600
    ):
        if event.HasField("delta"):
            ttft = ttft or time.perf_counter() - start
        else:
            prompt_tokens = event.final.usage.prompt_tokens
    return ttft, prompt_tokens


def _env(settings: ModelServerSettings) -> dict[str, str]:
    fields = (
        "engine",
        "model_path",
        "threads",
        "max_batch_size",
        "context_length",
        "device",
        "max_waiting",
        "fast_mode",
    )
    return {f"{PREFIX}{f.upper()}": str(getattr(settings, f)) for f in fields}


def overhead_rounds(settings: ModelServerSettings, target: str, rounds: int, requests: int) -> None:
    """Direct and served at concurrency 1, alternating: the overhead moves several points per run."""
    figures = []
    for r in range(rounds):
        alone = asyncio.run(direct(settings, requests))
        over_grpc = asyncio.run(served(target, 1, requests))
        figures.append(100 * (1 - over_grpc.tok_s / alone.tok_s))
        print(
            f"  overhead round {r}: direct {alone.tok_s:.1f}, server {over_grpc.tok_s:.1f} tok/s, "
            f"{figures[-1]:+.1f} %",
            flush=True,
        )
    print(
        f"\nserver overhead at concurrency 1, median of {rounds} alternating rounds: "
        f"{statistics.median(figures):+.1f} %"
    )


def bench_engine(
    settings: ModelServerSettings, requests: int, peers: set[str], rounds: int = 0
) -> tuple[list[Run], float]:
    """Baseline plus server runs for one engine (and the peers and raw ceiling for llama.cpp).

    Returns:
        The runs, and the raw batch-16 decode ceiling in tokens/s (nan for transformers).
    """
    runs = [asyncio.run(direct(settings, requests))]
    progress(runs[-1])
    server = start_server("model_server", PREFIX, {**_env(settings), f"{PREFIX}JSON_LOGS": "false"})
    try:
        for concurrency in (1, 4, 16):
            count = requests if concurrency == 1 else max(requests, 2 * concurrency)
            runs.append(asyncio.run(served(server.target, concurrency, count)))
            progress(runs[-1])
        if settings.engine == "llamacpp":
            report_prefix(*asyncio.run(prefix_ttft(server.target, variants=4)))
        if rounds:
            overhead_rounds(settings, server.target, rounds, requests)
    finally:
        server.stop()
    ceiling = float("nan")
    if settings.engine == "llamacpp":
        path = settings.model_path or str(_packaged_gguf())
        if "llama-server" in peers:
            runs += cpp_peer(path, settings.threads, requests, TOP_K)
        if "llama_cpp.server" in peers:
            runs.append(peer(path, settings.threads, 16, max(requests, 32), TOP_K))
            progress(runs[-1])
        single, ceiling = decode_ceiling(settings)
        report_ceiling(single, ceiling)
    return runs, ceiling


def _packaged_gguf() -> Path:
    from searchlm.files import packaged_gguf

    return packaged_gguf()


def report_prefix(cold: list[float], cached: list[float], tokens: int) -> None:
    """Prints cached-prefix against cold TTFT (medians)."""
    cold_ms, cached_ms = 1000 * statistics.median(cold), 1000 * statistics.median(cached)
    print(
        f"\nprefix cache, {tokens}-token few-shot prompts: TTFT cold {cold_ms:.0f} ms, cached prefix "
        f"{cached_ms:.0f} ms = {100 * cached_ms / cold_ms:.0f} % of cold (target <= 30 %)",
        flush=True,
    )


def report(title: str, runs: list[Run], ceiling: float = float("nan")) -> None:
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
    other = next((r for r in runs if r.name == "llama_cpp.server"), None)
    if other:
        print(f"concurrency 16 vs llama_cpp.server at 16: {c16.tok_s / other.tok_s:.2f}x (target >= 2x)")
    cpp = {r.concurrency: r for r in runs if r.name.startswith("llama-server")}
    for concurrency, r in sorted(cpp.items()):
        ours = next(o for o in runs if o.name == "server" and o.concurrency == concurrency)
        print(
            f"concurrency {concurrency} vs llama-server -np 16: {ours.tok_s / r.tok_s:.2f}x "
            "(target at 16 >= 1.0x)"
        )
    if ceiling == ceiling:  # not nan
        print(f"concurrency 16 / raw batch-16 ceiling: {c16.tok_s / ceiling:.2f} (target >= 0.85)")


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
    parser.add_argument(
        "--ceiling-only", action="store_true", help="llama.cpp: only the raw decode ceiling (batch 1 vs 16)"
    )
    parser.add_argument(
        "--fast-mode",
        action="store_true",
        help="llama.cpp: also measure FAST_MODE (repacking, flash attention, unified KV) in the same run",
    )
    parser.add_argument(
        "--peers",
        default="llama-server,llama_cpp.server",
        help="llama.cpp peers to measure (comma-separated; empty for none)",
    )
    parser.add_argument(
        "--overhead-rounds",
        type=int,
        default=0,
        help="also alternate direct and served at concurrency 1 this many times (median overhead)",
    )
    parser.add_argument(
        "--top-k", type=int, default=0, help="top-k of every request, ours and the peers' (0: none)"
    )
    args = parser.parse_args()
    global TOP_K
    TOP_K = args.top_k
    print(
        f"# model server benchmark: {MAX_TOKENS}-token outputs, {args.threads} threads, temperature "
        f"{TEMPERATURE}, top-p {TOP_P}, top-k {TOP_K or 'off'}"
    )
    for engine in args.engine.split(","):
        modes = [False, True] if args.fast_mode and engine == "llamacpp" else [False]
        for fast in modes:
            run_engine(engine, args, fast=fast)


def run_engine(engine: str, args: argparse.Namespace, *, fast: bool) -> None:
    """One engine's figures (llama.cpp: bit-exact or FAST_MODE context)."""
    settings = ModelServerSettings(
        engine=engine,
        threads=args.threads,
        context_length=1024,
        max_waiting=64,
        device="cpu",
        max_batch_size=16,
        fast_mode=fast,
    )
    mode = ", FAST_MODE" if fast else ""
    if args.ceiling_only:
        print(f"\n{engine}{mode}")
        report_ceiling(*decode_ceiling(settings))
        return
    if engine == "transformers":
        settings.model_path = _small_model()
        title = "transformers engine, random-weights Llama (4 layers, hidden 256)"
    else:
        title = f"llamacpp engine, Gemma 3 270M Q4_K_M{mode}"
    peers = {p for p in args.peers.split(",") if p}
    report(title, *bench_engine(settings, args.requests, peers, args.overhead_rounds))


if __name__ == "__main__":
    main()
