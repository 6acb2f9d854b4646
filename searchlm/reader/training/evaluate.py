"""Scoring a reader on the tune or held-out articles of its recorded split."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from searchlm.nli.training.evaluate import SplitMismatchError
from searchlm.reader.decode import to_answers
from searchlm.reader.modeling import read_reader_config
from searchlm.reader.reader import ExtractiveReader
from searchlm.reader.training.data import QaExample, first, ids_digest, load_split
from searchlm.reader.training.metrics import ReaderReport, reader_report

SPLITS = ("heldout", "tune")


def score_examples(
    reader: ExtractiveReader, examples: Sequence[QaExample], *, progress: bool = True
) -> ReaderReport:
    """EM/F1 of the reader's best span per question, read from the question's own paragraph.

    Args:
        reader: the reader.
        examples: questions with their paragraph and gold answers.
        progress: show a progress bar.

    Returns:
        The report, with and without particle stripping.
    """
    pools = reader.candidates_many([(e.question, [e.context]) for e in examples], progress=progress)
    stripped: list[str] = []
    raw: list[str] = []
    for pool, e in zip(pools, examples, strict=True):
        for strip, out in ((True, stripped), (False, raw)):
            answers = to_answers(
                pool, [e.context], 1, strip=strip, question=e.question, shape_ratio=reader.decode.shape_ratio
            )
            out.append(answers[0].text if answers else "")
    return reader_report(stripped, raw, [e.answers for e in examples])


def split_examples_of(art_dir: Path, data_dir: Path, split: str) -> list[QaExample]:
    """Recreate the tune or held-out questions of an artefact and check they are the recorded ones.

    Raises:
        SplitMismatchError: if the data no longer yields the recorded split.
        ValueError: for an unknown split name.
    """
    if split not in SPLITS:
        raise ValueError(f"split must be one of {SPLITS}, got {split!r}")
    extra = read_reader_config(art_dir).extra
    settings, used = extra["settings"], extra["used_ids_sha256"]
    assert isinstance(settings, dict) and isinstance(used, dict)
    articles = load_split(
        data_dir,
        seed=int(settings["seed"]),
        heldout_fraction=float(settings["heldout_fraction"]),
        tune_fraction=float(settings["tune_fraction"]),
    )
    examples = first(articles.examples(split), int(settings.get(f"limit_{split}", "0")))
    if ids_digest(e.qid for e in examples) != used[split]:
        raise SplitMismatchError(f"{split} split of {art_dir} cannot be reproduced from {data_dir}")
    return examples


def evaluate_artefact(
    art_dir: Path,
    data_dir: Path,
    *,
    split: str = "heldout",
    num_threads: int = 2,
    batch_size: int = 16,
    dtype: str = "auto",
    device: str = "auto",
    limit: int = 0,
) -> ReaderReport:
    """Score an exported reader on its held-out (or tune) questions.

    Args:
        art_dir: artefact directory (its config records the split and its digests).
        data_dir: the shared data directory.
        split: ``heldout`` (the figure to report) or ``tune``.
        num_threads: torch CPU threads.
        batch_size: windows per forward pass.
        dtype: reader precision (``auto``: what a service would use on this machine).
        device: ``cpu``, ``cuda`` or ``auto``.
        limit: score only the first N questions of the split (0 = all); the whole split is still
            recreated and checked against its recorded digest first.

    Returns:
        The report.
    """
    examples = first(split_examples_of(art_dir, data_dir, split), limit)
    reader = ExtractiveReader.from_artefact(
        art_dir, device=device, dtype=dtype, batch_size=batch_size, num_threads=num_threads
    )
    return score_examples(reader, examples)
