"""The base model for tuning: the served GGUF, dequantised once into a transformers checkpoint.

Tuning must start from exactly the weights llama.cpp serves, so the base is the packaged Gemma 3
270M Q4_K_M itself, dequantised to float32 by transformers (~35 s) and saved as safetensors +
tokenizer (reloads in ~3 s). `base.json` in the saved folder records the GGUF's name and
SHA-256, which the exported adapter carries. transformers is imported inside the functions.
"""

from __future__ import annotations

import json
import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

from searchlm.files import file_sha256, packaged_gguf

LOG = logging.getLogger(__name__)
DEFAULT_CACHE = Path.home() / ".cache" / "searchlm" / "gemma-3-270m-hf"
MODEL_NAME = "gemma-3-270m-q4_k_m"
BASE_JSON = "base.json"


@dataclass(frozen=True)
class BaseInfo:
    """Which GGUF a transformers base folder was made from.

    Attributes:
        model: Model name ("gemma-3-270m-q4_k_m"; the folder name for other bases).
        sha256: SHA-256 of the GGUF file ("" when the folder was not made from one).
    """

    model: str
    sha256: str


def base_info(directory: Path) -> BaseInfo:
    """The GGUF a base folder came from (`base.json`), or its folder name and "" without one."""
    record = directory / BASE_JSON
    if not record.is_file():
        return BaseInfo(directory.name, "")
    data = json.loads(record.read_text(encoding="utf-8"))
    return BaseInfo(data["model"], data["sha256"])


def _dequantise(gguf_path: Path, out: Path) -> None:
    """Loads the GGUF with transformers (dequantised to float32) and saves it to `out`."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    kwargs = {"gguf_file": gguf_path.name}
    tokenizer = AutoTokenizer.from_pretrained(gguf_path.parent, **kwargs)
    model = AutoModelForCausalLM.from_pretrained(gguf_path.parent, **kwargs)
    # The weights are plain float32 now; left set, these make save_pretrained refuse or re-quantise.
    model.hf_quantizer = None  # type: ignore[assignment]
    if hasattr(model.config, "quantization_config"):
        del model.config.quantization_config
    model.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)


def hf_base(cache_dir: Path = DEFAULT_CACHE, *, gguf_path: Path | None = None) -> Path:
    """A transformers folder of the served GGUF: made on the first call, reused afterwards.

    Args:
        cache_dir: Where the folder lives (`~/.cache/searchlm/gemma-3-270m-hf`).
        gguf_path: The GGUF to dequantise; the packaged Gemma 3 270M when None.

    Returns:
        `cache_dir`, holding config, `model.safetensors`, the tokenizer and `base.json`.
    """
    if (cache_dir / BASE_JSON).is_file():
        return cache_dir
    source = gguf_path or packaged_gguf()
    LOG.info("dequantising %s into %s (once, ~35 s)", source, cache_dir)
    staging = cache_dir.with_name(cache_dir.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    _dequantise(source, staging)
    model = MODEL_NAME if gguf_path is None else source.stem
    record = {"model": model, "sha256": file_sha256(source), "gguf": source.name}
    (staging / BASE_JSON).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    shutil.rmtree(cache_dir, ignore_errors=True)
    staging.rename(cache_dir)  # the folder appears whole or not at all
    return cache_dir
