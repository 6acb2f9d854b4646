"""`python -m searchlm.nli evaluate` as a real process on the real held-out split.

Needs ../shared/data (skips with a reason otherwise); scores ~940 pairs, so it
takes about a minute on two CPU cores.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT.parent / "shared" / "data"

pytestmark = pytest.mark.slow


@pytest.fixture
def data_dir() -> Path:
    if not (DATA / "klue-nli").is_dir() or not (DATA / "kornli-xnli").is_dir():
        pytest.skip(f"shared NLI data not found at {DATA} (needs ../shared/data beside the repo)")
    return DATA


def test_evaluate_command_meets_the_accuracy_targets_when_run_on_the_heldout_split(data_dir: Path) -> None:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "PYTHONPATH": str(ROOT)}
    cmd = [
        sys.executable,
        "-m",
        "searchlm.nli",
        "evaluate",
        "--data-dir",
        str(data_dir),
        "--num-threads",
        "2",
    ]
    done = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600, check=True)
    report = json.loads(done.stdout[done.stdout.index("{") :])
    assert report["n"] == 948
    assert report["accuracy"] >= 0.70
    assert report["ent_vs_con_accuracy"] >= 0.85
