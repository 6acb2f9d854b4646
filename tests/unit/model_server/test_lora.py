"""Adapter discovery and the base-model check, on small GGUF LoRA files written in the test."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("gguf", reason="the gguf package is not installed (pip install .[cpu])")

from model_server.lora import PACKAGED_DIR, AdapterMismatchError, adapters_dir, check_base, discover
from searchlm.tune.gguf_lora import write_gguf_lora

SHA = "ab" * 32


def _write(path: Path, *, sha: str = SHA, task: str = "t") -> None:
    pairs = {"model.layers.0.self_attn.q_proj": (np.ones((2, 8), np.float32), np.ones((8, 2), np.float32))}
    write_gguf_lora(path, pairs, alpha=4.0, rank=2, task=task, base_model="base-x", base_sha256=sha)


def test_discover_lists_gguf_files_by_stem_with_their_card(tmp_path: Path) -> None:
    _write(tmp_path / "b-task.gguf", task="second")
    _write(tmp_path / "a-task.gguf", task="first")
    (tmp_path / "notes.md").write_text("not an adapter")
    found = discover(tmp_path)
    assert [(a.info.name, a.info.task, a.info.rank, a.info.alpha) for a in found] == [
        ("a-task", "first", 2, 4.0),
        ("b-task", "second", 2, 4.0),
    ]
    assert found[0].base_sha256 == SHA and found[0].info.base_model == "base-x"


def test_adapter_of_another_base_is_refused_naming_both(tmp_path: Path) -> None:
    _write(tmp_path / "foreign.gguf")
    with pytest.raises(AdapterMismatchError, match=r"foreign.*base-x.*served model gemma"):
        check_base(discover(tmp_path), model="gemma", model_sha256="cd" * 32)
    check_base(discover(tmp_path), model="gemma", model_sha256=SHA.upper())  # same base: accepted


def test_adapters_dir_setting(tmp_path: Path) -> None:
    assert adapters_dir("", packaged_model=True) is None
    assert adapters_dir("packaged", packaged_model=False) is None  # shipped adapters fit one base
    expected = PACKAGED_DIR if PACKAGED_DIR.is_dir() else None
    assert adapters_dir("packaged", packaged_model=True) == expected
    assert adapters_dir(str(tmp_path), packaged_model=False) == tmp_path
    with pytest.raises(FileNotFoundError, match="not a folder"):
        adapters_dir(str(tmp_path / "missing"), packaged_model=False)
