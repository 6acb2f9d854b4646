"""eval stays on its layer: no grpc anywhere in metrics, nothing heavy at import."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _imported_modules(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def test_metrics_never_import_grpc_or_protobuf() -> None:
    for path in (ROOT / "eval" / "metrics").rglob("*.py"):
        bad = {n for n in _imported_modules(path) if n.split(".")[0] in {"grpc", "google"} or "_pb2" in n}
        assert not bad, f"{path} imports {bad}"


def test_eval_never_imports_servicers() -> None:
    for path in (ROOT / "eval").rglob("*.py"):
        bad = {n for n in _imported_modules(path) if "servicer" in n}
        assert not bad, f"{path} imports {bad}"


def test_importing_the_cli_loads_no_heavy_module() -> None:
    code = (
        "import sys, eval.cli; "
        "heavy = sorted({m.split('.')[0] for m in sys.modules} & "
        "{'grpc', 'torch', 'matplotlib', 'kiwipiepy', 'rouge_score', 'searchlm'}); "
        "print(','.join(heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == ""
