"""Label-preserving augmentations of the NLI training pairs (training only).

Each augmentation derives new pairs whose gold label follows from the original
pair's label by a rule that holds for (almost) every pair, so no new human
labels are needed. They are chosen by name from :data:`AUGMENTATIONS`; the
held-out split is never augmented.

* ``swap_contradictions``: contradiction is symmetric, so ``(h, p)`` of a
  contradiction pair is a contradiction too.
* ``identity``: a premise entails itself. The faithfulness gate meets summaries
  that quote a review word for word; the model must not call those neutral.
* ``extend_premise``: appending a sentence on an unrelated topic (from another
  domain of the data) to the premise keeps the label: entailment and
  contradiction are monotone in the premise, and an off-topic sentence settles
  no neutral hypothesis. This is the shape the services send: review_summary
  and free_qa pack several reviews or passages into one premise.
* ``minimal_pairs``: one predicate of a training sentence swapped for its
  antonym (contradiction) or synonym (entailment); see
  :mod:`searchlm.nli.training.lexical`.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Sequence

from searchlm.nli.training.data import NliExample
from searchlm.nli.training.lexical import minimal_pairs
from searchlm.nli.types import LABELS

_ENTAILMENT = LABELS.index("entailment")
_CONTRADICTION = LABELS.index("contradiction")
# Review premises get distractors from encyclopedic/news text and vice versa, so that
# the appended sentence cannot speak about the hypothesis's subject.
_REVIEW_STRATA = ("klue:NSMC", "klue:airbnb")

Augmentation = Callable[[Sequence[NliExample], random.Random], list[NliExample]]


def swap_contradictions(examples: Sequence[NliExample], rng: random.Random) -> list[NliExample]:
    """``(hypothesis, premise)`` of every contradiction pair, labelled contradiction."""
    del rng
    return [
        NliExample(e.guid + ":swap", e.stratum, e.hypothesis, e.premise, e.label)
        for e in examples
        if e.label == _CONTRADICTION
    ]


def identity(examples: Sequence[NliExample], rng: random.Random) -> list[NliExample]:
    """``(premise, premise)`` for one premise in three, labelled entailment."""
    premises = sorted({(e.premise, e.stratum) for e in examples})
    chosen = rng.sample(premises, len(premises) // 3)
    return [NliExample(f"identity:{i}", s, p, p, _ENTAILMENT) for i, (p, s) in enumerate(chosen)]


def _is_review(stratum: str) -> bool:
    return stratum in _REVIEW_STRATA


def extend_premise(examples: Sequence[NliExample], rng: random.Random) -> list[NliExample]:
    """Half of the pairs again, with an off-domain premise placed before or after.

    The added text is another training premise from the other domain family
    (reviews vs everything else), so it cannot settle the hypothesis.
    """
    pool = {
        flag: sorted({e.premise for e in examples if _is_review(e.stratum) == flag}) for flag in (True, False)
    }
    out: list[NliExample] = []
    for e in rng.sample(list(examples), len(examples) // 2):
        others = pool[not _is_review(e.stratum)] or pool[_is_review(e.stratum)]
        extra = rng.choice(others)
        if extra == e.premise:
            continue
        premise = f"{e.premise} {extra}" if rng.random() < 0.5 else f"{extra} {e.premise}"
        out.append(NliExample(e.guid + ":ext", e.stratum, premise, e.hypothesis, e.label))
    return out


AUGMENTATIONS: dict[str, Augmentation] = {
    "swap_contradictions": swap_contradictions,
    "identity": identity,
    "extend_premise": extend_premise,
    "minimal_pairs": minimal_pairs,
}


def parse_names(spec: str) -> list[str]:
    """Split a comma-separated list of augmentation names, rejecting unknown ones.

    Args:
        spec: e.g. ``"swap_contradictions,identity"``; empty means none.

    Returns:
        The names in the given order.

    Raises:
        ValueError: naming the unknown augmentation and the known ones.
    """
    names = [n.strip() for n in spec.split(",") if n.strip()]
    unknown = [n for n in names if n not in AUGMENTATIONS]
    if unknown:
        raise ValueError(f"unknown augmentation(s) {unknown}; known: {sorted(AUGMENTATIONS)}")
    return names


def augment(examples: Sequence[NliExample], spec: str, seed: int) -> list[NliExample]:
    """The examples followed by every named augmentation of them.

    Each augmentation sees only the original examples and gets its own RNG
    seeded from ``seed`` and its name, so adding one does not change another's
    output.

    Args:
        examples: the training examples (never the held-out split).
        spec: comma-separated names from :data:`AUGMENTATIONS`.
        seed: the run's seed.

    Returns:
        Originals first, then the derived pairs.
    """
    out = list(examples)
    for name in parse_names(spec):
        out += AUGMENTATIONS[name](examples, random.Random(f"{seed}:{name}"))
    return out
