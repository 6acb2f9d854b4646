"""Throughput of the shipped Korean NLI scorer on CPU.

Usage::

    python bench/nli.py [--threads 2] [--batch-size 32] [--pairs 256] [--dtype auto]

Prints pairs/s for pairs of exactly 128 tokens (the target figure) and for
the natural lengths of the held-out pairs when ``../shared/data`` exists, for
the float32 baseline and the precision under test (``auto``: what the services
use on this machine), measured in the same run, and their ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")

# Written for the benchmark; repeated and truncated to fill the token budget.
_PREMISE = (
    "이 숙소는 역에서 걸어서 오 분 거리에 있고 객실이 넓고 깨끗했습니다. 직원들은 친절했으며 "
    "조식은 종류가 다양했지만 커피 맛은 평범했습니다. 밤에는 주변이 조용해서 잠을 잘 잤습니다. "
)
_HYPOTHESIS = "숙소는 역에서 멀리 떨어져 있어서 택시를 타야 했습니다. " * 4


def fixed_length_pairs(scorer: object, n: int, tokens: int) -> list[tuple[str, str]]:
    """``n`` pairs whose encoding is exactly ``tokens`` long after truncation."""
    tok = scorer.tokenizer  # type: ignore[attr-defined]
    pair = (_PREMISE * 8, _HYPOTHESIS)
    assert len(tok.encode_pairs([pair], tokens)[0]) == tokens
    return [pair] * n


def throughput(scorer: object, pairs: list[tuple[str, str]], rounds: int = 2) -> float:
    """Best-of-``rounds`` pairs per second (after one warm-up batch)."""
    scorer.score(pairs[:8])  # type: ignore[attr-defined]
    best = 0.0
    for _ in range(rounds):
        start = time.perf_counter()
        scorer.score(pairs)  # type: ignore[attr-defined]
        best = max(best, len(pairs) / (time.perf_counter() - start))
    return best


def heldout_sample(data_dir: Path, n: int) -> list[tuple[str, str]]:
    """First ``n`` test pairs (KLUE-NLI dev, held out), or [] without data."""
    from searchlm.nli.training.data import load_test

    if not (data_dir / "klue-nli").is_dir():
        return []
    return [(e.premise, e.hypothesis) for e in load_test(data_dir)[:n]]


def measure(scorer: object, args: argparse.Namespace, natural: list[tuple[str, str]]) -> dict[str, object]:
    """pairs/s at the fixed length and at held-out lengths, and one-pair latency."""
    out: dict[str, object] = {
        "pairs_per_s_fixed_tokens": round(
            throughput(scorer, fixed_length_pairs(scorer, args.pairs, args.tokens)), 2
        )
    }
    if natural:
        out["pairs_per_s_heldout_lengths"] = round(throughput(scorer, natural), 2)
    single = fixed_length_pairs(scorer, 1, args.tokens)
    start = time.perf_counter()
    for _ in range(5):
        scorer.score(single)  # type: ignore[attr-defined]
    out["latency_ms_one_pair_fixed_tokens"] = round((time.perf_counter() - start) / 5 * 1000, 1)
    return out


def main() -> None:
    """Run the benchmark and print a JSON object of figures."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--pairs", type=int, default=256)
    parser.add_argument("--tokens", type=int, default=128)
    parser.add_argument(
        "--dtype", default="auto", help="precision under test (auto, bfloat16, float16, float32)"
    )
    parser.add_argument("--data-dir", type=Path, default=ROOT.parent / "shared" / "data")
    args = parser.parse_args()

    import torch

    from searchlm.nli.scorer import CrossEncoderEntailmentScorer

    figures: dict[str, object] = {
        "threads": args.threads,
        "batch_size": args.batch_size,
        "tokens_per_pair": args.tokens,
    }
    natural = heldout_sample(args.data_dir, args.pairs)
    for label, dtype in (("baseline_float32", "float32"), ("candidate", args.dtype)):
        start = time.perf_counter()
        scorer = CrossEncoderEntailmentScorer(
            device="cpu",
            batch_size=args.batch_size,
            num_threads=args.threads,
            max_length=args.tokens,
            dtype=dtype,
        )
        row: dict[str, object] = {"dtype": str(scorer.dtype), "load_s": round(time.perf_counter() - start, 2)}
        row.update(measure(scorer, args, natural))
        figures[label] = row
        if natural:
            lengths = [len(s) for s in scorer.tokenizer.encode_pairs(natural, args.tokens)]
            figures["heldout_mean_tokens"] = round(sum(lengths) / len(lengths), 1)
        del scorer
    base, cand = figures["baseline_float32"], figures["candidate"]
    assert isinstance(base, dict) and isinstance(cand, dict)
    figures["speedup_fixed_tokens"] = round(
        cand["pairs_per_s_fixed_tokens"] / base["pairs_per_s_fixed_tokens"], 2
    )
    figures["torch_threads"] = torch.get_num_threads()
    print(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
