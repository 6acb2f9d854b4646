"""End-to-end latency table: every server at concurrency 1 and 8, p50/p99, over real gRPC.

Each target is started as in `bench/load.py` (the services with their own model server, one
llama.cpp thread, the load settings there), then loaded by closed-loop clients for
`--seconds` at each concurrency with a generous deadline, so the figures are latencies, not
refusals. Prints one markdown table: requests/s, p50, p99, degraded answers, errors.

    python bench/latency.py                                  # all four, 20 s per cell
    python bench/latency.py --targets null_query,free_qa --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.load import TARGETS, Outcomes, closed_loop  # noqa: E402

CONCURRENCY = (1, 8)


def row(name: str, concurrency: int, out: Outcomes, seconds: float) -> str:
    """One markdown row of the table."""
    ok = out.codes["OK"]
    degraded = sum(kind == "degraded" for _, kind in out.timeline)
    errors = {code: n for code, n in out.codes.items() if code != "OK"}
    return (
        f"| {name} | {concurrency} | {ok / seconds:.2f} | {1000 * out.pct('OK', 0.5):.0f} "
        f"| {1000 * out.pct('OK', 0.99):.0f} | {degraded}/{ok} | {errors or '-'} |"
    )


async def measure(name: str, seconds: float, deadline: float) -> list[str]:
    """Starts one target, loads it at each concurrency, stops it."""
    spec = TARGETS[name]
    started = spec.start()
    try:
        await closed_loop(spec.call, started.front.target, 1, min(seconds, 3.0), deadline)  # warm-up
        rows = []
        for concurrency in CONCURRENCY:
            out = await closed_loop(spec.call, started.front.target, concurrency, seconds, deadline)
            rows.append(row(name, concurrency, out, seconds))
            print(rows[-1], file=sys.stderr, flush=True)
        return rows
    finally:
        started.stop()


def main() -> None:
    """CLI entry."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--targets", default="model_server,null_query,review_summary,free_qa")
    parser.add_argument("--seconds", type=float, default=20.0, help="closed-loop seconds per cell")
    parser.add_argument("--deadline", type=float, default=60.0, help="per-request deadline (s)")
    args = parser.parse_args()
    names = [n for n in args.targets.split(",") if n]
    unknown = [n for n in names if n not in TARGETS]
    if unknown:
        raise SystemExit(f"unknown targets {unknown}; known: {sorted(TARGETS)}")
    print(f"# load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at start")
    lines = [
        "| server | concurrency | req/s | p50 ms | p99 ms | degraded | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for name in names:
        lines += asyncio.run(measure(name, args.seconds, args.deadline))
    print("\n".join(lines))
    print(f"# load average {' '.join(f'{x:.2f}' for x in os.getloadavg())} at the end")


if __name__ == "__main__":
    main()
