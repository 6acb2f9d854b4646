"""Scorer registry: names and dotted paths, clear errors when unavailable."""

from __future__ import annotations

import pytest

from eval.scorers import SCORERS, load_scorer, scorer_model_id
from searchlm.nli.registry import ScorerUnavailableError
from tests.unit.eval.fakes import KeywordScorer


def test_default_scorer_points_at_the_project_nli_model() -> None:
    assert SCORERS["default"] == "searchlm.nli:load_default_scorer"


def test_load_scorer_by_registered_name(fake_scorer_registered: str) -> None:
    scorer = load_scorer(fake_scorer_registered)
    assert isinstance(scorer, KeywordScorer)
    assert scorer_model_id(scorer, fake_scorer_registered) == "fake-keyword-nli"


def test_load_scorer_by_dotted_class_path() -> None:
    assert isinstance(load_scorer("tests.unit.eval.fakes:KeywordScorer"), KeywordScorer)


def test_load_scorer_missing_module_is_a_clear_error() -> None:
    with pytest.raises(ScorerUnavailableError, match="cannot import 'no_such_module'"):
        load_scorer("no_such_module:thing")


def test_load_scorer_unknown_name_lists_known_names() -> None:
    with pytest.raises(ScorerUnavailableError, match="default"):
        load_scorer("nonsense")


def test_load_scorer_factory_failure_is_reported_not_raised_raw() -> None:
    with pytest.raises(ScorerUnavailableError, match="could not be built: TypeError"):
        load_scorer("tests.unit.eval.fakes:FixedScorer")  # needs an argument


def test_load_scorer_object_without_score_is_rejected() -> None:
    with pytest.raises(ScorerUnavailableError, match="no score"):
        load_scorer("tests.unit.eval.fakes:ENTAIL")


def test_scorer_model_id_falls_back_to_the_name() -> None:
    assert scorer_model_id(object(), "default") == "default"
