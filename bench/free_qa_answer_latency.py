"""free_qa's answer latency with the reader, over real gRPC, on KorQuAD's held-out questions.

    python bench/free_qa_answer_latency.py [--questions 200] [--concurrency 1 8]
        [--env SEARCHLM_FREE_QA_READER_CONTEXT_CHARS=0 ...] [--data-dir ../shared/data]

Starts the free_qa server as a real process on free ports (`tests/integration/harness.py`) over
the KorQuAD 1.0 dev index that `bench/free_qa_korquad.py` and `bench/reader.py --retrieved`
build (one chunk per paragraph, 964 paragraphs; built here when missing), with the shipped
reader and NLI model and no model server (``USE_LM=false``: factoid answers need no LM). Then
it asks the held-out questions of the reader's article split (never trained or tuned on),
first ``--questions`` of them, through ``AnswerQuestion`` with ``max_passages=3``: first one at
a time, then with C closed-loop clients for each ``--concurrency`` C. Everything the service
does for a factoid answer is in the figure: question-kind rules, query embedding, hybrid
retrieval, the reader over the first 3 passages (cut to its context budget), calibration, the
span fallback when the reader is unsure, and gRPC.

Prints one markdown row per concurrency: answers/s, p50 / p95 ms, the share the reader answered
(no fallback or abstention flag), and EM of the answers against gold (citation markers
removed; a sanity figure: `bench/reader.py` is the accuracy benchmark). ``--env`` passes
settings to the server (e.g. another context budget) so that two runs compare one setting.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import grpc  # noqa: E402

from bench.reader import ensure_korquad_index  # noqa: E402
from eval.metrics.qa import best_exact_match  # noqa: E402
from searchlm.free_qa.v1 import free_qa_service_pb2 as pb  # noqa: E402
from searchlm.free_qa.v1 import free_qa_service_pb2_grpc as pb_grpc  # noqa: E402
from searchlm.reader import DEFAULT_ARTEFACT  # noqa: E402
from searchlm.reader.training.data import KORQUAD_DEV, QaExample  # noqa: E402
from searchlm.reader.training.settings import DEFAULT_DATA_DIR  # noqa: E402
from tests.integration.harness import start_server  # noqa: E402

QA = "SEARCHLM_FREE_QA_"
# flags meaning the reader did not answer (it was unsure, failed, or the service abstained)
NOT_READER = ("reader_", "extractive_fallback", "unsupported", "low_retrieval")


def heldout(data_dir: Path, n: int) -> list[QaExample]:
    """The first `n` held-out questions of the shipped reader's split."""
    from searchlm.reader.training.evaluate import split_examples_of

    return split_examples_of(DEFAULT_ARTEFACT, data_dir, "heldout")[:n]


async def ask(stub: pb_grpc.FreeQaServiceStub, question: str) -> tuple[float, pb.AnswerQuestionResponse]:
    """Seconds and reply of one question."""
    started = time.perf_counter()
    reply = await stub.AnswerQuestion(
        pb.AnswerQuestionRequest(question=question, max_passages=3), timeout=120
    )
    return time.perf_counter() - started, reply


@dataclass
class Run:
    """Every question's seconds and reply at one concurrency, and the run's wall time."""

    answers: list[tuple[QaExample, float, pb.AnswerQuestionResponse]] = field(default_factory=list)
    wall: float = 0.0


async def run_clients(target: str, examples: Sequence[QaExample], clients: int) -> Run:
    """Every question once, spread over `clients` closed-loop clients on one channel."""
    run, queue = Run(), list(reversed(examples))
    async with grpc.aio.insecure_channel(target) as channel:
        stub = pb_grpc.FreeQaServiceStub(channel)
        await ask(stub, examples[0].question)  # warm-up

        async def client() -> None:
            while queue:
                ex = queue.pop()
                seconds, reply = await ask(stub, ex.question)
                run.answers.append((ex, seconds, reply))

        started = time.perf_counter()
        await asyncio.gather(*(client() for _ in range(clients)))
        run.wall = time.perf_counter() - started
    return run


def row(clients: int, run: Run) -> str:
    """One markdown row of the table."""
    seconds = sorted(s for _, s, _ in run.answers)
    p95 = seconds[min(len(seconds) - 1, int(0.95 * len(seconds)))]
    by_reader = sum(
        not r.abstained and not any(f.startswith(NOT_READER) for f in r.flags) for _, _, r in run.answers
    )
    em = sum(best_exact_match(re.sub(r"\s*\[\d+\]", "", r.answer), ex.answers) for ex, _, r in run.answers)
    n, p50 = len(run.answers), statistics.median(seconds)
    return (
        f"| {clients} | {n} | {n / run.wall:.2f} | {1000 * p50:.0f} | {1000 * p95:.0f} "
        f"| {by_reader / n:.3f} | {em / n:.3f} |"
    )


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="holds korquad1.0/")
    parser.add_argument("--questions", type=int, default=200, help="first N held-out questions")
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--index-dir", type=Path, default=Path("/tmp/searchlm-free-qa/korquad"))
    parser.add_argument("--cache-dir", type=Path, default=Path("/tmp/searchlm-free-qa/cache/passages"))
    parser.add_argument("--env", nargs="*", default=[], help="NAME=VALUE settings for the server")
    return parser.parse_args(argv)


async def main_async(args: argparse.Namespace) -> int:
    """Starts the server, runs each concurrency, prints the table."""
    examples = heldout(args.data_dir, args.questions)
    ensure_korquad_index(args.data_dir, args.index_dir, args.cache_dir, threads=2)
    env = {f"{QA}INDEX_DIR": str(args.index_dir), f"{QA}USE_LM": "false", f"{QA}JSON_LOGS": "false"}
    env |= dict(item.split("=", 1) for item in args.env)
    server = start_server("services.free_qa", QA, env, timeout=900)
    try:
        settings = " ".join(args.env) or "default settings"
        print(f"free_qa over KorQuAD dev (964 paragraphs), {len(examples)} held-out questions, {settings}")
        print("\n| clients | questions | answers/s | p50 ms | p95 ms | reader answered | EM |")
        print("|---|---|---|---|---|---|---|")
        for clients in args.concurrency:
            print(row(clients, await run_clients(server.target, examples, clients)), flush=True)
    finally:
        server.stop()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Runs the benchmark (skips without the shared data)."""
    args = parse_args(argv)
    if not (args.data_dir / KORQUAD_DEV).is_file():
        print(f"skip: {args.data_dir / KORQUAD_DEV} not found (../shared/data is not on this machine)")
        return 0
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    sys.exit(main())
