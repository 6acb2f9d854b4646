"""Load and overload harness: capacity, 10x overload, recovery, over real gRPC on loopback.

1. Capacity: closed-loop clients at rising concurrency; capacity is the best requests/s
   whose p99 latency stays under the deadline.
2. Overload: open-loop arrivals at 10x capacity. Excess requests must be refused with
   RESOURCE_EXHAUSTED quickly (not time out); the server's memory must stay flat.
3. Recovery: closed-loop again at the capacity concurrency; throughput per second until it
   is back at capacity.

Fault scenario (`--kill-model-server`, service targets): closed loop at the capacity
concurrency; the model server is SIGKILLed a third into the run and restarted on the same port;
per second: answers in full, degraded answers, errors; the time from the restart to the first
full answer; requests sent vs answered.

    python bench/load.py --target model_server --seconds 8
    python bench/load.py --target null_query --seconds 5
    python bench/load.py --target review_summary --seconds 10 --kill-model-server

Service targets start their dependencies (the model server with one llama.cpp thread) and
bound their own concurrency (`MAX_CONCURRENT_RPCS`), so overload is refused, not queued.
Bounded in count and time: every phase has a fixed duration and at most --max-in-flight
client requests outstanding.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import grpc

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from searchlm.free_qa.v1 import free_qa_service_pb2 as qa_pb  # noqa: E402
from searchlm.free_qa.v1 import free_qa_service_pb2_grpc as qa_grpc  # noqa: E402
from searchlm.model.v1 import model_service_pb2 as pb  # noqa: E402
from searchlm.model.v1 import model_service_pb2_grpc as pb_grpc  # noqa: E402
from searchlm.null_query.v1 import null_query_service_pb2 as nq_pb  # noqa: E402
from searchlm.null_query.v1 import null_query_service_pb2_grpc as nq_grpc  # noqa: E402
from searchlm.review_summary.v1 import review_summary_service_pb2 as rs_pb  # noqa: E402
from searchlm.review_summary.v1 import review_summary_service_pb2_grpc as rs_grpc  # noqa: E402
from tests.integration.harness import ServerProcess, start_server  # noqa: E402

# One call; returns True when the answer was degraded (the model server never is).
Call = Callable[[grpc.aio.Channel, float], Awaitable[bool]]

MS = "SEARCHLM_MODEL_SERVER_"
# one llama.cpp thread: two slow down ~50x when the other core is busy (shared machines)
MODEL_ENV = {f"{MS}THREADS": "1", f"{MS}CONTEXT_LENGTH": "2048", f"{MS}JSON_LOGS": "false"}


@dataclass
class Started:
    """The process under load and the processes it depends on."""

    front: ServerProcess
    model: ServerProcess | None = None

    def stop(self) -> None:
        self.front.stop()
        if self.model is not None:
            self.model.stop()

    def kill_model(self) -> None:
        """SIGKILL the model server (fault scenario)."""
        assert self.model is not None
        self.model.process.kill()
        self.model.process.wait()

    def restart_model(self) -> None:
        """A fresh model server on the old ports; returns once it is SERVING."""
        assert self.model is not None
        ports = {f"{MS}PORT": str(self.model.grpc_port), f"{MS}METRICS_PORT": str(self.model.metrics_port)}
        self.model = start_server("model_server", MS, {**MODEL_ENV, **ports})


@dataclass(frozen=True)
class Target:
    """A server to load and the call that loads it."""

    start: Callable[[], Started]
    call: Call


def _start_model_server() -> Started:
    env = {f"{MS}CONTEXT_LENGTH": "512", f"{MS}MAX_WAITING": "64", f"{MS}JSON_LOGS": "false"}
    return Started(start_server("model_server", MS, env))


async def _generate(channel: grpc.aio.Channel, deadline: float) -> bool:
    request = pb.GenerateRequest(
        prompt="대한민국의 수도는", sampling=pb.SamplingParams(max_tokens=8, temperature=0)
    )
    await pb_grpc.ModelServiceStub(channel).Generate(request, timeout=deadline)
    return False


def _service_starter(module: str, prefix: str, env: dict[str, str]) -> Callable[[], Started]:
    def start() -> Started:
        model = start_server("model_server", MS, MODEL_ENV)
        try:
            full = {
                f"{prefix}LM_TARGET": model.target,
                f"{prefix}MAX_CONCURRENT_RPCS": "8",
                f"{prefix}JSON_LOGS": "false",
                **env,
            }
            return Started(start_server(module, prefix, full, timeout=900), model)
        except BaseException:
            model.stop()
            raise

    return start


async def _rewrite(channel: grpc.aio.Channel, deadline: float) -> bool:
    request = nq_pb.RewriteQueryRequest(query="ㅅㅏㅁ성 갤럭시")
    reply = await nq_grpc.NullQueryServiceStub(channel).RewriteQuery(request, timeout=deadline)
    return bool(reply.degraded)


_REVIEWS = rs_pb.ReviewList(
    reviews=[
        rs_pb.Review(id="a", text="음질이 깨끗하고 좋아요.", rating=5),
        rs_pb.Review(id="b", text="배터리가 오래가서 좋아요.", rating=5),
        rs_pb.Review(id="c", text="음질이 좋고 착용감도 편해요.", rating=4),
    ]
)


async def _summarize(channel: grpc.aio.Channel, deadline: float) -> bool:
    request = rs_pb.SummarizeReviewsRequest(reviews=_REVIEWS)
    reply = await rs_grpc.ReviewSummaryServiceStub(channel).SummarizeReviews(request, timeout=deadline)
    return bool(reply.degraded)


async def _answer(channel: grpc.aio.Channel, deadline: float) -> bool:
    request = qa_pb.AnswerQuestionRequest(question="해파리는 뇌가 있어?", max_passages=3)
    reply = await qa_grpc.FreeQaServiceStub(channel).AnswerQuestion(request, timeout=deadline)
    return bool(reply.degraded)


_NQ, _RS, _QA = "SEARCHLM_NULL_QUERY_", "SEARCHLM_REVIEW_SUMMARY_", "SEARCHLM_FREE_QA_"
_QA_CACHE = Path(tempfile.gettempdir()) / "searchlm-free-qa-it-cache"  # the demo index of the tests

TARGETS: dict[str, Target] = {
    "model_server": Target(_start_model_server, _generate),
    "null_query": Target(
        _service_starter(
            "services.null_query",
            _NQ,
            {f"{_NQ}LM_MAX_TOKENS": "8", f"{_NQ}LM_CANDIDATES": "2", f"{_NQ}LM_SCORE_TOP": "0"},
        ),
        _rewrite,
    ),
    "review_summary": Target(
        _service_starter(
            "services.review_summary",
            _RS,
            {
                f"{_RS}CANDIDATES": "2",
                f"{_RS}MAX_TOKENS": "16",
                f"{_RS}MAX_ROUNDS": "1",
                f"{_RS}NLI_RESERVE_SECONDS": "2",
            },
        ),
        _summarize,
    ),
    "free_qa": Target(
        _service_starter(
            "services.free_qa",
            _QA,
            {f"{_QA}CACHE_DIR": str(_QA_CACHE), f"{_QA}NLI": "none", f"{_QA}READER": "none"},
        ),
        _answer,
    ),
}


@dataclass
class Outcomes:
    """Codes and latencies of the requests of one phase."""

    codes: Counter[str] = field(default_factory=Counter)
    latency: dict[str, list[float]] = field(default_factory=dict)
    done_at: list[float] = field(default_factory=list)
    sent: int = 0
    # (end time, "full" | "degraded" | an error code) of every answer, for the fault timeline
    timeline: list[tuple[float, str]] = field(default_factory=list)

    def add(self, code: str, seconds: float, degraded: bool = False) -> None:
        self.codes[code] += 1
        self.latency.setdefault(code, []).append(seconds)
        now = time.monotonic()
        if code == "OK":
            self.done_at.append(now)
        self.timeline.append((now, ("degraded" if degraded else "full") if code == "OK" else code))

    def pct(self, code: str, q: float) -> float:
        values = sorted(self.latency.get(code, []))
        return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


async def _one(call: Call, channel: grpc.aio.Channel, deadline: float, out: Outcomes) -> None:
    out.sent += 1
    start = time.monotonic()
    degraded = False
    try:
        degraded = await call(channel, deadline)
        code = "OK"
    except grpc.aio.AioRpcError as exc:
        code = exc.code().name
    out.add(code, time.monotonic() - start, degraded)


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


async def run(name: str, seconds: float, deadline: float, max_in_flight: int, kill: bool) -> None:
    """All three phases (or the fault scenario) against one target; prints the figures."""
    spec = TARGETS[name]
    started = spec.start()
    print(f"# {name}: load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at start")
    try:
        if kill:
            await _kill_model_server(spec, started, seconds, deadline)
        else:
            await _phases(spec, started.front, seconds, deadline, max_in_flight)
    finally:
        started.stop()
        print(f"# load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end")


async def _kill_model_server(spec: Target, started: Started, seconds: float, deadline: float) -> None:
    """Closed loop (2 clients); model server SIGKILLed at seconds/3, restarted at once."""
    if started.model is None:
        raise SystemExit("--kill-model-server needs a service target")
    print(f"# fault: {started.front.target}, deadline {deadline}s, {seconds}s, kill at {seconds / 3:.1f}s")
    loop = asyncio.get_running_loop()
    begin = time.monotonic()
    load = asyncio.create_task(closed_loop(spec.call, started.front.target, 2, seconds, deadline))
    await asyncio.sleep(seconds / 3)
    started.kill_model()
    killed = time.monotonic()
    await loop.run_in_executor(None, started.restart_model)
    restarted = time.monotonic()
    out = await load
    full_after = [t for t, kind in out.timeline if kind == "full" and t > restarted]
    per_second: dict[int, Counter[str]] = {}
    for t, kind in out.timeline:
        per_second.setdefault(int(t - begin), Counter())[kind] += 1
    print(f"killed at {killed - begin:.1f}s, SERVING again at {restarted - begin:.1f}s")
    for second in sorted(per_second):
        print(f"  t={second:>3}s {dict(per_second[second])}")
    first = f"{min(full_after) - restarted:.1f}s" if full_after else "none within the run"
    print(f"first full answer after the restart: {first}")
    print(f"sent {out.sent}, answered {sum(out.codes.values())}: {dict(out.codes)}")
    print(f"max latency {max(max(v) for v in out.latency.values()):.2f}s (deadline {deadline}s)")


async def _phases(spec: Target, server: ServerProcess, seconds: float, deadline: float, cap: int) -> None:
    print(f"# load: {server.target}, deadline {deadline}s, {seconds}s per phase")
    best = (0.0, 1)
    for concurrency in (1, 2, 4, 8):
        out = await closed_loop(spec.call, server.target, concurrency, seconds, deadline)
        rps = out.codes["OK"] / seconds
        print(
            f"capacity  c={concurrency:<2} {rps:7.1f} req/s  p50 {1000 * out.pct('OK', 0.5):6.0f} ms  "
            f"p99 {1000 * out.pct('OK', 0.99):6.0f} ms  {dict(out.codes)}  "
            f"degraded {sum(kind == 'degraded' for _, kind in out.timeline)}"
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
    parser.add_argument(
        "--kill-model-server", action="store_true", help="fault scenario instead of the load phases"
    )
    args = parser.parse_args()
    asyncio.run(run(args.target, args.seconds, args.deadline, args.max_in_flight, args.kill_model_server))


if __name__ == "__main__":
    main()
