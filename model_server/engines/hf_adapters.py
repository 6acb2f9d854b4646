"""LoRA adapters of the transformers engine: the project's GGUF LoRA files as PEFT adapters.

The same files the llama.cpp engine loads (`model_server.lora`) become named PEFT adapters of
the loaded model, so one batch can mix them through PEFT's per-row `adapter_names`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch

from model_server.lora import AdapterFile, adapters_dir, check_base, discover


def adapter_files(setting: str, *, model_dir: str, model_name: str) -> list[AdapterFile]:
    """The adapters `setting` (ADAPTERS_DIR) names, checked against the model directory's base.

    "packaged" applies when the directory was made from the packaged GGUF by `searchlm.tune`
    (its `base.json` records the GGUF's SHA-256).

    Raises:
        AdapterMismatchError: an adapter recorded against another base model.
    """
    if not setting:
        return []
    from searchlm.tune.base import base_info  # json only; no torch or gguf

    base_sha = base_info(Path(model_dir)).sha256
    found = discover(adapters_dir(setting, packaged_model=bool(base_sha)))
    if found:
        check_base(found, model=model_name, model_sha256=base_sha)
    return found


def with_adapters(model: Any, adapters: list[AdapterFile]) -> Any:
    """The model wrapped in PEFT with every GGUF LoRA loaded under its name."""
    from peft import LoraConfig, get_peft_model

    from searchlm.tune.gguf_lora import read_gguf_lora

    for i, adapter in enumerate(adapters):
        lora = read_gguf_lora(adapter.path)
        config = LoraConfig(
            r=lora.rank,
            lora_alpha=lora.alpha,  # type: ignore[arg-type]  # peft takes any number
            lora_dropout=0.0,
            target_modules=sorted({name.rsplit(".", 1)[-1] for name in lora.tensors}),
        )
        if i == 0:
            model = get_peft_model(model, config, adapter_name=adapter.info.name)
        else:
            model.add_adapter(adapter.info.name, config)
        base = model.base_model.model
        for module_name, (a, b) in lora.tensors.items():
            layer = base.get_submodule(module_name)
            layer.lora_A[adapter.info.name].weight.data.copy_(torch.from_numpy(np.asarray(a, np.float32)))
            layer.lora_B[adapter.info.name].weight.data.copy_(torch.from_numpy(np.asarray(b, np.float32)))
    return model
