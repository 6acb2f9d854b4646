"""GGUF LoRA adapters in the form llama.cpp loads (`llama_adapter_lora_init`), numpy + gguf only.

What llama.cpp (0.3.36's `src/llama-adapter.cpp`) requires of the file:

- KV `general.type` = "adapter", `adapter.type` = "lora", `general.architecture` equal to the
  base model's ("gemma3"), `adapter.lora.alpha` (float32; 0 means "no alpha/rank scaling").
- Tensors named after the base model's GGUF tensor plus `.lora_a` / `.lora_b`
  (`blk.3.attn_q.weight.lora_a`), each pair complete, the base tensor present.
- Shapes (ggml order, ne[0] first): base.ne[0] == a.ne[0], base.ne[1] == b.ne[1],
  a.ne[1] == b.ne[0]. In numpy order that is PEFT's own layout: A = `lora_A.weight`
  (rank, in), B = `lora_B.weight` (out, rank).
- The delta applied is B @ (A @ x) * user_scale * alpha / rank, rank read from B; with the
  user scale 1.0 that is PEFT's `lora_alpha / r`.

Gemma 3's q/k projections are not permuted by llama.cpp's HF -> GGUF conversion (only the
norm weights are shifted by +1 and the embedding trimmed), so PEFT's A and B are written as
they are. The adapter also carries `searchlm.adapter.*` keys (task, base model and its
SHA-256, rank) so a server can check it is given the base it was tuned on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

# HF module (last name) -> GGUF base tensor inside `blk.{i}.`.
PROJECTIONS = {
    "q_proj": "attn_q",
    "k_proj": "attn_k",
    "v_proj": "attn_v",
    "o_proj": "attn_output",
    "gate_proj": "ffn_gate",
    "up_proj": "ffn_up",
    "down_proj": "ffn_down",
}
_BLOCKS = {"q_proj": "self_attn", "k_proj": "self_attn", "v_proj": "self_attn", "o_proj": "self_attn"}
_HF_NAME = re.compile(r"(?:^|\.)layers\.(\d+)\.(?:self_attn|mlp)\.(" + "|".join(PROJECTIONS) + r")$")
_GGUF_NAME = re.compile(r"^blk\.(\d+)\.(" + "|".join(PROJECTIONS.values()) + r")\.weight$")
_TO_HF = {v: k for k, v in PROJECTIONS.items()}
_DTYPES = {"f16": np.float16, "f32": np.float32}

KEY_TASK = "searchlm.adapter.task"
KEY_BASE_MODEL = "searchlm.adapter.base_model"
KEY_BASE_SHA256 = "searchlm.adapter.base_sha256"
KEY_RANK = "searchlm.adapter.rank"


class LoraFormatError(ValueError):
    """A LoRA file or tensor set that llama.cpp would refuse (the message says why)."""


@dataclass(frozen=True)
class LoraFile:
    """A GGUF LoRA as read back.

    Attributes:
        architecture: `general.architecture` ("gemma3").
        alpha: `adapter.lora.alpha`.
        rank: `searchlm.adapter.rank`, or the rows of the A tensors when the key is absent.
        task: `searchlm.adapter.task` ("" when absent).
        base_model: `searchlm.adapter.base_model` ("" when absent).
        base_sha256: `searchlm.adapter.base_sha256` ("" when absent).
        tensors: HF module name ("model.layers.0.self_attn.q_proj") -> (A, B) as float32.
        metadata: Every scalar KV of the file.
    """

    architecture: str
    alpha: float
    rank: int
    task: str
    base_model: str
    base_sha256: str
    tensors: dict[str, tuple[np.ndarray, np.ndarray]] = field(repr=False)
    metadata: dict[str, Any] = field(repr=False)


def gguf_tensor_name(hf_module: str) -> str:
    """The base GGUF tensor of an HF linear module (`...layers.3.mlp.up_proj` -> `blk.3.ffn_up.weight`).

    Any prefix is accepted (PEFT's `base_model.model.model.layers...`).

    Raises:
        LoraFormatError: the module is not a projection of a decoder layer.
    """
    match = _HF_NAME.search(hf_module)
    if not match:
        raise LoraFormatError(f"{hf_module!r} is not one of {sorted(PROJECTIONS)} in a decoder layer")
    return f"blk.{match.group(1)}.{PROJECTIONS[match.group(2)]}.weight"


def hf_module_name(gguf_tensor: str) -> str:
    """The HF module (`model.layers.3.mlp.up_proj`) of a base GGUF tensor (`blk.3.ffn_up.weight`).

    Raises:
        LoraFormatError: the tensor is not a projection this module writes.
    """
    match = _GGUF_NAME.match(gguf_tensor)
    if not match:
        raise LoraFormatError(f"{gguf_tensor!r} is not a decoder projection tensor")
    proj = _TO_HF[match.group(2)]
    return f"model.layers.{match.group(1)}.{_BLOCKS.get(proj, 'mlp')}.{proj}"


def _gguf() -> Any:
    """The `gguf` package (imported on use: serving without adapters never needs it)."""
    try:
        import gguf
    except ImportError as exc:  # pragma: no cover - gguf is in the cpu extra
        raise ImportError("GGUF LoRA files need the gguf package: pip install gguf") from exc
    return gguf


def _check_pair(name: str, a: np.ndarray, b: np.ndarray, rank: int) -> None:
    if a.ndim != 2 or b.ndim != 2 or a.shape[0] != rank or b.shape[1] != rank:
        raise LoraFormatError(
            f"{name}: expected A (rank={rank}, in) and B (out, rank), got {a.shape} and {b.shape}"
        )


def write_gguf_lora(
    path: Path,
    tensors: dict[str, tuple[np.ndarray, np.ndarray]],
    *,
    alpha: float,
    rank: int,
    task: str,
    base_model: str,
    base_sha256: str,
    architecture: str = "gemma3",
    dtype: str = "f16",
) -> Path:
    """Writes a GGUF LoRA adapter that llama.cpp's `llama_adapter_lora_init` loads.

    Args:
        path: File to write (parents created).
        tensors: HF module name -> (A, B) in PEFT's layout, A (rank, in), B (out, rank).
        alpha: LoRA alpha (PEFT's `lora_alpha`); llama.cpp scales by alpha / rank.
        rank: LoRA rank (PEFT's `r`).
        task: Tuning task name.
        base_model: Base model name ("gemma-3-270m-q4_k_m").
        base_sha256: SHA-256 of the base GGUF file the adapter was tuned on.
        architecture: The base model's `general.architecture`.
        dtype: "f16" (default) or "f32" for the stored tensors.

    Raises:
        LoraFormatError: a module name or a shape llama.cpp would refuse.
    """
    gguf = _gguf()
    if not tensors:
        raise LoraFormatError("no LoRA tensors to write")
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = gguf.GGUFWriter(str(path), arch=architecture)
    writer.add_type("adapter")
    writer.add_string("adapter.type", "lora")
    writer.add_float32("adapter.lora.alpha", float(alpha))
    writer.add_string(KEY_TASK, task)
    writer.add_string(KEY_BASE_MODEL, base_model)
    writer.add_string(KEY_BASE_SHA256, base_sha256)
    writer.add_uint32(KEY_RANK, int(rank))
    for module in sorted(tensors, key=gguf_tensor_name):
        a, b = (np.asarray(t) for t in tensors[module])
        base = gguf_tensor_name(module)
        _check_pair(base, a, b, rank)
        writer.add_tensor(f"{base}.lora_a", np.ascontiguousarray(a, dtype=_DTYPES[dtype]))
        writer.add_tensor(f"{base}.lora_b", np.ascontiguousarray(b, dtype=_DTYPES[dtype]))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    return path


def _scalar(reader_field: Any) -> Any:
    """A scalar KV value of a `gguf.GGUFReader` field (strings decoded)."""
    value = reader_field.parts[reader_field.data[0]]
    if reader_field.types and reader_field.types[0] == _gguf().GGUFValueType.STRING:
        return bytes(value).decode("utf-8")
    return value.tolist()[0]


def _metadata(reader: Any) -> dict[str, Any]:
    array = _gguf().GGUFValueType.ARRAY
    return {
        key: _scalar(f)
        for key, f in reader.fields.items()
        if f.types and f.types[0] != array and not key.startswith("GGUF.")
    }


def _pairs(reader: Any) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    halves: dict[str, dict[str, np.ndarray]] = {}
    for tensor in reader.tensors:
        base, _, suffix = tensor.name.rpartition(".")
        if suffix not in ("lora_a", "lora_b"):
            raise LoraFormatError(f"unexpected tensor {tensor.name!r} in a LoRA file")
        shape = tuple(int(n) for n in reversed(tensor.shape))
        halves.setdefault(base, {})[suffix] = np.array(tensor.data, dtype=np.float32).reshape(shape)
    out = {}
    for base, pair in halves.items():
        if set(pair) != {"lora_a", "lora_b"}:
            raise LoraFormatError(f"{base}: lora_a and lora_b must come in pairs")
        out[hf_module_name(base)] = (pair["lora_a"], pair["lora_b"])
    return out


def read_gguf_lora(path: Path) -> LoraFile:
    """Reads a GGUF LoRA adapter (as written by `write_gguf_lora`, or by llama.cpp's converter).

    Raises:
        LoraFormatError: not a LoRA adapter, or an unpaired / unexpected tensor.
    """
    reader = _gguf().GGUFReader(str(path))
    meta = _metadata(reader)
    if meta.get("general.type") != "adapter" or meta.get("adapter.type") != "lora":
        raise LoraFormatError(f"{path} is not a GGUF LoRA adapter (general.type/adapter.type)")
    tensors = _pairs(reader)
    ranks = {a.shape[0] for a, _ in tensors.values()}
    return LoraFile(
        architecture=str(meta.get("general.architecture", "")),
        alpha=float(meta.get("adapter.lora.alpha", 0.0)),
        rank=int(meta.get(KEY_RANK, 0)) or (ranks.pop() if len(ranks) == 1 else 0),
        task=str(meta.get(KEY_TASK, "")),
        base_model=str(meta.get(KEY_BASE_MODEL, "")),
        base_sha256=str(meta.get(KEY_BASE_SHA256, "")),
        tensors=tensors,
        metadata=meta,
    )


def check_against_base(lora: LoraFile, base_gguf: Path) -> None:
    """Applies llama.cpp's load-time checks of a LoRA against a base GGUF file.

    Raises:
        LoraFormatError: a different architecture, a missing base tensor or a shape mismatch.
    """
    reader = _gguf().GGUFReader(str(base_gguf))
    arch = _metadata(reader).get("general.architecture")
    if arch != lora.architecture:
        raise LoraFormatError(f"LoRA architecture {lora.architecture!r} but base is {arch!r}")
    # GGUFReader shapes are in ggml order: ne[0] (the input width) first.
    shapes = {t.name: tuple(int(n) for n in t.shape) for t in reader.tensors}
    for module, (a, b) in lora.tensors.items():
        name = gguf_tensor_name(module)
        if name not in shapes:
            raise LoraFormatError(f"{name} does not exist in the base model")
        ne = shapes[name]
        if ne[0] != a.shape[1] or ne[1] != b.shape[0] or a.shape[0] != b.shape[1]:
            raise LoraFormatError(f"{name}: base ne={ne}, A {a.shape}, B {b.shape} do not fit")
