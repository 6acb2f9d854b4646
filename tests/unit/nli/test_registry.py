"""open_scorer: names and dotted paths, options passed through, one error naming the spec."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest

from searchlm.nli.registry import SCORERS, ScorerUnavailableError, open_scorer
from searchlm.nli.types import EntailmentScorer, NliScores

ROOT = Path(__file__).resolve().parents[3]
RUNTIME = ("__init__", "types", "scorer", "modeling", "tokenizer", "e5_bin", "registry")


class OptionsScorer:
    """Remembers the options it was built with."""

    def __init__(self, *, device: str = "auto", threads: int = 0) -> None:
        self.options = {"device": device, "threads": threads}

    def score(self, pairs: Sequence[tuple[str, str]]) -> list[NliScores]:
        return [NliScores(1.0, 0.0, 0.0) for _ in pairs]


READY = OptionsScorer()
NOT_A_SCORER = object()


def test_open_scorer_passes_options_to_the_factory_when_given_a_dotted_path() -> None:
    scorer = open_scorer(f"{__name__}:OptionsScorer", device="cpu", threads=2)
    assert isinstance(scorer, OptionsScorer) and isinstance(scorer, EntailmentScorer)
    assert scorer.options == {"device": "cpu", "threads": 2}


def test_open_scorer_uses_an_extended_registry_when_given_one() -> None:
    registry = {**SCORERS, "mine": f"{__name__}:OptionsScorer"}
    assert isinstance(open_scorer("mine", registry=registry), OptionsScorer)
    assert open_scorer(f"{__name__}:READY") is READY


@pytest.mark.parametrize(
    ("spec", "options", "message"),
    [
        ("nope", {}, r"'nope' is not available: unknown NLI scorer 'nope': use one of default, hf"),
        ("no_such_module:thing", {}, r"'no_such_module:thing'.*cannot import 'no_such_module'"),
        (f"{__name__}:OptionsScorer", {"colour": "red"}, r"could not be built: TypeError"),
        ("hf", {}, r"NLI scorer 'hf' .*could not be built: ValueError: .*checkpoint directory"),
        (f"{__name__}:NOT_A_SCORER", {}, r"has no score\(pairs\) method"),
        (f"{__name__}:READY", {"device": "cpu"}, r"is an instance: it takes no options"),
    ],
)
def test_open_scorer_fails_one_way_naming_the_spec_when_it_cannot_open(
    spec: str, options: dict[str, str], message: str
) -> None:
    with pytest.raises(ScorerUnavailableError, match=message) as info:
        open_scorer(spec, **options)
    assert isinstance(info.value, ValueError)


def test_registered_names_resolve_to_factories_without_loading_torch_when_imported() -> None:
    code = (
        "import sys; from searchlm.nli.registry import SCORERS; from searchlm.registry import load_object; "
        "[load_object(d) for d in SCORERS.values()]; assert 'torch' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True)


@pytest.mark.parametrize("name", RUNTIME)
def test_runtime_modules_never_import_training_when_parsed(name: str) -> None:
    tree = ast.parse((ROOT / "searchlm" / "nli" / f"{name}.py").read_text(encoding="utf-8"))
    imported = [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    imported += [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
    assert not [m for m in imported if m.startswith("searchlm.nli.training")]
