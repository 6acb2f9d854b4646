"""Load and overload harness: capacity, 10x overload, recovery, over real gRPC on loopback.

1. Capacity: closed-loop clients at rising concurrency; capacity is the best requests/s
   whose p99 latency stays under the deadline.
2. Overload: open-loop arrivals at 10x capacity. Excess requests must be refused with
   RESOURCE_EXHAUSTED quickly (not time out); the server's memory must stay flat.
3. Recovery: closed-loop again at the capacity concurrency; throughput per second until it
   is back at capacity.

    python bench/load.py --target model_server --seconds 8

Bounded in count and time: every phase has a fixed duration and at most --max-in-flight
client requests outstanding.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import grpc

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from searchlm.model.v1 import model_service_pb2 as pb  # noqa: E402
from searchlm.model.v1 import model_service_pb2_grpc as pb_grpc  # noqa: E402
from tests.integration.harness import ServerProcess, start_server  # noqa: E402

Call = Callable[[grpc.aio.Channel, float], Awaitable[None]]


@dataclass(frozen=True)
class Target:
    """A server to load and the call that loads it."""

    start: Callable[[], ServerProcess]
    call: Call


def _start_model_server() -> ServerProcess:
    prefix = "SEARCHLM_MODEL_SERVER_"
    env = {f"{prefix}CONTEXT_LENGTH": "512", f"{prefix}MAX_WAITING": "64", f"{prefix}JSON_LOGS": "false"}
    return start_server("model_server", prefix, env)


async def _generate(channel: grpc.aio.Channel, deadline: float) -> None:
    request = pb.GenerateRequest(
        prompt="대한민국의 수도는", sampling=pb.SamplingParams(max_tokens=8, temperature=0)
    )
    await pb_grpc.ModelServiceStub(channel).Generate(request, timeout=deadline)


TARGETS: dict[str, Target] = {"model_server": Target(_start_model_server, _generate)}


@dataclass
class Outcomes:
    """Codes and latencies of the requests of one phase."""

    codes: Counter[str] = field(default_factory=Counter)
    latency: dict[str, list[float]] = field(default_factory=dict)
    done_at: list[float] = field(default_factory=list)

    def add(self, code: str, seconds: float) -> None:
        self.codes[code] += 1
        self.latency.setdefault(code, []).append(seconds)
        if code == "OK":
            self.done_at.append(time.monotonic())

    def pct(self, code: str, q: float) -> float:
        values = sorted(self.latency.get(code, []))
        return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


async def _one(call: Call, channel: grpc.aio.Channel, deadline: float, out: Outcomes) -> None:
    start = time.monotonic()
    try:
        await call(channel, deadline)
        code = "OK"
    except grpc.aio.AioRpcError as exc:
        code = exc.code().name
    out.add(code, time.monotonic() - start)


async def closed_loop(call: Call, target: str, concurrency: int, seconds: float, deadline: float) -> Outcomes:
    """`concurrency` clients, each sending its next request when the last one returns."""
    out = Outcomes()
    stop = time.monotonic() + seconds
    async with grpc.aio.insecure_channel(target) as channel:

        async def client() -> None:
            while time.monotonic() < stop:
                await _one(call, channel, deadline, out)

        await asyncio.gather(*[client() for _ in range(concurrency)])
    return out


async def open_loop(
    call: Call, target: str, rate: float, seconds: float, deadline: float, cap: int
) -> Outcomes:
    """Poisson-free fixed-rate arrivals, independent of how fast the server answers."""
    out = Outcomes()
    tasks: set[asyncio.Task[None]] = set()
    async with grpc.aio.insecure_channel(target) as channel:
        start = time.monotonic()
        sent = 0
        while (now := time.monotonic()) - start < seconds:
            due = int((now - start) * rate) - sent
            for _ in range(max(0, due)):
                if len(tasks) >= cap:
                    out.add("CLIENT_CAP", 0.0)
                    continue
                task = asyncio.create_task(_one(call, channel, deadline, out))
                tasks.add(task)
                task.add_done_callback(tasks.discard)
            sent += max(0, due)
            await asyncio.sleep(0.002)
        await asyncio.gather(*tasks)
    return out


def rss_mib(pid: int) -> float:
    """Resident memory of a process in MiB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


async def _sample_rss(pid: int, samples: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        samples.append(rss_mib(pid))
        await asyncio.sleep(0.25)


async def run(name: str, seconds: float, deadline: float, max_in_flight: int) -> None:
    """All three phases against one target; prints the figures."""
    spec = TARGETS[name]
    server = spec.start()
    try:
        await _phases(spec, server, seconds, deadline, max_in_flight)
    finally:
        server.stop()


async def _phases(spec: Target, server: ServerProcess, seconds: float, deadline: float, cap: int) -> None:
    print(f"# load: {server.target}, deadline {deadline}s, {seconds}s per phase")
    best = (0.0, 1)
    for concurrency in (1, 2, 4, 8):
        out = await closed_loop(spec.call, server.target, concurrency, seconds, deadline)
        rps = out.codes["OK"] / seconds
        print(
            f"capacity  c={concurrency:<2} {rps:7.1f} req/s  p50 {1000 * out.pct('OK', 0.5):6.0f} ms  "
            f"p99 {1000 * out.pct('OK', 0.99):6.0f} ms  {dict(out.codes)}"
        )
        if out.pct("OK", 0.99) <= deadline and rps > best[0]:
            best = (rps, concurrency)
    capacity, concurrency = best
    if capacity == 0:
        print("no request finished within the deadline: raise --deadline or free the machine")
        return
    rss: list[float] = []
    stop = asyncio.Event()
    sampler = asyncio.create_task(_sample_rss(server.process.pid, rss, stop))
    rss_before = rss_mib(server.process.pid)
    over = await open_loop(spec.call, server.target, 10 * capacity, seconds, deadline, cap)
    stop.set()
    await sampler
    print(f"overload  {10 * capacity:.1f} req/s offered: {dict(over.codes)}")
    print(
        f"          RESOURCE_EXHAUSTED p50 {1000 * over.pct('RESOURCE_EXHAUSTED', 0.5):.1f} ms  "
        f"p99 {1000 * over.pct('RESOURCE_EXHAUSTED', 0.99):.1f} ms (target < 50 ms); "
        f"DEADLINE_EXCEEDED {over.codes['DEADLINE_EXCEEDED']}"
    )
    print(
        f"          server RSS before {rss_before:.0f} MiB, max during {max(rss):.0f} MiB, "
        f"after {rss_mib(server.process.pid):.0f} MiB"
    )
    after = await closed_loop(spec.call, server.target, concurrency, seconds, deadline)
    start = min(after.done_at) if after.done_at else time.monotonic()
    per_second = Counter(int(t - start) for t in after.done_at)
    print(
        f"recovery  c={concurrency}: {after.codes['OK'] / seconds:.1f} req/s "
        f"({after.codes['OK'] / seconds / capacity:.2f}x capacity); per second: "
        f"{[per_second[i] for i in range(int(seconds))]}"
    )


def main() -> None:
    """CLI entry."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--target", default="model_server", choices=sorted(TARGETS))
    parser.add_argument("--seconds", type=float, default=8.0, help="duration of each phase")
    parser.add_argument("--deadline", type=float, default=2.0, help="per-request deadline (s)")
    parser.add_argument("--max-in-flight", type=int, default=2000)
    args = parser.parse_args()
    asyncio.run(run(args.target, args.seconds, args.deadline, args.max_in_flight))


if __name__ == "__main__":
    main()
