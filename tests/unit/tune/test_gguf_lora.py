"""GGUF LoRA files: names, shapes and metadata as llama.cpp expects, read back unchanged."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

pytest.importorskip("gguf", reason="gguf is in the cpu extra")

import gguf

from searchlm.tune.gguf_lora import (
    LoraFormatError,
    check_against_base,
    gguf_tensor_name,
    hf_module_name,
    read_gguf_lora,
    write_gguf_lora,
)

HIDDEN, FFN, KV, RANK = 16, 24, 8, 4
# (HF module, base GGUF tensor, out features, in features) of one decoder layer.
MODULES = [
    ("self_attn.q_proj", "attn_q", 2 * HIDDEN, HIDDEN),
    ("self_attn.k_proj", "attn_k", KV, HIDDEN),
    ("self_attn.v_proj", "attn_v", KV, HIDDEN),
    ("self_attn.o_proj", "attn_output", HIDDEN, 2 * HIDDEN),
    ("mlp.gate_proj", "ffn_gate", FFN, HIDDEN),
    ("mlp.up_proj", "ffn_up", FFN, HIDDEN),
    ("mlp.down_proj", "ffn_down", HIDDEN, FFN),
]


def _tensors(layers: int = 2, seed: int = 0) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(seed)
    return {
        f"model.layers.{i}.{module}": (
            rng.normal(size=(RANK, n_in)).astype(np.float32),
            rng.normal(size=(n_out, RANK)).astype(np.float32),
        )
        for i in range(layers)
        for module, _, n_out, n_in in MODULES
    }


def _write(path: Path, tensors: dict[str, tuple[np.ndarray, np.ndarray]], **kw: object) -> Path:
    options: dict = {"alpha": 8.0, "rank": RANK, "task": "null-query-rewrite"}
    options |= {"base_model": "gemma-3-270m-q4_k_m", "base_sha256": "ab" * 32, **kw}
    return write_gguf_lora(path, tensors, **options)


@pytest.mark.parametrize(
    ("hf", "gguf_name"), [(f"model.layers.3.{m}", f"blk.3.{g}.weight") for m, g, _, _ in MODULES]
)
def test_module_names_map_both_ways(hf: str, gguf_name: str) -> None:
    assert gguf_tensor_name(hf) == gguf_name
    assert gguf_tensor_name("base_model.model." + hf) == gguf_name
    assert hf_module_name(gguf_name) == hf


@pytest.mark.parametrize("bad", ["model.embed_tokens", "model.layers.0.self_attn.q_norm", "lm_head"])
def test_modules_llamacpp_cannot_adapt_are_refused(bad: str) -> None:
    with pytest.raises(LoraFormatError):
        gguf_tensor_name(bad)


def test_round_trip_keeps_names_shapes_values_and_metadata(tmp_path: Path) -> None:
    tensors = _tensors()
    lora = read_gguf_lora(_write(tmp_path / "a.gguf", tensors))
    assert (lora.architecture, lora.alpha, lora.rank) == ("gemma3", 8.0, RANK)
    assert (lora.task, lora.base_model, lora.base_sha256) == (
        "null-query-rewrite",
        "gemma-3-270m-q4_k_m",
        "ab" * 32,
    )
    assert lora.metadata["general.type"] == "adapter" and lora.metadata["adapter.type"] == "lora"
    assert lora.tensors.keys() == tensors.keys()
    for name, (a, b) in tensors.items():
        np.testing.assert_allclose(lora.tensors[name][0], a, rtol=1e-3, atol=1e-3)  # stored as f16
        np.testing.assert_allclose(lora.tensors[name][1], b, rtol=1e-3, atol=1e-3)


def test_file_layout_is_the_one_llamacpp_checks(tmp_path: Path) -> None:
    path = _write(tmp_path / "a.gguf", _tensors(layers=1), dtype="f32")
    reader = gguf.GGUFReader(str(path))
    shapes = {t.name: tuple(int(n) for n in t.shape) for t in reader.tensors}  # ggml order: ne[0] first
    assert shapes["blk.0.attn_q.weight.lora_a"] == (HIDDEN, RANK)  # ne[0] = base ne[0] (in)
    assert shapes["blk.0.attn_q.weight.lora_b"] == (RANK, 2 * HIDDEN)  # ne[1] = base ne[1] (out)
    assert {t.tensor_type for t in reader.tensors} == {gguf.GGMLQuantizationType.F32}
    assert reader.fields["adapter.lora.alpha"].types == [gguf.GGUFValueType.FLOAT32]
    assert reader.fields["searchlm.adapter.rank"].types == [gguf.GGUFValueType.UINT32]


def test_wrong_shapes_are_refused_before_writing(tmp_path: Path) -> None:
    a, b = _tensors(layers=1)["model.layers.0.mlp.up_proj"]
    with pytest.raises(LoraFormatError, match="rank"):
        _write(tmp_path / "a.gguf", {"model.layers.0.mlp.up_proj": (a.T, b)})


def _base_gguf(path: Path, *, ffn: int = FFN) -> Path:
    writer = gguf.GGUFWriter(str(path), arch="gemma3")
    for i in range(2):
        for _, name, n_out, n_in in MODULES:
            n_out = ffn if name in ("ffn_gate", "ffn_up") else n_out
            n_in = ffn if name == "ffn_down" else n_in
            writer.add_tensor(f"blk.{i}.{name}.weight", np.zeros((n_out, n_in), np.float32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def test_check_against_base_accepts_a_fitting_adapter_and_names_a_misfit(tmp_path: Path) -> None:
    lora = read_gguf_lora(_write(tmp_path / "a.gguf", _tensors()))
    check_against_base(lora, _base_gguf(tmp_path / "base.gguf"))
    with pytest.raises(LoraFormatError, match="ffn_"):
        check_against_base(lora, _base_gguf(tmp_path / "other.gguf", ffn=FFN * 2))
