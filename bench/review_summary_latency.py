"""Latency of the review_summary pipeline on NSMC reviews, cold and warm, with the selection
shortlist against embedding every review (`bench/review_summary_panel.py --latency-sizes`)."""

from __future__ import annotations

import dataclasses
import json
import statistics
from collections.abc import Sequence
from typing import Any

from bench.review_summary import TIMES, nsmc_reviews, summarise
from services.review_summary.pipeline import ReviewSummaryPipeline
from services.review_summary.selection import embedded_chars
from services.review_summary.types import Review


async def _latency_arm(
    pipeline: ReviewSummaryPipeline, reviews: Sequence[Review], repeats: int
) -> dict[str, Any]:
    """Runs `repeats` summaries from a cleared embedding cache (the first run is cold)."""
    cache = pipeline._embedder._inner  # type: ignore[attr-defined]  # _Timed around the CachingEmbedder
    cache.clear()
    TIMES.clear()
    seconds, result = [], None
    for _ in range(repeats):
        result, s = await summarise(pipeline, reviews)
        seconds.append(s)
    assert result is not None
    return {
        "p50_s": round(statistics.median(seconds), 2),
        "runs": [round(s, 2) for s in seconds],
        "share": {k: round(v / sum(seconds), 3) for k, v in TIMES.items()},
        "summary": result.summary,
        "statements": [f"{a.statement} ({a.support_count})" for a in result.aspects],
    }


async def print_latency(pipeline: ReviewSummaryPipeline, n: int, repeats: int) -> None:
    """Prints p50 seconds and time shares of summarising `n` NSMC reviews `repeats` times.

    Each arm starts from a cleared embedding cache, after a warm-up on `n` other reviews (a
    running server's first request for a new product: the cache is cold, the process is not).
    Where the reviews exceed the selection shortlist, they are also run with every review
    embedded, the baseline of what selection cost before the shortlist.
    """
    more = nsmc_reviews(2 * n)
    reviews, warm_up = more[:n], more[n:] or more[:n]
    served = pipeline._settings
    arms = [("served", served)]
    embedded = sum(embedded_chars(r) for r in reviews)
    if 0 < served.selection_shortlist_chars < embedded:
        arms.insert(0, ("embed_all", dataclasses.replace(served, selection_shortlist_chars=0)))
    rows = {}
    for arm, settings in arms:
        pipeline._settings = settings
        try:
            await summarise(pipeline, warm_up)
            rows[arm] = await _latency_arm(pipeline, reviews, repeats)
        finally:
            pipeline._settings = served
        print(json.dumps({"latency_reviews": n, "arm": arm, **rows[arm]}, ensure_ascii=False), flush=True)
    if len(rows) == 2:
        cold = rows["served"]["runs"][0] / rows["embed_all"]["runs"][0]
        same = set(rows["served"]["statements"]) == set(rows["embed_all"]["statements"])
        out = {
            "latency_reviews": n,
            "cold_ratio_served_vs_embed_all": round(cold, 3),
            "same_statements": same,
        }
        print(json.dumps(out), flush=True)
