"""``premise``: which premise shape judges multi-review faithfulness best?

The claim under test (HyperCLOVA search team): for multi-review summaries, NLI over
premises packed from several reviews beats single-sentence NLI, and NLI beats ROUGE word
overlap. Review-genre KLUE-NLI pairs become claims checked against ``k + 1`` reviews
(`eval.data.premise`); four methods (`eval.metrics.premise`) score every claim in one run
with one scorer, and each is judged as a detector of unfaithful claims: AUC, and balanced
accuracy at a threshold chosen on a separate calibration file.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from eval.data import premise as premise_data
from eval.data.premise import ReviewSetItem
from eval.errors import EvalError
from eval.metrics import premise as methods
from eval.metrics.detection import Threshold, best_threshold
from eval.metrics.premise import PackingSizes, Pair, PremiseContext
from eval.progress import progress_bar
from eval.readers import sha256_file
from eval.scorers import load_scorer, scorer_model_id
from eval.tasks import premise_report as report
from eval.tasks.premise_report import MethodScores
from eval.text import sentence_splitter
from eval.types import FailedItem, NliScoresLike, TaskOutcome

if TYPE_CHECKING:
    from searchlm.nli.types import EntailmentScorer

DEFAULT_CALIBRATION = Path("../shared/data/klue-nli/klue-nli-v1.1_train.json")


@dataclass(frozen=True)
class PremiseSettings:
    """Settings of a ``premise`` run.

    Attributes:
        data: KLUE-NLI JSON (or JSONL) whose review-genre pairs are reported.
        calibration: Another KLUE-NLI file; thresholds are chosen on its items only.
        fmt: Format of ``data``: ``auto``, ``klue`` or ``jsonl``.
        scorer: Registry name or ``module:attribute`` of the EntailmentScorer.
        k: Distractor reviews placed around each claim's source review.
        limit: Report a seeded sample of this many items (``None``: all).
        calibration_size: Seeded sample of calibration items.
        seed: Seed of distractors, positions and samples.
        sizes: Chunk and premise sizes of ``nli-packed`` (review_summary's defaults).
        threads: torch CPU threads of the scorer (0: the scorer's default).
        batch_size: Pairs per ``score`` call.
        samples: Misjudged claims shown in the report.
    """

    data: Path
    calibration: Path = DEFAULT_CALIBRATION
    fmt: str = "auto"
    scorer: str = "default"
    k: int = 4
    limit: int | None = None
    calibration_size: int = 600
    seed: int = 13
    sizes: PackingSizes = field(default_factory=PackingSizes)
    threads: int = 0
    batch_size: int = 512
    samples: int = 5

    def __post_init__(self) -> None:
        checks = {
            "k": self.k >= 1,
            "limit": self.limit is None or self.limit >= 2,
            "calibration_size": self.calibration_size >= 2,
            "threads": self.threads >= 0,
            "batch_size": self.batch_size >= 1,
        }
        for name, ok in checks.items():
            if not ok:
                raise ValueError(f"{name} is out of range: {getattr(self, name)}")


@dataclass(frozen=True)
class _Scored:
    """Faithful scores of one item list, per method, and the items that failed."""

    faithful: MethodScores
    failures: tuple[FailedItem, ...]


def run(settings: PremiseSettings, scorer: EntailmentScorer | None = None) -> TaskOutcome:
    """Score every item four ways; thresholds come from the calibration items."""
    build = functools.partial(premise_data.load_items, k=settings.k, seed=settings.seed)
    items = build(settings.data, settings.fmt, limit=settings.limit)
    calibration = build(settings.calibration, "auto", limit=settings.calibration_size)
    if sha256_file(settings.data) == sha256_file(settings.calibration):
        raise EvalError(f"calibration file {settings.calibration} is the reported file; use another one")
    scorer = scorer if scorer is not None else _open_scorer(settings)
    ctx = PremiseContext(sentence_splitter("ko"), settings.sizes)
    premises = [_premises(item, ctx) for item in (*items, *calibration)]
    entailment, errors = score_pairs(
        scorer, _distinct_pairs(items + calibration, premises), settings.batch_size
    )
    tokenize = _rouge_tokenizer()
    scored = _faithful(items, premises[: len(items)], entailment, errors, tokenize, "")
    calibrated = _faithful(calibration, premises[len(items) :], entailment, errors, tokenize, "calibration:")
    thresholds = _thresholds(calibration, calibrated.faithful)
    return report.outcome(
        items,
        scored.faithful,
        thresholds,
        failures=scored.failures + calibrated.failures,
        model_id=scorer_model_id(scorer, settings.scorer),
        premise_counts=_premise_counts(premises[: len(items)]),
        samples=settings.samples,
    )


def _open_scorer(settings: PremiseSettings) -> EntailmentScorer:
    # Only a non-default thread count is passed: zero-argument factories take no options.
    options = {"threads": settings.threads} if settings.threads else {}
    return load_scorer(settings.scorer, **options)


def _rouge_tokenizer() -> methods.Tokenize:
    """The Kiwi morpheme tokenizer eval's ROUGE uses (rouge-score's own deletes Hangul)."""
    from eval.metrics.rouge import TOKENIZERS

    tokenizer = TOKENIZERS["ko"]()
    return functools.cache(tokenizer.tokenize)


def _premises(item: ReviewSetItem, ctx: PremiseContext) -> dict[str, list[str]]:
    return {name: builder(item.reviews, ctx) for name, builder in methods.NLI_METHODS.items()}


def _distinct_pairs(items: Sequence[ReviewSetItem], premises: Sequence[dict[str, list[str]]]) -> list[Pair]:
    """Every (premise, claim) pair once: methods share many (a one-sentence review)."""
    pairs = (
        (premise, item.claim)
        for item, by_method in zip(items, premises, strict=True)
        for texts in by_method.values()
        for premise in texts
    )
    return list(dict.fromkeys(pairs))


def _score_batch(scorer: EntailmentScorer, batch: Sequence[Pair]) -> list[float]:
    results: list[NliScoresLike] = list(scorer.score(list(batch)))
    if len(results) != len(batch):
        raise ValueError(f"scorer returned {len(results)} results for {len(batch)} pairs")
    return [float(r.entailment) for r in results]


def score_pairs(
    scorer: EntailmentScorer, pairs: Sequence[Pair], batch_size: int
) -> tuple[dict[Pair, float], dict[Pair, str]]:
    """Entailment of each pair, in large batches; a failing batch is retried pair by pair.

    Returns:
        Entailment by pair, and the error of each pair the scorer failed on.
    """
    entailment: dict[Pair, float] = {}
    errors: dict[Pair, str] = {}
    with progress_bar("nli pairs", len(pairs)) as advance:
        for start in range(0, len(pairs), batch_size):
            batch = pairs[start : start + batch_size]
            try:
                entailment.update(zip(batch, _score_batch(scorer, batch), strict=True))
            except Exception:
                for pair in batch:
                    try:
                        entailment[pair] = _score_batch(scorer, [pair])[0]
                    except Exception as exc:
                        errors[pair] = f"{type(exc).__name__}: {exc}"
            for _ in batch:
                advance()
    return entailment, errors


def _faithful(
    items: Sequence[ReviewSetItem],
    premises: Sequence[dict[str, list[str]]],
    entailment: dict[Pair, float],
    errors: dict[Pair, str],
    tokenize: methods.Tokenize,
    id_prefix: str,
) -> _Scored:
    """Faithful score per method and item; an item a method could not score is a miss."""
    scores = {name: np.zeros(len(items)) for name in methods.METHODS}
    failures: list[FailedItem] = []
    for index, (item, by_method) in enumerate(zip(items, premises, strict=True)):
        scores[methods.LEXICAL][index] = methods.rouge1_faithful(item.claim, item.reviews, tokenize)
        for name, texts in by_method.items():
            failed = [errors[(p, item.claim)] for p in texts if (p, item.claim) in errors]
            if failed:
                failures.append(FailedItem(f"{id_prefix}{item.id}", "score", f"{name}: {failed[0]}"))
                # A miss: the worst score for its label (a faithful claim looks unfaithful).
                scores[name][index] = 1.0 if item.unfaithful else 0.0
            else:
                scores[name][index] = methods.max_entailment(item.claim, texts, entailment)
    return _Scored(scores, tuple(failures))


def _thresholds(calibration: Sequence[ReviewSetItem], faithful: MethodScores) -> dict[str, Threshold]:
    """Per method, the threshold on 1 - faithful score that is best on the calibration items."""
    unfaithful = np.array([item.unfaithful for item in calibration])
    if unfaithful.all() or not unfaithful.any():
        raise EvalError("the calibration sample needs both faithful and unfaithful claims; enlarge it")
    return {name: best_threshold(1.0 - scores, unfaithful) for name, scores in faithful.items()}


def _premise_counts(premises: Sequence[dict[str, list[str]]]) -> dict[str, float]:
    """Mean premises per item and method (``rouge1`` compares with each review)."""
    return {
        name: float(np.mean([len(by_method[name]) for by_method in premises])) if premises else 0.0
        for name in methods.NLI_METHODS
    }
