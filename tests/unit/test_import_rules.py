"""Keeps the layer rules of HOUSE_STYLE true (imports point downward only).

- `types.py` files use the standard library only.
- Only transport modules see gRPC or protobuf (servicers, convert, bootstrap, clients, CLI).
- Services never import each other nor the model server; nothing outside the model server
  imports its engines; the eval CLI never imports servicers.
- torch, faiss, llama_cpp and tensorrt_llm are imported only by the adapter modules that use
  them, and never by a package `__init__`.
"""

from __future__ import annotations

import ast
import re
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("searchlm", "model_server", "services", "eval")
GENERATED = re.compile(r"_pb2(_grpc)?\.py$")

TRANSPORT = re.compile(
    r"(^|/)(servicer|convert|__main__|cli|suite)\.py$"
    r"|^searchlm/serving/"
    r"|_client\.py$"
    r"|^tests/"
)
HEAVY = {"torch", "faiss", "llama_cpp", "tensorrt_llm", "transformers"}
HEAVY_ALLOWED = re.compile(
    r"^model_server/engines/(hf[a-z_]*|llamacpp[a-z_]*|trtllm)\.py$"
    r"|^searchlm/nli/(scorer|modeling|training/train)\.py$"
    r"|^searchlm/reader/(reader|modeling|training/train)\.py$"
    r"|^searchlm/tune/(train|evaluate)\.py$"
    r"|^services/[a-z_]+/adapters/"
)


def _sources() -> list[Path]:
    files: list[Path] = []
    for package in PACKAGES:
        files += [p for p in (ROOT / package).rglob("*.py") if not GENERATED.search(p.name)]
    return files


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names += [f"{node.module}.{a.name}" for a in node.names]
    return names


def _top_level_imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.Import):
            names += [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
    return names


def _rel(path: Path) -> str:
    return path.relative_to(ROOT).as_posix()


SOURCES = _sources()


def _is_proto_or_grpc(name: str) -> bool:
    return name.split(".")[0] == "grpc" or name.startswith(("google.protobuf", "grpc_")) or "_pb2" in name


@pytest.mark.parametrize("path", [p for p in SOURCES if p.name == "types.py"], ids=_rel)
def test_types_modules_use_standard_library_only(path: Path) -> None:
    outside = [
        n for n in _top_level_imports(path) if n.split(".")[0] not in sys.stdlib_module_names | {"__future__"}
    ]
    assert not outside, f"{_rel(path)} imports {outside}"


@pytest.mark.parametrize("path", [p for p in SOURCES if not TRANSPORT.search(_rel(p))], ids=_rel)
def test_domain_modules_never_see_grpc_or_protobuf(path: Path) -> None:
    bad = [n for n in _imports(path) if _is_proto_or_grpc(n)]
    assert not bad, f"{_rel(path)} is not a transport module but imports {bad}"


@pytest.mark.parametrize("path", [p for p in SOURCES if _rel(p).startswith("services/")], ids=_rel)
def test_services_never_import_each_other_or_the_model_server(path: Path) -> None:
    own = _rel(path).split("/")[1]
    bad = [
        n
        for n in _imports(path)
        if n.startswith("model_server") or (n.startswith("services.") and n.split(".")[1] != own)
    ]
    assert not bad, f"{_rel(path)} imports {bad}"


@pytest.mark.parametrize("path", [p for p in SOURCES if not _rel(p).startswith("model_server/")], ids=_rel)
def test_engines_imported_only_by_model_server(path: Path) -> None:
    bad = [n for n in _imports(path) if n.startswith("model_server")]
    assert not bad, f"{_rel(path)} imports {bad}"


@pytest.mark.parametrize("path", [p for p in SOURCES if _rel(p).startswith("eval/")], ids=_rel)
def test_eval_never_imports_servicers(path: Path) -> None:
    bad = [n for n in _imports(path) if n.endswith(("servicer", ".servicer")) or ".servicer." in n]
    assert not bad, f"{_rel(path)} imports {bad}"


@pytest.mark.parametrize("path", SOURCES, ids=_rel)
def test_heavy_libraries_only_in_their_adapter_modules(path: Path) -> None:
    heavy = [n for n in _top_level_imports(path) if n.split(".")[0] in HEAVY]
    if path.name == "__init__.py" or not HEAVY_ALLOWED.search(_rel(path)):
        assert not heavy, f"{_rel(path)} imports {heavy} at module level"
