"""Generated protobuf code is committed; it must match what `make protos` would write now."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PROTOS = sorted((ROOT / "protos").rglob("*.proto"))


def _generate(out: Path) -> None:
    from grpc_tools import protoc

    args = [
        "protoc",
        f"-I{ROOT / 'protos'}",
        f"--python_out={out}",
        f"--grpc_python_out={out}",
        f"--pyi_out={out}",
        *[str(p) for p in PROTOS],
    ]
    assert protoc.main(args) == 0, "protoc failed"


def test_generated_code_is_not_stale(tmp_path: Path) -> None:
    pytest.importorskip("grpc_tools")
    _generate(tmp_path)
    fresh = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert fresh, "protoc generated nothing"
    stale = []
    for path in fresh:
        committed = ROOT / path.relative_to(tmp_path)
        if not committed.exists() or committed.read_bytes() != path.read_bytes():
            stale.append(str(path.relative_to(tmp_path)))
    assert not stale, f"generated code is stale, run `make protos`: {stale}"
