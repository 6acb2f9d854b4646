"""Latency of review summaries for 10, 50 and 200 reviews, and where the time goes.

Usage::

    python bench/review_summary.py --lm-target 127.0.0.1:50051 [--sizes 10 50 200] [--scorer default]

Runs the pipeline in process against a running model server, on the largest
../shared/data/nsmc-raw-sample groups, and prints one JSON line per size with the wall time
and the share spent in cleaning, selection (e5), generation (LM) and NLI.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time
from collections import defaultdict
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from searchlm.lm.grpc_client import GrpcLmClient  # noqa: E402
from services.review_summary.cleaning import CleaningSettings, clean  # noqa: E402
from services.review_summary.factory import build_pipeline  # noqa: E402
from services.review_summary.settings import ReviewSummarySettings  # noqa: E402
from services.review_summary.types import Review, SummaryRequest, SummaryResult  # noqa: E402

NSMC = ROOT.parent / "shared" / "data" / "nsmc-raw-sample" / "raw"
TIMES: dict[str, float] = defaultdict(float)


class _Timed:
    """Adds the time of `method` calls on `inner` to TIMES[phase]."""

    def __init__(self, inner: Any, method: str, phase: str) -> None:
        self._inner, self._method, self._phase = inner, method, phase

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._inner, name)
        if name != self._method:
            return attr
        if asyncio.iscoroutinefunction(attr):

            async def timed_async(*args: Any, **kwargs: Any) -> Any:
                start = time.perf_counter()
                try:
                    return await attr(*args, **kwargs)
                finally:
                    TIMES[self._phase] += time.perf_counter() - start

            return timed_async

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return attr(*args, **kwargs)
            finally:
                TIMES[self._phase] += time.perf_counter() - start

        return timed


async def summarise(pipeline: Any, reviews: Sequence[Review]) -> tuple[SummaryResult, float]:
    """The pipeline's result for these reviews and its wall time in seconds."""
    start = time.perf_counter()
    result = await pipeline.run(SummaryRequest(reviews=tuple(reviews)))
    return result, time.perf_counter() - start


def nsmc_reviews(n: int) -> list[Review]:
    """`n` reviews of the largest NSMC groups (ratings 1-10 mapped to 1-5)."""
    files = sorted(NSMC.glob("*.json"), key=lambda p: -p.stat().st_size)
    reviews: list[Review] = []
    for path in files:
        for r in json.loads(path.read_text(encoding="utf-8")):
            reviews.append(Review(str(r["review_id"]), r["review"], (int(r["rating"]) + 1) // 2))
            if len(reviews) == n:
                return reviews
    return reviews


async def run(sizes: Sequence[int], settings: ReviewSummarySettings) -> None:
    client = GrpcLmClient(settings.lm_target, default_timeout=300)
    pipeline = build_pipeline(settings, client, asyncio.get_running_loop())
    pipeline._generator = _Timed(pipeline._generator, "round", "generation")  # type: ignore[assignment]
    pipeline._checker = _Timed(pipeline._checker, "check", "nli")  # type: ignore[assignment]
    pipeline._embedder = _Timed(pipeline._embedder, "embed", "selection_e5")  # type: ignore[assignment]
    for n in sizes:
        reviews = nsmc_reviews(n)
        TIMES.clear()
        start = time.perf_counter()
        clean(reviews, CleaningSettings(max_reviews=max(n, 1)))
        TIMES["cleaning"] = time.perf_counter() - start
        start = time.perf_counter()
        result = await pipeline.run(SummaryRequest(reviews=tuple(reviews)))
        total = time.perf_counter() - start + TIMES["cleaning"]
        share = {k: round(v / total, 3) for k, v in TIMES.items()}
        print(
            json.dumps(
                {
                    "reviews": n,
                    "seconds": round(total, 2),
                    "share": share,
                    "used": result.reviews_used,
                    "flags": list(result.flags),
                },
                ensure_ascii=False,
            ),
            flush=True,
        )
    await client.close()


def nsmc_groups(count: int, per_group: int) -> list[tuple[str, list[Review]]]:
    """The first `count` NSMC groups (file order), `per_group` reviews each."""
    groups = []
    for path in sorted(NSMC.glob("*.json"))[:count]:
        rows = json.loads(path.read_text(encoding="utf-8"))[:per_group]
        groups.append(
            (path.stem, [Review(str(r["review_id"]), r["review"], (int(r["rating"]) + 1) // 2) for r in rows])
        )
    return groups


def _sample_md(movie: str, reviews: Sequence[Review], result: Any) -> list[str]:
    lines = [
        f"## movie {movie}",
        "",
        f"**summary** ({len(result.summary)} chars, faithfulness "
        f"{result.faithfulness:.2f}, passed {result.passed}, flags {', '.join(result.flags) or '-'}): "
        f"{result.summary}",
        "",
        "| claim | entailment | contradiction | supporting | contradicting | verdict | passed |",
        "|---|---|---|---|---|---|---|",
    ]
    for c in result.claims:
        lines.append(
            f"| {c.claim} | {c.entailment:.2f} | {c.contradiction:.2f} "
            f"| {', '.join(c.supporting_review_ids) or '-'} "
            f"| {', '.join(c.contradicting_review_ids) or '-'} | {c.verdict} | {c.passed} |"
        )
    lines += ["", "<details><summary>reviews</summary>", ""]
    lines += [f"- `{r.id}` ({r.rating}/5) {r.text}" for r in reviews] + ["", "</details>", ""]
    return lines


async def samples(count: int, per_group: int, settings: ReviewSummarySettings, out: Path) -> None:
    """Summaries of NSMC groups: pass / fallback rates, length, and a Markdown page."""
    client = GrpcLmClient(settings.lm_target, default_timeout=300)
    pipeline = build_pipeline(settings, client, asyncio.get_running_loop())
    body: list[str] = []
    stats: dict[str, float] = defaultdict(float)
    for movie, reviews in nsmc_groups(count, per_group):
        result = await pipeline.run(SummaryRequest(reviews=tuple(reviews)))
        stats["groups"] += 1
        stats["generated_passed"] += result.passed and not result.extractive_fallback
        stats["fallback"] += result.extractive_fallback
        stats["unflagged_failing"] += not result.passed and not result.extractive_fallback
        stats["chars"] += len(result.summary)
        body += _sample_md(movie, reviews, result)
        print(movie, result.summary, result.flags, flush=True)
    n = max(stats["groups"], 1)
    figures = {
        "groups": int(stats["groups"]),
        "pass_rate": stats["generated_passed"] / n,
        "fallback_rate": stats["fallback"] / n,
        "unflagged_failing": int(stats["unflagged_failing"]),
        "mean_chars": stats["chars"] / n,
        "scorer": settings.nli_scorer,
    }
    print(json.dumps(figures))
    head = [
        "# review_summary: sample outputs on nsmc-raw-sample",
        "",
        f"Generated by `python bench/review_summary.py --samples {count}` ({per_group} reviews a group, "
        f"NLI scorer `{settings.nli_scorer}`, Gemma 3 270M). Figures: `{json.dumps(figures)}`",
        "",
    ]
    out.write_text("\n".join(head + body), encoding="utf-8")
    await client.close()


def main() -> None:
    """Parses arguments and runs the benchmark."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lm-target", default="127.0.0.1:50051")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 50, 200])
    parser.add_argument("--scorer", default="default", help="NLI scorer: default, hf or lm_judge")
    parser.add_argument("--samples", type=int, default=0, help="instead: summarise this many NSMC groups")
    parser.add_argument("--per-group", type=int, default=12)
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "review_summary_samples.md")
    args = parser.parse_args()
    if not NSMC.exists():
        sys.exit(f"needs {NSMC}")
    settings = ReviewSummarySettings(
        lm_target=args.lm_target, nli_scorer=args.scorer, max_rounds=1 if not args.samples else 2
    )
    if args.samples:
        asyncio.run(samples(args.samples, args.per_group, settings, args.out))
    else:
        asyncio.run(run(args.sizes, settings))


if __name__ == "__main__":
    main()
