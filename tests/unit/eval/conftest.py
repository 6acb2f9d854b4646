"""Fixtures for eval unit tests: the fake scorer registered by dotted name."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

FAKE_SCORER = "tests.unit.eval.fakes:make_keyword_scorer"


@pytest.fixture
def fake_scorer_registered(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Register the keyword fake as scorer 'fake' in the dotted-name registry."""
    from eval import scorers

    monkeypatch.setitem(scorers.SCORERS, "fake", FAKE_SCORER)
    yield "fake"
