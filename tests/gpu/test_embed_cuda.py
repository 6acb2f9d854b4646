"""The transformers e5 embedder (GPU ingest) on CUDA gives the CPU's vectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from searchlm.embed import open_embedder
from tests.tiny_encoder import build_tiny_encoder


def test_transformers_e5_on_cuda_matches_cpu(tmp_path: Path) -> None:
    directory = build_tiny_encoder(tmp_path / "tiny-e5")
    texts = ["한글은 세종대왕이 만들었습니다.", "배송이 빠르고 품질이 좋아요."]
    cpu = open_embedder(f"transformers:{directory}", device="cpu").embed_passages(texts)
    cuda = open_embedder(f"transformers:{directory}", device="cuda").embed_passages(texts)
    np.testing.assert_allclose(cuda, cpu, atol=1e-3)
