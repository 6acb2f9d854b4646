"""Where the model server's time goes at concurrency 16: py-spy over a real served load.

Starts the model server (llama.cpp, the same settings as `bench/model_server.py`), sends
`--requests` 64-token requests from 16 gRPC clients, and samples the server process with
py-spy (idle threads included) for the whole load. Each sample is put in one bucket by the
frames it holds, and the shares are printed per thread: the engine thread (the one that runs
`llama_decode`) and the event-loop thread (gRPC, runtime, detokenising). Needs py-spy
(`pip install py-spy`; extra `bench`) and permission to ptrace the child (root, or
`kernel.yama.ptrace_scope` 0).

    python bench/step_profile.py --requests 48
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import signal
import subprocess
import sys
import tempfile
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.model_server import PREFIX, _env, served  # noqa: E402
from model_server.settings import ModelServerSettings  # noqa: E402
from tests.integration.harness import start_server  # noqa: E402

# First match wins; a bucket matches a stack holding every one of its needles (a frame is
# "function (file)" in py-spy's raw output).
BUCKETS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("llama_decode: decode steps", ("BatchRunner._decode", "LlamaContext.decode")),
    ("llama_decode: prompt chunks (prefill)", ("BatchRunner._prefill", "LlamaContext.decode")),
    ("llama_decode: scoring", ("LlamaContext.decode",)),
    ("sampling (numpy over the vocabulary)", ("sampling.py",)),
    ("prefix cache", ("llamacpp_prefix.py",)),
    ("runner bookkeeping (batching, logits views)", ("llamacpp_batch.py",)),
    ("hand-off to the event loop", ("step_thread.py", "call_soon_threadsafe")),
    ("detokenising and stop matching", ("detokenizer.py",)),
    ("detokenising and stop matching", ("stops.py",)),
    ("runtime (candidates, metrics)", ("runtime.py",)),
    ("runtime (candidates, metrics)", ("metrics.py",)),
    ("servicer and protobuf conversion", ("servicer.py",)),
    ("servicer and protobuf conversion", ("convert.py",)),
    ("gRPC (aio server, interceptors)", ("grpc",)),
    ("asyncio event loop", ("asyncio",)),
)
IDLE = "idle (waiting for work)"
# Innermost frames of a thread that waits: the event loop's select, a lock or event wait.
IDLE_FRAMES = ("select (selectors.py)", "wait (threading.py)", "_worker (concurrent")


def bucket(stack: str) -> str:
    """The bucket of one collapsed stack (frames joined by ';', innermost last)."""
    frames = stack.split(";")
    if any(n in frames[-1] for n in IDLE_FRAMES):
        return IDLE
    for name, needles in BUCKETS:
        if all(any(n in frame for frame in frames) for n in needles):
            return name
    return "other"


def summarise(raw: Path) -> dict[str, Counter[str]]:
    """Samples per bucket for each thread, from py-spy's raw (collapsed) output."""
    threads: dict[str, Counter[str]] = defaultdict(Counter)
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack:
            continue
        thread, _, frames = stack.partition(";")
        native = "_poll_wrapper" in thread  # gRPC's poller: native code, no Python frames
        threads[thread]["gRPC poller (native code, opaque here)" if native else bucket(frames)] += int(count)
    return threads


def role(counts: Counter[str]) -> str:
    """Names a thread by what it does."""
    if counts["llama_decode: decode steps"] or counts["llama_decode: prompt chunks (prefill)"]:
        return "engine thread"
    if counts["gRPC (aio server, interceptors)"] or counts["asyncio event loop"]:
        return "event-loop thread"
    return "other thread"


def report(threads: dict[str, Counter[str]]) -> None:
    """Prints each busy thread's shares."""
    for thread, counts in sorted(threads.items(), key=lambda kv: -sum(kv[1].values())):
        total = sum(counts.values())
        busy = total - counts[IDLE]
        if total < 20 or busy == 0:
            continue
        print(f"\n### {role(counts)} ({thread}): {total} samples, busy {100 * busy / total:.1f} %\n")
        print("| bucket | share of wall time |")
        print("|---|---|")
        for name, n in counts.most_common():
            print(f"| {name} | {100 * n / total:.1f} % |")


def main() -> None:
    """Runs the load under py-spy and prints the breakdown."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--requests", type=int, default=48)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--fast-mode", action="store_true")
    parser.add_argument("--keep", type=Path, help="also write py-spy's raw output here")
    args = parser.parse_args()
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        raise SystemExit("py-spy not found: pip install py-spy")
    settings = ModelServerSettings(
        engine="llamacpp",
        threads=args.threads,
        context_length=1024,
        max_waiting=64,
        max_batch_size=16,
        fast_mode=args.fast_mode,
    )
    server = start_server("model_server", PREFIX, {**_env(settings), f"{PREFIX}JSON_LOGS": "false"})
    raw = args.keep or Path(tempfile.mkstemp(suffix=".txt")[1])
    try:
        asyncio.run(served(server.target, 16, 16))  # warm-up wave
        command = [spy, "record", "--idle", "--threads", "--nolineno", "--nonblocking", "-f", "raw"]
        recorder = subprocess.Popen(
            [*command, "-r", "200", "-o", str(raw), "--pid", str(server.process.pid)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        run = asyncio.run(served(server.target, 16, args.requests))
        recorder.send_signal(signal.SIGINT)  # py-spy writes its output on Ctrl-C
        _, err = recorder.communicate(timeout=60)
        if not raw.exists() or raw.stat().st_size == 0:
            raise SystemExit(f"py-spy wrote nothing: {err.decode(errors='replace')[-500:]}")
    finally:
        server.stop()
    print(
        f"# served at concurrency 16: {run.tok_s:.1f} tok/s over {run.seconds:.1f} s "
        f"({args.requests} requests)"
    )
    report(summarise(raw))


if __name__ == "__main__":
    main()
