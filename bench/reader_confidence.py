"""Fit and measure free_qa's answer confidence: reader + retrieval + support (issue 17).

    python bench/reader_confidence.py --threads 2                 # fit on tune, report held-out
    python bench/reader_confidence.py --threads 2 --write         # ... and write the shipped model
    python bench/reader_confidence.py --limit 20 --threads 2      # smoke run (no --write)

One run reads the reader's tune articles (training side) and its held-out articles (KorQuAD 1.0
dev, as `bench/reader.py` recreates them), each question over the first 3 passages of the
service's hybrid retrieval (the same index as `bench/reader.py --retrieved`), with the reader
(top 2 answers) and the feature-ranked spans the service falls back to. Per question it keeps
the signals `services.free_qa.reader_answerer.answer_signals` gives the service.

Then, on the tune questions only, it fits `reader_confidence.fit_confidence` (logistic, L2) and
chooses each confidence's threshold as the one that maximises the served EM there (the reader's
answer at or above it, else the spans' answer), for the reader's own confidence and for the
fitted one. On the held-out questions it reports, for both: AUC of the confidence for "the
reader's answer is right" (exact match), the served EM / F1 at the tune-chosen threshold, and
the coverage-vs-EM curve (share the reader answers, its EM there). ``--write`` stores the
fitted model, its threshold and these figures in ``services/free_qa/data/reader_confidence.json``.
Reads are cached in ``<out>/reads-<split>.jsonl`` (``--fresh`` re-reads).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

import numpy as np  # noqa: E402
from tqdm import tqdm  # noqa: E402

from bench.reader import heldout, open_bench_reader, retrieved_passages  # noqa: E402
from eval.metrics.qa import best_char_f1, best_exact_match  # noqa: E402
from searchlm.reader import DEFAULT_ARTEFACT  # noqa: E402
from searchlm.reader.training.data import first  # noqa: E402
from searchlm.reader.training.settings import DEFAULT_DATA_DIR  # noqa: E402
from searchlm.reader.types import SpanAnswer  # noqa: E402
from services.free_qa import kiwi_text  # noqa: E402
from services.free_qa.factory import READER_CUTS  # noqa: E402
from services.free_qa.reader_answerer import answer_signals, sentence_at  # noqa: E402
from services.free_qa.reader_confidence import (  # noqa: E402
    DEFAULT_PATH,
    FEATURES,
    AnswerConfidence,
    feature_vector,
    fit_confidence,
    save_confidence,
)
from services.free_qa.reader_context import focus_contexts  # noqa: E402
from services.free_qa.settings import FreeQaSettings  # noqa: E402
from services.free_qa.span_answerer import SpanAnswerer, SpanConfig  # noqa: E402

THRESHOLDS = tuple(round(t, 2) for t in np.arange(0.0, 1.0, 0.05))


@dataclass(frozen=True)
class Row:
    """One question: the reader's best answer and its signals, and the spans' answer."""

    golds: tuple[str, ...]
    reader: str | None
    features: tuple[float, ...] | None
    reader_confidence: float
    spans: str | None


def read_split(args: argparse.Namespace, split: str) -> list[Row]:
    """Reads of one split (cached as JSON lines)."""
    budget = f"-chars{args.context_chars}" if args.context_chars else ""
    budget += f"-total{args.total_chars}" if args.total_chars else ""
    cache = args.out / f"reads-{split}{'-limit' + str(args.limit) if args.limit else ''}{budget}.jsonl"
    if cache.is_file() and not args.fresh:
        return [
            Row(**{**r, "golds": tuple(r["golds"])}) for r in map(json.loads, cache.open(encoding="utf-8"))
        ]
    args.split = split
    examples = first(heldout(args), args.limit)
    passages = retrieved_passages(args, examples)
    reader = open_bench_reader(args)
    spans = SpanAnswerer(
        tag=kiwi_text.morphemes, split=kiwi_text.split_sentences, terms=kiwi_text.terms, config=SpanConfig()
    )
    rows = []
    for i, ex in enumerate(tqdm(examples, desc=f"read {split}")):
        shown = passages(i, ex)
        ranked = spans.rank(ex.question, shown)
        texts = focus_contexts(
            ex.question,
            [p.passage.text for p in shown],
            analyse=READER_CUTS[FreeQaSettings().reader_context_cut],
            terms=kiwi_text.terms,
            max_chars=args.context_chars,
            total_chars=args.total_chars,
        )
        answers: list[SpanAnswer] = reader.read(ex.question, texts, top_k=2)
        best = answers[0] if answers else None
        features = None
        if best is not None:
            text = texts[best.passage_index]
            sentence = sentence_at(text, best.start, best.end, kiwi_text.split_sentences)
            signals = answer_signals(ex.question, answers, shown, sentence, kiwi_text.terms)
            features = tuple(feature_vector(signals))
        rows.append(
            Row(
                ex.answers,
                best.text if best else None,
                features,
                best.confidence if best else 0.0,
                ranked[0].text if ranked else None,
            )
        )
    args.out.mkdir(parents=True, exist_ok=True)
    with cache.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r.__dict__, ensure_ascii=False) + "\n")
    return rows


def right(row: Row) -> bool:
    return bool(row.reader) and best_exact_match(row.reader or "", row.golds) == 1.0


def auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """Area under the ROC curve (ties averaged)."""
    s, y = np.asarray(scores, dtype=np.float64), np.asarray(labels, dtype=bool)
    order = np.argsort(s, kind="stable")
    ranks = np.empty(len(s))
    ranks[order] = np.arange(1, len(s) + 1)
    for value in np.unique(s):  # average ranks of ties
        tied = s == value
        ranks[tied] = ranks[tied].mean()
    pos, neg = y.sum(), (~y).sum()
    return float((ranks[y].sum() - pos * (pos + 1) / 2) / (pos * neg)) if pos and neg else float("nan")


def served(rows: Sequence[Row], conf: Sequence[float], threshold: float) -> dict[str, float]:
    """EM / F1 when the reader answers at ``threshold`` and above, the spans below."""
    texts = [r.reader if r.reader and c >= threshold else r.spans for r, c in zip(rows, conf, strict=True)]
    n = max(1, len(rows))
    return {
        "em": sum(best_exact_match(t, r.golds) for t, r in zip(texts, rows, strict=True) if t) / n,
        "f1": sum(best_char_f1(t, r.golds) for t, r in zip(texts, rows, strict=True) if t) / n,
        "reader_answers": sum(bool(r.reader) and c >= threshold for r, c in zip(rows, conf, strict=True)) / n,
    }


def curve(rows: Sequence[Row], conf: Sequence[float]) -> list[dict[str, float]]:
    """Per threshold: share the reader answers and its EM there."""
    out = []
    for t in THRESHOLDS:
        kept = [r for r, c in zip(rows, conf, strict=True) if r.reader and c >= t]
        out.append(
            {
                "threshold": t,
                "answered": len(kept) / max(1, len(rows)),
                "em": sum(map(right, kept)) / max(1, len(kept)),
            }
        )
    return out


def confidences(rows: Sequence[Row], model: AnswerConfidence | None) -> list[float]:
    if model is None:
        return [r.reader_confidence for r in rows]
    probs = model.probabilities([r.features or [0.0] * len(FEATURES) for r in rows])
    return [float(p) if r.features else 0.0 for p, r in zip(probs, rows, strict=True)]


def best_threshold(rows: Sequence[Row], conf: Sequence[float]) -> float:
    """The threshold of the best served EM (ties: the lowest)."""
    return max(THRESHOLDS, key=lambda t: (served(rows, conf, t)["em"], -t))


def report(tune: Sequence[Row], held: Sequence[Row], model: AnswerConfidence) -> dict[str, Any]:
    out: dict[str, Any] = {"n_tune": len(tune), "n_heldout": len(held)}
    for name, m in (("reader_confidence", None), ("calibrated", model)):
        t = best_threshold(tune, confidences(tune, m))
        conf = confidences(held, m)
        answered = [(c, right(r)) for r, c in zip(held, conf, strict=True) if r.reader]
        out[name] = {
            "threshold": t,
            "tune": served(tune, confidences(tune, m), t),
            "heldout": served(held, conf, t),
            "heldout_auc": auc([c for c, _ in answered], [y for _, y in answered]),
            "heldout_curve": curve(held, conf),
        }
    return out


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--artefact", type=Path, default=DEFAULT_ARTEFACT)
    parser.add_argument("--limit", type=int, default=0, help="first N questions of each split (0: all)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--device", default="auto")
    parser.add_argument("--dtype", default="auto")
    parser.add_argument("--l2", type=float, default=1.0, help="ridge penalty of the logistic fit")
    parser.add_argument("--index-dir", type=Path, default=Path("/tmp/searchlm-free-qa/korquad"))
    parser.add_argument("--cache-dir", type=Path, default=Path("/tmp/searchlm-free-qa/cache"))
    parser.add_argument("--out", type=Path, default=ROOT / "runs/reader-confidence")
    parser.add_argument("--fresh", action="store_true", help="re-read instead of using cached reads")
    parser.add_argument(
        "--context-chars", type=int, default=0, help="reader context budget per passage (0: whole passages)"
    )
    parser.add_argument(
        "--total-chars", type=int, default=0, help="reader context budget over all passages (0: none)"
    )
    parser.add_argument("--write", action="store_true", help=f"write the fitted model to {DEFAULT_PATH}")
    args = parser.parse_args(argv)
    args.random_head = False
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    tune, held = read_split(args, "tune"), read_split(args, "heldout")
    fit_rows = [r for r in tune if r.features]
    budget = f" retrieved, cut to {args.context_chars} characters" if args.context_chars else " retrieved"
    budget += f", {args.total_chars} in all" if args.total_chars else ""
    model = fit_confidence(
        [r.features for r in fit_rows if r.features],
        [right(r) for r in fit_rows],
        l2=args.l2,
        fitted_on=f"KorQuAD 1.0 dev, reader tune articles ({len(fit_rows)} questions), top 3{budget}",
    )
    summary = report(tune, held, model)
    model = AnswerConfidence(
        model.weights,
        model.bias,
        model.means,
        model.scales,
        summary["calibrated"]["threshold"],
        model.fitted_on,
    )
    summary["weights"] = dict(zip(FEATURES, model.weights, strict=True))
    print(json.dumps(summary, indent=1, ensure_ascii=False))
    if args.write and not args.limit:
        figures: dict[str, Any] = {k: summary[k] for k in ("n_tune", "n_heldout")}
        figures["context_chars"] = args.context_chars
        figures["context_total_chars"] = args.total_chars
        figures["heldout"] = {
            name: {k: summary[name][k] for k in ("threshold", "heldout", "heldout_auc")}
            for name in ("reader_confidence", "calibrated")
        }
        save_confidence(model, DEFAULT_PATH, extra={"figures": figures})
        print(f"wrote {DEFAULT_PATH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
