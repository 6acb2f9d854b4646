"""Multi-review faithfulness items built from review-genre NLI pairs.

Each KLUE-NLI pair of a review genre (``NSMC`` movie reviews, ``airbnb`` lodging
reviews) becomes one item: its premise review is put at a seeded random position among
``k`` distractor reviews, the premises of other pairs of the same genre, and its
hypothesis is the claim to check. The gold NLI label says whether the review set
supports the claim:

* entailment -> ``supported`` (faithful);
* neutral -> ``unsupported`` (unfaithful: nothing backs it);
* contradiction -> ``contradicted`` (unfaithful: the source review says otherwise).

Every random choice comes from ``random.Random(f"{seed}:{guid}")``, so an item is the
same whatever ``--limit`` or the order of the file, and the same on every run.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from eval.data import choose_format
from eval.data import nli as nli_data
from eval.data.nli import NliItem
from eval.errors import InputFormatError

#: KLUE-NLI genres whose premises are user reviews.
REVIEW_GENRES = ("NSMC", "airbnb")

#: Gold NLI label -> faithfulness label.
FAITHFULNESS_LABELS = {
    "entailment": "supported",
    "neutral": "unsupported",
    "contradiction": "contradicted",
}
SUPPORTED = "supported"


@dataclass(frozen=True)
class ReviewSetItem:
    """A claim and the reviews it is checked against.

    Attributes:
        id: The NLI pair's ``guid``.
        genre: ``NSMC`` or ``airbnb``.
        claim: The pair's hypothesis.
        reviews: ``k + 1`` reviews: the pair's premise among ``k`` distractors.
        source_position: Index of the pair's premise in ``reviews``.
        label: ``supported``, ``unsupported`` or ``contradicted``.
        line: Line in the data file, when known.
    """

    id: str
    genre: str
    claim: str
    reviews: tuple[str, ...]
    source_position: int
    label: str
    line: int | None = None

    @property
    def unfaithful(self) -> bool:
        """The claim is not supported by the reviews (neutral or contradicted)."""
        return self.label != SUPPORTED


def review_pairs(pairs: Sequence[NliItem]) -> list[NliItem]:
    """The pairs whose sub-corpus is a review genre, in file order."""
    return [pair for pair in pairs if pair.source in REVIEW_GENRES]


def _premise_pools(pairs: Sequence[NliItem]) -> dict[str, list[str]]:
    """Distinct premises per genre, in file order (a premise has several hypotheses)."""
    pools: dict[str, dict[str, None]] = {}
    for pair in pairs:
        pools.setdefault(pair.source, {})[pair.premise] = None
    return {genre: list(premises) for genre, premises in pools.items()}


def _build_one(pair: NliItem, pool: Sequence[str], k: int, seed: int) -> ReviewSetItem:
    rng = random.Random(f"{seed}:{pair.id}")
    # One spare draw: if the pair's own premise is drawn, it is dropped, never reused.
    drawn = [pool[i] for i in rng.sample(range(len(pool)), min(k + 1, len(pool)))]
    distractors = [p for p in drawn if p != pair.premise][:k]
    position = rng.randrange(k + 1)
    reviews = (*distractors[:position], pair.premise, *distractors[position:])
    return ReviewSetItem(
        pair.id, pair.source, pair.hypothesis, reviews, position, FAITHFULNESS_LABELS[pair.gold], pair.line
    )


def build_items(
    path: Path, pairs: Sequence[NliItem], *, k: int, seed: int, limit: int | None = None
) -> list[ReviewSetItem]:
    """Items from the review-genre pairs of ``pairs`` (read from ``path``).

    Args:
        path: The data file, named in errors.
        pairs: Every NLI pair of the file; distractors come from all of them, whatever
            ``limit`` keeps.
        k: Distractor reviews per item.
        seed: Seed of the distractors, positions and the ``limit`` sample.
        limit: Keep a seeded sample of this many items (in file order); ``None``: all.

    Raises:
        InputFormatError: No review-genre pairs, or a genre with fewer than ``k + 1``
            distinct premises.
    """
    reviews = review_pairs(pairs)
    if not reviews:
        raise InputFormatError(path, f"no pairs of a review genre ({', '.join(REVIEW_GENRES)})")
    pools = _premise_pools(reviews)
    for genre, pool in pools.items():
        if len(pool) < k + 1:
            raise InputFormatError(
                path, f"genre {genre!r} has {len(pool)} distinct premises; k={k} needs at least {k + 1}"
            )
    chosen = sample_in_order(reviews, limit, seed)
    return [_build_one(pair, pools[pair.source], k, seed) for pair in chosen]


def sample_in_order(pairs: Sequence[NliItem], limit: int | None, seed: int) -> list[NliItem]:
    """A seeded sample of ``limit`` pairs kept in file order (all of them without a limit)."""
    if limit is None or limit >= len(pairs):
        return list(pairs)
    keep = sorted(random.Random(f"{seed}:sample").sample(range(len(pairs)), limit))
    return [pairs[i] for i in keep]


def load_items(path: Path, fmt: str, *, k: int, seed: int, limit: int | None = None) -> list[ReviewSetItem]:
    """Read a KLUE-NLI JSON (or JSONL) file and build its review-set items."""
    pairs = nli_data.FORMATS[choose_format(path, fmt, nli_data.FORMATS, nli_data.SUFFIX_FORMATS)](path)
    return build_items(path, pairs, k=k, seed=seed, limit=limit)
