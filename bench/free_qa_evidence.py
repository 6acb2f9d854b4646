"""free_qa's evidence checks measured on encyclopedia-style NLI pairs.

Usage::

    python bench/free_qa_evidence.py [--data ../shared/data/klue-nli/klue-nli-v1.1_dev.json]
        [--artefact DIR] [--distractors 2] [--limit 0] [--threads 2]

Items: KLUE-NLI pairs of the non-review genres (wikipedia, wikinews, wikitree, policy), each
premise placed among ``--distractors`` premises of other pairs of the same genre (seeded), as
free_qa sees several retrieved passages. For every item the service's own code runs:

* ``SupportChecker.check(hypothesis, passages)`` (is an answer supported by its cited
  passages?): gold *supported* = entailment. Reports precision, recall and accuracy.
* ``judge_yes_no(hypothesis, passages)`` (a yes/no question's statement, the service's
  confidence floor ``YES_NO_MIN_CONFIDENCE``; the service passes sentences): gold yes =
  entailment, no = contradiction, and a neutral pair should get no NLI answer (abstain).
  Reports the answer rate on yes/no pairs, accuracy among those answered, and how often a
  neutral pair still got an answer.

Thresholds: the ones the service uses for that artefact (its ``config.json``
``extra.thresholds`` when present, else 0.5). Prints one JSON object. The KLUE-NLI dev
file is the v2 model's clean test set; the v1 artefact was trained on it, so its figures on
that file are optimistic.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "klue-nli" / "klue-nli-v1.1_dev.json"
GENRES = ("wikipedia", "wikinews", "wikitree", "policy")


def items(path: Path, distractors: int, seed: int, limit: int) -> list[tuple[str, list[str], str]]:
    """``(hypothesis, passages, gold label)`` for the encyclopedia-style pairs of a KLUE file."""
    records = json.loads(path.read_text(encoding="utf-8"))
    by_genre: dict[str, list[str]] = defaultdict(list)
    for r in records:
        by_genre[r.get("source", r.get("genre", ""))].append(r["premise"])
    rng = random.Random(seed)
    out = []
    for r in records:
        genre = r.get("source", r.get("genre", ""))
        if genre not in GENRES:
            continue
        others = sorted(set(by_genre[genre]) - {r["premise"]})
        passages = rng.sample(others, min(distractors, len(others)))
        passages.insert(rng.randrange(len(passages) + 1), r["premise"])
        out.append((r["hypothesis"], passages, r["gold_label"]))
    return out[:limit] if limit else out


def thresholds_of(artefact: Path | None):
    """The artefact's calibrated thresholds (0.5 each when it records none)."""
    from searchlm.nli.modeling import read_artefact_config
    from searchlm.nli.scorer import DEFAULT_ARTEFACT
    from searchlm.nli.verdict import Thresholds

    record = read_artefact_config(artefact or DEFAULT_ARTEFACT).extra.get("thresholds")
    if not isinstance(record, dict):
        return Thresholds()
    return Thresholds(record["entailment"]["threshold"], record["contradiction"]["threshold"])


class _CachedScorer:
    """Scores every distinct pair once (both checks ask about the same pairs)."""

    def __init__(self, inner: object) -> None:
        self._inner = inner
        self._cache: dict[tuple[str, str], object] = {}

    def prime(self, pairs: list[tuple[str, str]]) -> None:
        todo = list(dict.fromkeys(p for p in pairs if p not in self._cache))
        self._cache.update(zip(todo, self._inner.score(todo), strict=True))  # type: ignore[attr-defined]

    def score(self, pairs):
        self.prime(list(pairs))
        return [self._cache[p] for p in pairs]


def measure(rows: list[tuple[str, list[str], str]], scorer: object, thresholds: object) -> dict[str, object]:
    """Support-check and yes/no figures over the items."""
    from services.free_qa.evidence import SupportChecker, judge_yes_no

    checker = SupportChecker(scorer, terms=lambda s: s.split(), thresholds=thresholds)  # type: ignore[arg-type]
    tp = fp = fn = tn = 0
    yn_answered = yn_right = yn_total = neutral_answered = neutral_total = 0
    for hypothesis, passages, gold in rows:
        supported = checker.check(hypothesis, passages).supported
        tp, fp = tp + (supported and gold == "entailment"), fp + (supported and gold != "entailment")
        fn, tn = fn + (not supported and gold == "entailment"), tn + (not supported and gold != "entailment")
        verdict = judge_yes_no(scorer, hypothesis, passages)  # type: ignore[arg-type]
        if gold == "neutral":
            neutral_total += 1
            neutral_answered += verdict is not None
            continue
        yn_total += 1
        if verdict is not None:
            yn_answered += 1
            yn_right += verdict.yes == (gold == "entailment")
    return {
        "items": len(rows),
        "support_precision": round(tp / max(1, tp + fp), 4),
        "support_recall": round(tp / max(1, tp + fn), 4),
        "support_accuracy": round((tp + tn) / max(1, len(rows)), 4),
        "yes_no_answer_rate": round(yn_answered / max(1, yn_total), 4),
        "yes_no_accuracy_answered": round(yn_right / max(1, yn_answered), 4),
        "neutral_answered_rate": round(neutral_answered / max(1, neutral_total), 4),
    }


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--artefact", type=Path, default=None, help="NLI artefact (default: the shipped one)")
    parser.add_argument("--distractors", type=int, default=2)
    parser.add_argument("--limit", type=int, default=0)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if not args.data.is_file():
        print(json.dumps({"skipped": f"{args.data} not found"}))
        return 0
    from searchlm.nli import open_scorer

    options = {"threads": args.threads} | ({"path": str(args.artefact)} if args.artefact else {})
    scorer = _CachedScorer(open_scorer("default", **options))
    rows = items(args.data, args.distractors, args.seed, args.limit)
    start = time.perf_counter()
    scorer.prime([(p, h) for h, passages, _ in rows for p in passages])
    thresholds = thresholds_of(args.artefact)
    figures = measure(rows, scorer, thresholds)
    figures |= {
        "thresholds": {"entailment": thresholds.entailment, "contradiction": thresholds.contradiction},
        "artefact": str(args.artefact or "shipped"),
        "seconds": round(time.perf_counter() - start, 1),
    }
    print(json.dumps(figures, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
