"""How the opinion panel should ask NLI about a statement with no subject ("좋다", "재미없다").

Usage::

    python bench/review_summary_overall.py [--reviews 600] [--skip 50]

A statement about the product as a whole is supported only by reviews whose own words the
opinion extractor read as saying it (`FaithfulnessChecker.review_support(confirmed_only=...)`);
NLI is the second signal that may veto. Named aspects are measured the same way (their reviews
need the same bar). This measures, for each way of writing the NLI hypothesis and each
entailment bar, how often NLI agrees with the extractor on reviews whose
rating agrees with the unit's polarity (kept: higher is better) and on reviews whose rating
says the opposite (extractor errors, irony: lower is better).

Reviews: NSMC (`../shared/data/nsmc-raw-sample`), each movie's reviews after the first `--skip`
(50): the panel benchmark's quality figures read only each movie's first 10 and 50 reviews,
so the choice made here is not tuned on them. Ratings 1-10 mapped to 1-5; agreeing = 4-5 for
praise, 1-2 for complaint.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.review_summary import NSMC  # noqa: E402
from bench.review_summary_panel import _NoLm  # noqa: E402
from services.review_summary import realiser  # noqa: E402
from services.review_summary.factory import build_pipeline  # noqa: E402
from services.review_summary.opinions import OVERALL, OpinionUnit  # noqa: E402
from services.review_summary.settings import ReviewSummarySettings  # noqa: E402
from services.review_summary.types import Review  # noqa: E402

BARS = (0.3, 0.4, 0.5)


def held_apart_reviews(skip: int, limit: int, seed: int = 0) -> list[Review]:
    """Every movie's reviews after its first `skip`, `limit` of them drawn at random."""
    reviews = []
    for path in sorted(NSMC.glob("*.json")):
        rows = json.loads(path.read_text(encoding="utf-8"))[skip:]
        reviews += [Review(str(r["review_id"]), r["review"], (int(r["rating"]) + 1) // 2) for r in rows]
    random.Random(seed).shuffle(reviews)
    return reviews[:limit]


def templates(join: realiser.Joiner) -> dict[str, Callable[[realiser.Phrase], str]]:
    """Hypothesis writings of a statement: plain, and as what one review's verdict is."""
    return {
        "plain (좋다)": lambda p: realiser.statement(p, join),
        "reported (좋다는 평이다)": lambda p: realiser.conjugate(p, 2, join) + " 평이다",
        "opinion (좋다는 의견이다)": lambda p: realiser.conjugate(p, 2, join) + " 의견이다",
        "subject (이것은 좋다)": lambda p: _subject("이것은", p, join),
        "adverb (전체적으로 좋다)": lambda p: _subject("전체적으로", p, join),
        "movie subject (이 영화는 좋다; NSMC only)": lambda p: _subject("이 영화는", p, join),
    }


def _subject(words: str, phrase: realiser.Phrase, join: realiser.Joiner) -> str:
    """A subject-less statement with `words` in front; a named aspect's stays as it is."""
    statement = realiser.statement(phrase, join)
    return statement if phrase.aspect else f"{words} {statement}"


def _phrase(unit: OpinionUnit, plain: bool) -> realiser.Phrase:
    """The statement the panel would check for the unit's group (its own wording, or the plain
    "좋다" it adds to every praising group)."""
    aspect = "" if unit.implied else unit.aspect
    if plain:
        return realiser.Phrase(aspect, (("좋", "VA"),), False, 0.0, 1)
    return realiser.Phrase(aspect, unit.predicate, unit.negated, 0.0, unit.polarity)


async def main_async(args: argparse.Namespace) -> None:
    pipeline = build_pipeline(ReviewSummarySettings(), _NoLm(), asyncio.get_running_loop())  # type: ignore[arg-type]
    panel = pipeline._panel
    assert panel is not None
    reviews = held_apart_reviews(args.skip, args.reviews)
    all_units = panel.units(reviews)
    by_id = {r.id: r for r in reviews}
    scorer = panel._checker._scorer  # the service's NLI model
    whole = [u for u in all_units if u.aspect == OVERALL]
    kinds = {
        "the whole, the unit's own wording": (whole, False),
        "the whole, plain 좋다 for praise": ([u for u in whole if u.polarity > 0], True),
        "a named aspect, the unit's own wording": ([u for u in all_units if u.aspect != OVERALL], False),
    }
    for name, write in templates(panel._join).items():
        if args.templates and not any(t in name for t in args.templates):
            continue
        for kind, (units, plain) in kinds.items():
            if args.whole_only and units and units[0].aspect != OVERALL:
                continue
            rows = [(u, write(_phrase(u, plain))) for u in units]
            scores = scorer.score([(by_id[u.review_id].text[:200], h) for u, h in rows])
            agree = [s.entailment for (u, _), s in zip(rows, scores, strict=True) if _agrees(u, by_id)]
            oppose = [s.entailment for (u, _), s in zip(rows, scores, strict=True) if _opposes(u, by_id)]
            print(
                json.dumps(
                    {
                        "hypothesis": name,
                        "statement": kind,
                        "units_agreeing": len(agree),
                        "units_opposing": len(oppose),
                        **{f"kept_agreeing@{b}": _share(agree, b) for b in BARS},
                        **{f"kept_opposing@{b}": _share(oppose, b) for b in BARS},
                    },
                    ensure_ascii=False,
                ),
                flush=True,
            )


def _agrees(unit: OpinionUnit, by_id: dict[str, Review]) -> bool:
    rating = by_id[unit.review_id].rating
    return rating >= 4 if unit.polarity > 0 else 1 <= rating <= 2


def _opposes(unit: OpinionUnit, by_id: dict[str, Review]) -> bool:
    rating = by_id[unit.review_id].rating
    return 1 <= rating <= 2 if unit.polarity > 0 else rating >= 4


def _share(values: list[float], bar: float) -> float:
    return round(sum(v >= bar for v in values) / len(values), 3) if values else 0.0


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reviews", type=int, default=3000, help="held-apart reviews read")
    parser.add_argument("--skip", type=int, default=50, help="each movie's first reviews left out")
    parser.add_argument("--templates", nargs="*", default=[], help="only hypothesis writings naming these")
    parser.add_argument("--whole-only", action="store_true", help="only statements about the whole")
    asyncio.run(main_async(parser.parse_args()))


if __name__ == "__main__":
    main()
