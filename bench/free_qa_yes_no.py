"""free_qa's yes/no answers on a yes/no set built from KorQuAD (`eval.data.yes_no`).

Usage::

    python bench/free_qa_yes_no.py [--data-dir ../shared/data] [--limit 0] [--threads 2]

Every item is a yes/no question (or a claim to check) in one of eight Korean forms, with the
gold paragraph among two other paragraphs of its article. The service's own code runs:

* detection: ``classify_by_rules`` must call it YES_NO (no LM);
* the statement: ``declarative(question)`` ("...사람은 프레디 머큐리인가?" -> "...머큐리이다.");
* the verdict: NLI v2 over premises cut three ways, combined two ways:

  - premises ``passages`` (whole passages) / ``sentences`` (every sentence of every passage)
    / ``pairs`` (every two consecutive sentences);
  - rule ``tally`` (`SourceTally.verdict`: the claim-level one-verdict rule over all premises,
    shipped pair thresholds) or ``max`` (`judge_yes_no`, what the service runs: the premise
    with the highest entailment or contradiction probability decides).

  The service runs ``sentences/max`` (``yes_no_premises`` + ``judge_yes_no``) with the
  threshold this benchmark chose (``YES_NO_MIN_CONFIDENCE``).

With ``--reader``, the extractive reader's slot check (`services.free_qa.slot_check`: a
copular claim's complement masked with a question word and read back) is measured alone and
in both orders with the served NLI rule. Its confidence floor is chosen on the TUNE articles
only (the reader was trained on the train articles, whose questions the masked claims nearly
repeat), the same way: the lowest floor whose tune accuracy among answered is >= the target.

For each combination the confidence threshold below which the service abstains is chosen
on the TRAINING side (the reader's train+tune articles: nothing in the yes/no path was trained
on KorQuAD, but held-out articles are never used for a choice): the lowest threshold whose
training-side accuracy among answered items is >= ``--target-accuracy``. Reported on the
held-out articles: answer rate, accuracy among answered (95 % bootstrap CI), detection rate,
by form and by gold polarity, and the coverage-vs-accuracy curve. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

DEFAULT_DATA = ROOT.parent / "shared" / "data"
CUTS = ("passages", "sentences", "pairs")
RULES = ("tally", "max")
GRID = tuple(round(0.34 + 0.02 * i, 2) for i in range(33))  # 0.34 .. 0.98


class _Cached:
    """A scorer answering from the scores computed once for every pair."""

    def __init__(self, scores: dict) -> None:
        self._scores = scores

    def score(self, pairs):
        return [self._scores[p] for p in pairs]


def premises_of(cut: str, passages: Sequence[str], split: Callable[[str], list[str]]) -> list[str]:
    """The NLI premises of one item under a cut."""
    from services.free_qa.evidence import yes_no_premises

    if cut == "passages":
        return list(passages)
    if cut == "sentences":
        return [sentence for _, sentence in yes_no_premises(passages, split)]
    by_passage = [split(p) or [p] for p in passages]
    return [" ".join(ss[i : i + 2]) for ss in by_passage for i in range(max(1, len(ss) - 1))]


def decide(
    rule: str, statement: str, premises: list[str], scores: dict, thresholds
) -> tuple[bool, float] | None:
    """(yes, confidence) of one item, or None when the rule gives no side."""
    from searchlm.nli.verdict import SourceTally
    from searchlm.nli.verdict import Verdict as NliVerdict
    from services.free_qa.evidence import judge_yes_no

    pair = [scores[(p, statement)] for p in premises]
    if rule == "max":  # judge_yes_no at the lowest floor: the confidence is thresholded below
        verdict = judge_yes_no(_Cached(scores), statement, premises, min_confidence=1e-9)
        return None if verdict is None else (verdict.yes, verdict.confidence)
    tally = SourceTally(thresholds)
    for i, s in enumerate(pair):
        tally.add((str(i),), s)
    verdict = tally.verdict()
    if verdict is NliVerdict.NEUTRAL:
        return None
    return verdict is NliVerdict.ENTAILED, tally.strength(verdict)


def figures(rows: list[tuple[bool, tuple[bool, float] | None]], threshold: float) -> dict[str, float]:
    """Answer rate and accuracy among answered at one confidence threshold."""
    answered = [(gold, d[0]) for gold, d in rows if d is not None and d[1] >= threshold]
    right = sum(gold == yes for gold, yes in answered)
    return {
        "answer_rate": round(len(answered) / max(1, len(rows)), 4),
        "accuracy_answered": round(right / max(1, len(answered)), 4),
        "accuracy_all": round(right / max(1, len(rows)), 4),
    }


def bootstrap_ci(rows, threshold: float, n: int = 1000, seed: int = 13) -> list[float]:
    """95 % bootstrap CI of accuracy among answered."""
    rng = random.Random(seed)
    values = []
    for _ in range(n):
        sample = [rows[rng.randrange(len(rows))] for _ in rows]
        values.append(figures(sample, threshold)["accuracy_answered"])
    values.sort()
    return [values[int(0.025 * n)], values[int(0.975 * n) - 1]]


def choose_threshold(rows, target: float) -> float:
    """Lowest grid threshold with training-side accuracy among answered >= target (else the best)."""
    for t in GRID:
        if figures(rows, t)["accuracy_answered"] >= target:
            return t
    return max(GRID, key=lambda t: figures(rows, t)["accuracy_answered"])


def nli_scores(scorer, pairs: list[tuple[str, str]], cache: Path | None) -> dict:
    """NLI scores of `pairs`, from `cache` when it holds them all (else scored and written there)."""
    from searchlm.nli.types import NliScores

    if cache is not None and cache.is_file():
        stored = {(p, h): NliScores(*s) for p, h, s in json.loads(cache.read_text(encoding="utf-8"))}
        if all(pair in stored for pair in pairs):
            return stored
    scores = dict(zip(pairs, scorer.score(pairs), strict=True))
    if cache is not None:
        rows = [[p, h, [s.entailment, s.neutral, s.contradiction]] for (p, h), s in scores.items()]
        cache.write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    return scores


READER_GRID = tuple(round(0.05 * i, 2) for i in range(19))  # 0.0 .. 0.9


def slot_rows(items, statements: dict[str, str], threads: int) -> tuple[dict, float]:
    """qid -> (yes, confidence) of the reader's slot check (None: no slot or no span), and the
    mean seconds of one read."""
    from services.free_qa import kiwi_text
    from services.free_qa.adapters.reader import open_reader
    from services.free_qa.factory import READER_CUTS
    from services.free_qa.reader_answerer import ReaderConfig
    from services.free_qa.reader_context import focus_contexts
    from services.free_qa.settings import FreeQaSettings
    from services.free_qa.slot_check import focus_slot, judge_slot

    reader = open_reader("default", threads=threads)
    served = ReaderConfig()  # what the service reads of the passages
    out: dict[str, tuple[bool, float] | None] = {}
    reads, start = 0, time.perf_counter()
    for item in items:
        slot = focus_slot(statements[item.qid], kiwi_text.morphemes(statements[item.qid]))
        texts = focus_contexts(
            slot.question if slot else "",
            item.passages,
            analyse=READER_CUTS[FreeQaSettings().reader_context_cut],
            terms=kiwi_text.terms,
            max_chars=served.context_chars,
            total_chars=0,  # the slot check reads each passage's own budget, as the service does
        )
        verdict = None if slot is None else judge_slot(reader.read, slot, texts, 0.0)
        reads += slot is not None
        out[item.qid] = None if verdict is None else (verdict.yes, verdict.confidence)
    return out, (time.perf_counter() - start) / max(1, reads)


ORDERS = {"reader": ("reader",), "nli_then_reader": ("nli", "reader"), "reader_then_nli": ("reader", "nli")}


def chained(order: Sequence[str], found: dict[str, tuple[bool, float] | None], floors: dict[str, float]):
    """The first of `order`'s checks that answers at its floor: (yes, 1.0), or None."""
    for check in order:
        verdict = found[check]
        if verdict is not None and verdict[1] >= floors[check]:
            return verdict[0], 1.0
    return None


def reader_report(sides, served_nli: dict, nli_floor: float, slots: dict, target: float) -> dict[str, object]:
    """The slot check alone and with the served NLI rule, its floor chosen on the tune side."""

    def rows(side: str, order: Sequence[str], floor: float):
        floors = {"nli": nli_floor, "reader": floor}
        return [
            (i.gold_yes, chained(order, {"nli": served_nli[i.qid], "reader": slots[i.qid]}, floors))
            for i in sides[side]
        ]

    report: dict[str, object] = {}
    for name, order in ORDERS.items():
        floor = next(
            (f for f in READER_GRID if figures(rows("tune", order, f), 0.5)["accuracy_answered"] >= target),
            READER_GRID[-1],
        )
        held = rows("heldout", order, floor)
        by_gold = {g: [r for r in held if r[0] == (g == "yes")] for g in ("yes", "no")}
        report[name] = {
            "reader_floor": floor,
            "tune": figures(rows("tune", order, floor), 0.5),
            "heldout": figures(held, 0.5) | {"accuracy_answered_ci": bootstrap_ci(held, 0.5)},
            "heldout_by_gold": {g: figures(r, 0.5) for g, r in by_gold.items()},
            "heldout_curve": [
                {"reader_floor": f} | figures(rows("heldout", order, f), 0.5) for f in READER_GRID[::2]
            ],
        }
    return report


def slot_section(sides, tune, statements, cut_premises, scores, args) -> dict[str, object]:
    """The reader's slot check (`--reader`): alone and in both orders with the served NLI rule."""
    from searchlm.nli.verdict import SHIPPED_THRESHOLDS
    from services.free_qa.evidence import YES_NO_MIN_CONFIDENCE

    served = {
        i.qid: decide(
            "max", statements[i.qid], cut_premises[("sentences", i.qid)], scores, SHIPPED_THRESHOLDS
        )
        for v in sides.values()
        for i in v
    }
    with_tune = {"tune": tune, "heldout": sides["heldout"]}
    slots, per_read = slot_rows(tune + sides["heldout"], statements, args.threads)
    found = {
        k: round(sum(slots[i.qid] is not None for i in v) / max(1, len(v)), 4) for k, v in with_tune.items()
    }
    report = reader_report(with_tune, served, YES_NO_MIN_CONFIDENCE, slots, args.target_accuracy)
    return report | {"slot_found": found, "seconds_per_read": round(per_read, 3)}


def parse_args() -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=0, help="items per side (0 = all)")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--target-accuracy", type=float, default=0.80)
    parser.add_argument("--reader", action="store_true", help="also the reader's slot check")
    parser.add_argument("--cuts", default=",".join(CUTS), help="premise cuts to score (comma-separated)")
    parser.add_argument("--nli-cache", type=Path, help="JSON of NLI scores: read if present, else written")
    return parser.parse_args()


def load_sides(args: argparse.Namespace) -> tuple[dict[str, list], list]:
    """The train (train + tune) and held-out items, and the tune items among the train side."""
    from eval.data.yes_no import load_yes_no

    sides = {
        "train": load_yes_no(args.data_dir, ["train", "tune"]),
        "heldout": load_yes_no(args.data_dir, ["heldout"]),
    }
    if args.limit:
        sides = {k: v[: args.limit] for k, v in sides.items()}
    tune = [i for i in load_yes_no(args.data_dir, ["tune"]) if i.qid in {j.qid for j in sides["train"]}]
    return sides, tune


def combination(rows: dict[str, list], heldout: list, target_accuracy: float) -> dict[str, object]:
    """Figures of one premise cut and rule: threshold chosen on the train side, held-out figures."""
    t = choose_threshold(rows["train"], target_accuracy)
    held = rows["heldout"]
    by_form: dict[str, list] = defaultdict(list)
    by_gold: dict[str, list] = defaultdict(list)
    for item, row in zip(heldout, held, strict=True):
        by_form[item.form].append(row)
        by_gold["yes" if item.gold_yes else "no"].append(row)
    return {
        "threshold": t,
        "train": figures(rows["train"], t),
        "heldout": figures(held, t) | {"accuracy_answered_ci": bootstrap_ci(held, t)},
        "heldout_by_gold": {g: figures(r, t) for g, r in sorted(by_gold.items())},
        "heldout_by_form": {f: figures(r, t) for f, r in sorted(by_form.items())},
        "heldout_curve": [{"threshold": g} | figures(held, g) for g in GRID[::3]],
    }


class Scored(NamedTuple):
    """Each item's statement, its premises by cut, the NLI scores of the (premise, statement)
    pairs (a cache may hold more), how many pairs there are, and the seconds they took."""

    statements: dict[str, str]
    cut_premises: dict[tuple[str, str], list[str]]
    scores: dict
    pairs: int
    seconds: float


def score_premises(sides: dict[str, list], cuts: list[str], scorer, cache: Path | None) -> Scored:
    """`Scored` of every item of `sides` under every premise cut."""
    from searchlm import text as korean
    from services.free_qa.evidence import declarative

    start = time.perf_counter()
    statements = {i.qid: declarative(i.question) for v in sides.values() for i in v}
    cut_premises = {
        (cut, i.qid): premises_of(cut, i.passages, korean.sentences)
        for cut in cuts
        for v in sides.values()
        for i in v
    }
    pairs = list(dict.fromkeys((p, statements[qid]) for (_, qid), ps in cut_premises.items() for p in ps))
    scores = nli_scores(scorer, pairs, cache)
    return Scored(statements, cut_premises, scores, len(pairs), time.perf_counter() - start)


def main() -> int:
    args = parse_args()
    if not (args.data_dir / "korquad1.0").is_dir():
        print(json.dumps({"skipped": f"{args.data_dir}/korquad1.0 not found"}))
        return 0
    from searchlm.nli import open_scorer
    from searchlm.nli.verdict import SHIPPED_THRESHOLDS
    from services.free_qa.kinds import classify_by_rules
    from services.free_qa.types import QuestionKind

    sides, tune = load_sides(args)
    scorer = open_scorer("default", threads=args.threads)
    cuts = [c for c in args.cuts.split(",") if c in CUTS] + (["sentences"] if args.reader else [])
    cuts = list(dict.fromkeys(cuts))
    statements, cut_premises, scores, pairs, nli_seconds = score_premises(sides, cuts, scorer, args.nli_cache)

    report: dict[str, object] = {"items": {k: len(v) for k, v in sides.items()}, "pairs_scored": pairs}
    report["detected_yes_no"] = {
        k: round(sum(classify_by_rules(i.question) is QuestionKind.YES_NO for i in v) / max(1, len(v)), 4)
        for k, v in sides.items()
    }
    report["combinations"] = {
        f"{cut}/{rule}": combination(
            {
                k: [
                    (
                        i.gold_yes,
                        decide(
                            rule, statements[i.qid], cut_premises[(cut, i.qid)], scores, SHIPPED_THRESHOLDS
                        ),
                    )
                    for i in v
                ]
                for k, v in sides.items()
            },
            sides["heldout"],
            args.target_accuracy,
        )
        for cut in cuts
        for rule in RULES
    }
    if args.reader:
        report["reader_slot"] = slot_section(sides, tune, statements, cut_premises, scores, args)
    report["nli_seconds"] = round(nli_seconds, 1)
    report["thresholds"] = {
        "entailment": SHIPPED_THRESHOLDS.entailment,
        "contradiction": SHIPPED_THRESHOLDS.contradiction,
    }
    print(json.dumps(report, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
