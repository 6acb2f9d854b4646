"""An e5 checkpoint through transformers + torch: GPU ingest (CUDA when present), any local e5 dir.

torch and transformers are imported here only, when this embedder is chosen
(``SEARCHLM_FREE_QA_EMBEDDER=transformers:/models/multilingual-e5-small``). Vectors follow e5's
recipe: "query: " / "passage: " prefixes, mean pooling over the attention mask, L2 norm.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np

from searchlm.embed.e5_prefix import E5Prefixes


class TransformersE5Embedder(E5Prefixes):
    """e5 embeddings from a local Hugging Face checkpoint directory.

    Args:
        path: Local model directory (config, weights, tokenizer); nothing is downloaded.
        device: ``cuda``, ``cuda:N``, ``cpu`` or None (CUDA when available).
        cache_dir: Unused; accepted so every embedder is built the same way.
        batch_size: Texts per forward pass.
        max_length: Tokens per text (e5 was trained with 512).
    """

    def __init__(
        self,
        path: str,
        *,
        device: str | None = None,
        cache_dir: Path | None = None,
        batch_size: int = 64,
        max_length: int = 512,
    ) -> None:
        try:
            import torch
            from transformers import AutoModel, AutoTokenizer
        except ImportError as exc:  # pragma: no cover - in the cpu and gpu extras
            raise ImportError("this embedder needs torch and transformers: pip install transformers") from exc
        self._torch: Any = torch
        self._device = device or ("cuda" if torch.cuda.is_available() else "cpu")
        self._tokenizer: Any = AutoTokenizer.from_pretrained(path, local_files_only=True)
        self._model: Any = AutoModel.from_pretrained(path, local_files_only=True).to(self._device).eval()
        self.model_id = f"transformers:{Path(path).name}"
        self.dims = int(self._model.config.hidden_size)
        self._batch, self._max_length = batch_size, max_length
        self._lock = threading.Lock()

    def _encode(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dims), dtype=np.float32)
        with self._lock, self._torch.inference_mode():
            for start in range(0, len(texts), self._batch):
                out[start : start + self._batch] = self._forward(texts[start : start + self._batch])
        return out

    def _forward(self, batch: list[str]) -> np.ndarray:
        encoded = self._tokenizer(
            batch, padding=True, truncation=True, max_length=self._max_length, return_tensors="pt"
        ).to(self._device)
        hidden = self._model(**encoded).last_hidden_state
        mask = encoded["attention_mask"].unsqueeze(-1).to(hidden.dtype)
        pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
        pooled = self._torch.nn.functional.normalize(pooled.float(), dim=-1)
        return np.asarray(pooled.cpu().numpy(), dtype=np.float32)
