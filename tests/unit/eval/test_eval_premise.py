"""The ``premise`` task: review-set items, detection metrics, the four methods, end to end."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from eval.data import nli as nli_data
from eval.data import premise as premise_data
from eval.errors import EvalError, InputFormatError
from eval.metrics.detection import balanced_accuracy, best_threshold, roc_auc
from eval.metrics.premise import (
    METHODS,
    PackingSizes,
    PremiseContext,
    packed_premises,
    rouge1_faithful,
    sentence_premises,
)
from eval.metrics.rouge import unigram_precision
from eval.tasks import premise
from eval.tasks.premise_report import diff_name, verdict
from eval.text.kiwi import morphemes, split_sentences
from eval.types import Figure
from tests.unit.eval.fakes import LexicalScorer
from tests.unit.eval.testdata import (
    MOVIE,
    NLI_LABELS,
    STAY,
    review_dev_rows,
    write_json,
    write_review_nli_files,
)


@pytest.fixture
def files(tmp_path: Path) -> tuple[Path, Path]:
    """The reported file (``source`` key) and the calibration file (``genre`` key)."""
    return write_review_nli_files(tmp_path)


def _items(path: Path, **kwargs: Any) -> list[premise_data.ReviewSetItem]:
    options = {"k": 2, "seed": 7, **kwargs}
    return premise_data.load_items(path, "auto", **options)


# --- items ---------------------------------------------------------------------------------


def test_items_keep_review_genres_and_map_labels(files: tuple[Path, Path]) -> None:
    items = _items(files[0])
    assert len(items) == 24 and {i.genre for i in items} == {"NSMC", "airbnb"}
    by_id = {i.id: i for i in items}
    assert by_id["m-0-entailment"].label == "supported" and not by_id["m-0-entailment"].unfaithful
    assert by_id["m-0-neutral"].label == "unsupported" and by_id["m-0-neutral"].unfaithful
    assert by_id["s-1-contradiction"].label == "contradicted" and by_id["s-1-contradiction"].unfaithful
    assert by_id["s-1-contradiction"].claim == "호스트가 무례했다."


def test_items_place_the_premise_among_k_distractors_of_its_genre(files: tuple[Path, Path]) -> None:
    premises = {"NSMC": {g[0] for g in MOVIE}, "airbnb": {g[0] for g in STAY}}
    own = {
        f"{p}-{i}-{label}": g[0]
        for p, gs in (("m", MOVIE), ("s", STAY))
        for i, g in enumerate(gs)
        for label in NLI_LABELS
    }
    for item in _items(files[0], k=3):
        assert len(item.reviews) == 4 and item.reviews[item.source_position] == own[item.id]
        distractors = [r for j, r in enumerate(item.reviews) if j != item.source_position]
        assert own[item.id] not in distractors, "never the item's own premise"
        assert len(set(distractors)) == 3 and set(distractors) <= premises[item.genre]


def test_items_are_seeded_and_reproducible(files: tuple[Path, Path]) -> None:
    first, again = _items(files[0], k=2), _items(files[0], k=2)
    assert first == again
    other = _items(files[0], k=2, seed=8)
    assert [i.reviews for i in other] != [i.reviews for i in first]
    positions = {i.source_position for i in first}
    assert len(positions) > 1, "the source review is not always in the same place"


def test_items_limit_is_a_seeded_sample_that_leaves_items_unchanged(files: tuple[Path, Path]) -> None:
    everything = {i.id: i for i in _items(files[0])}
    sample = _items(files[0], limit=5)
    assert len(sample) == 5 and sample == _items(files[0], limit=5)
    assert all(everything[i.id] == i for i in sample)
    assert [i.id for i in sample] == [i for i in everything if i in {s.id for s in sample}], "file order"


def test_items_read_the_genre_key_of_the_train_file(files: tuple[Path, Path]) -> None:
    pairs = nli_data.load_klue(files[1])
    assert {p.source for p in pairs} == {"NSMC", "airbnb"}
    assert len(_items(files[1])) == 18


def test_items_need_enough_premises_per_genre(files: tuple[Path, Path]) -> None:
    with pytest.raises(InputFormatError, match="k=4 needs at least 5"):
        _items(files[0], k=4)


def test_items_without_review_genres_are_an_input_error(tmp_path: Path) -> None:
    path = write_json(tmp_path / "news.json", [r for r in review_dev_rows() if r["source"] == "wikinews"])
    with pytest.raises(InputFormatError, match="no pairs of a review genre"):
        _items(path)


# --- detection metrics ---------------------------------------------------------------------


def test_roc_auc_counts_ordered_pairs_and_half_ties() -> None:
    # Positives 0.9, 0.4 vs negatives 0.5, 0.1: 3 of 4 pairs ordered.
    assert roc_auc([0.9, 0.4, 0.5, 0.1], [True, True, False, False]) == pytest.approx(0.75)
    # A positive tied with a negative counts half: (1 + 0.5) / 2.
    assert roc_auc([0.5, 0.9, 0.5], [True, True, False]) == pytest.approx(0.75)
    assert roc_auc([0.1, 0.2], [False, True]) == 1.0 and roc_auc([0.1, 0.2], [True, False]) == 0.0
    assert math.isnan(roc_auc([0.3, 0.4], [True, True]))


def test_roc_auc_matches_brute_force_with_ties() -> None:
    rng = np.random.default_rng(3)
    scores = rng.integers(0, 5, size=60) / 4
    labels = rng.random(60) < 0.4
    pos, neg = scores[labels], scores[~labels]
    brute = np.mean([(p > n) + 0.5 * (p == n) for p in pos for n in neg])
    assert roc_auc(scores, labels) == pytest.approx(brute)


def test_balanced_accuracy_averages_both_rates() -> None:
    scores, labels = [0.1, 0.4, 0.35, 0.8, 0.2], [False, False, True, True, True]
    # At 0.3: positives 0.35, 0.8 caught (2/3); negatives 0.1 kept (1/2).
    assert balanced_accuracy(scores, labels, 0.3) == pytest.approx((2 / 3 + 1 / 2) / 2)
    assert balanced_accuracy(scores, labels, 0.0) == pytest.approx(0.5)
    assert math.isnan(balanced_accuracy([0.1], [True], 0.5))


def test_best_threshold_takes_the_lowest_of_tied_midpoints() -> None:
    # Candidates 0.1, 0.225, 0.375, 0.6 give 0.5, 0.75, 0.5, 0.75: the first 0.75 wins.
    chosen = best_threshold([0.1, 0.4, 0.35, 0.8], [False, False, True, True])
    assert chosen.value == pytest.approx(0.225)
    assert chosen.balanced_accuracy == pytest.approx(0.75) and chosen.n == 4


def test_best_threshold_separates_separable_scores_between_the_classes() -> None:
    chosen = best_threshold([0.2, 0.1, 0.7, 0.9], [False, False, True, True])
    assert chosen.value == pytest.approx(0.45) and chosen.balanced_accuracy == 1.0
    with pytest.raises(ValueError, match="positive and negative"):
        best_threshold([0.2, 0.3], [False, False])


# --- methods -------------------------------------------------------------------------------


def test_unigram_precision_is_rouge_score_rouge1_precision() -> None:
    from rouge_score import rouge_scorer  # type: ignore[import-untyped,unused-ignore]

    class Whitespace:
        def tokenize(self, text: str) -> list[str]:
            return text.split()

    claim, review = "a a b c", "a b b d"
    expected = rouge_scorer.RougeScorer(["rouge1"], tokenizer=Whitespace()).score(review, claim)["rouge1"]
    assert unigram_precision(claim.split(), review.split()) == pytest.approx(expected.precision) == 0.5
    assert unigram_precision([], ["a"]) == 0.0


def test_rouge1_faithful_keeps_hangul_and_takes_the_best_review() -> None:
    reviews = ["배송이 빨라요.", "포장이 꼼꼼해요."]
    assert rouge1_faithful("배송이 빨라요", reviews, morphemes) == 1.0
    assert 0.0 < rouge1_faithful("포장이 엉망이에요", reviews, morphemes) < 1.0


def test_packed_premises_are_the_services_packing() -> None:
    from services.review_summary.faithfulness import chunk_review, pack_premises
    from services.review_summary.types import Review

    class Splitter:
        def sentences(self, text: str) -> list[str]:
            return split_sentences(text)

        def claims(self, text: str) -> list[str]:
            return split_sentences(text)

    reviews = [g[0] for g in STAY]
    ctx = PremiseContext(split_sentences, PackingSizes(chunk_chars=20, premise_chars=45))
    chunks = [c for i, r in enumerate(reviews) for c in chunk_review(Review(str(i), r), Splitter(), 20)]
    expected = [p.text for p, _ in pack_premises(chunks, 45)]
    packed = packed_premises(reviews, ctx)
    assert packed == expected and 1 < len(packed) < len(chunks)
    assert all(len(p) <= 45 for p in packed)
    assert packed_premises(reviews, PremiseContext(split_sentences, PackingSizes())) == [" ".join(reviews)]
    assert len(sentence_premises(reviews, ctx)) == 5  # the third review has two sentences


def test_packing_defaults_are_review_summarys_settings() -> None:
    from services.review_summary.settings import ReviewSummarySettings

    fields = ReviewSummarySettings.model_fields
    assert PackingSizes() == PackingSizes(fields["chunk_chars"].default, fields["premise_chars"].default)
    with pytest.raises(ValueError, match="chunk_chars <= premise_chars"):
        PackingSizes(chunk_chars=500, premise_chars=400)


# --- verdict -------------------------------------------------------------------------------


def _verdict_figures(
    packed: float, sentence: float, rouge: float, lows: tuple[float, float]
) -> dict[str, Figure]:
    found = {
        f"{m}.auc": Figure(f"{m}.auc", v)
        for m, v in (("nli-packed", packed), ("nli-sentence", sentence), ("rouge1", rouge))
    }
    for (a, b), low in zip((("nli-packed", "nli-sentence"), ("nli-sentence", "rouge1")), lows, strict=True):
        value = found[f"{a}.auc"].value - found[f"{b}.auc"].value
        found[diff_name(a, b)] = Figure(diff_name(a, b), value, low, value + 0.1)
    return found


def test_verdict_says_whether_the_ordering_holds_and_clears_the_cis() -> None:
    assert "holds (AUC" in verdict(_verdict_figures(0.9, 0.8, 0.6, (0.02, 0.1)))
    assert "point estimates only" in verdict(_verdict_figures(0.9, 0.8, 0.6, (-0.01, 0.1)))
    broken = verdict(_verdict_figures(0.7, 0.8, 0.6, (-0.2, 0.1)))
    assert "does NOT hold" in broken and "nli-packed-minus-nli-sentence = -0.100" in broken
    assert "cannot be judged" in verdict(_verdict_figures(math.nan, 0.8, 0.6, (0.0, 0.0)))


# --- the task end to end --------------------------------------------------------------------


def _settings(files: tuple[Path, Path], **kwargs: Any) -> premise.PremiseSettings:
    return premise.PremiseSettings(files[0], calibration=files[1], k=2, seed=7, calibration_size=18, **kwargs)


def test_premise_task_scores_four_methods_with_calibrated_thresholds(files: tuple[Path, Path]) -> None:
    scorer = LexicalScorer()
    outcome = premise.run(_settings(files), scorer=scorer)
    figures = {f.name: f for f in outcome.figures}
    assert outcome.n_items == 24 and not outcome.failures
    for method in METHODS:
        for metric in ("auc", "auc_unsupported", "auc_contradicted", "balanced_accuracy"):
            figure = figures[f"{method}.{metric}"]
            assert 0.0 <= figure.value <= 1.0 and figure.ci_low <= figure.value <= figure.ci_high
    assert figures["auc_diff.nli-packed-minus-rouge1"].value == pytest.approx(
        figures["nli-packed.auc"].value - figures["rouge1.auc"].value
    )
    # The lexical fake entails every copied claim fully: neutral claims share fewer letters.
    assert figures["nli-per-review.auc_unsupported"].value > 0.8
    details = outcome.details
    assert set(details["thresholds"]) == set(METHODS)
    assert all(t["calibration_items"] == 18 for t in details["thresholds"].values())
    assert details["premises_per_item"]["nli-packed"] == 1.0  # three short reviews fit one premise
    assert details["premises_per_item"]["nli-per-review"] == 3.0
    assert details["verdict"].startswith("verdict: nli-packed > nli-sentence > rouge1 by AUC")
    per_item = {r["id"]: r["faithful"] for r in details["per_item"]}
    # More text can only add letters: the packed premise scores at least the best review.
    assert all(s["nli-packed"] >= s["nli-per-review"] - 1e-12 for s in per_item.values())
    # Kiwi morphemes 배우/들/연기/가/훌륭/하/었/다: all but the ending 다 are in the source review.
    assert per_item["m-0-entailment"]["rouge1"] == pytest.approx(7 / 8)


def test_premise_task_thresholds_come_from_the_calibration_file(
    files: tuple[Path, Path], tmp_path: Path
) -> None:
    first = premise.run(_settings(files), scorer=LexicalScorer())
    # Same reported file; in the calibration file every unfaithful claim now copies its premise,
    # so it looks fully supported: the thresholds move, the AUCs on the reported file do not.
    shifted = [
        {**r, "hypothesis": r["premise"]} if r["gold_label"] != "entailment" else r
        for r in json.loads(files[1].read_text(encoding="utf-8"))
    ]
    other = premise.run(
        _settings((files[0], write_json(tmp_path / "cal2.json", shifted))), scorer=LexicalScorer()
    )
    auc = {f.name: f.value for f in first.figures if f.name.endswith(".auc")}
    assert auc == {f.name: f.value for f in other.figures if f.name.endswith(".auc")}
    assert first.details["thresholds"] != other.details["thresholds"]


def test_premise_task_scores_each_distinct_pair_once_in_large_batches(files: tuple[Path, Path]) -> None:
    scorer = LexicalScorer()
    premise.run(_settings(files, batch_size=1000), scorer=scorer)
    assert len(scorer.calls) == 1
    pairs = scorer.calls[0]
    items = [*_items(files[0]), *_items(files[1])]
    # Per item: each review, each sentence (a one-sentence review is the same pair), one packed premise.
    expected = {
        (premise_text, item.claim)
        for item in items
        for premise_text in {
            *item.reviews,
            *(s for r in item.reviews for s in split_sentences(r)),
            " ".join(item.reviews),
        }
    }
    assert sorted(pairs) == sorted(expected)


def test_premise_task_refuses_to_calibrate_on_the_reported_file(files: tuple[Path, Path]) -> None:
    with pytest.raises(EvalError, match="is the reported file"):
        premise.run(_settings((files[0], files[0])), scorer=LexicalScorer())


def test_premise_task_counts_a_failed_pair_as_a_miss(files: tuple[Path, Path], tmp_path: Path) -> None:
    rows = review_dev_rows()
    rows[0] = {**rows[0], "hypothesis": "BOOM 연기가 훌륭했다."}  # a supported claim the scorer breaks on
    outcome = premise.run(
        _settings((write_json(tmp_path / "boom.json", rows), files[1])), scorer=LexicalScorer()
    )
    failed = {(f.item_id, f.error.split(":")[0]) for f in outcome.failures}
    assert failed == {("m-0-entailment", m) for m in ("nli-sentence", "nli-packed", "nli-per-review")}
    scores = {r["id"]: r["faithful"] for r in outcome.details["per_item"]}["m-0-entailment"]
    assert scores["nli-packed"] == 0.0 and scores["rouge1"] > 0.0


def test_premise_settings_reject_bad_values(files: tuple[Path, Path]) -> None:
    with pytest.raises(ValueError, match="k is out of range"):
        premise.PremiseSettings(files[0], k=0)
    with pytest.raises(ValueError, match="calibration_size"):
        premise.PremiseSettings(files[0], calibration_size=1)
