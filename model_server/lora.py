"""LoRA adapters of the served model: where they are, what they are, and whether they fit.

Adapters are GGUF LoRA files (written by `python -m searchlm.tune export`), one per task,
named by their file stem. Both CPU engines load the same files: llama.cpp natively, the
transformers engine by building PEFT adapters from the same tensors. Each file records the
base model it was tuned on (name and GGUF SHA-256); an adapter for another base model stops
the server at start with a message saying which, instead of serving a mix of two models.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from model_server.types import AdapterInfo

PACKAGED_DIR = Path(__file__).parent / "adapters"
PACKAGED = "packaged"


class AdapterMismatchError(ValueError):
    """An adapter does not belong to the served base model."""


@dataclass(frozen=True)
class AdapterFile:
    """One adapter file and what it says about itself.

    Attributes:
        info: Name, base model, rank, alpha, task and path.
        base_sha256: SHA-256 of the base GGUF it was tuned on (empty when unknown).
    """

    info: AdapterInfo
    base_sha256: str

    @property
    def path(self) -> Path:
        """The GGUF LoRA file."""
        return Path(self.info.path)


def adapters_dir(setting: str, *, packaged_model: bool) -> Path | None:
    """The folder to load adapters from.

    Args:
        setting: `ADAPTERS_DIR`: a folder, "packaged", or empty for none.
        packaged_model: Whether the server serves the packaged base model, the only one the
            shipped adapters fit.
    """
    if not setting:
        return None
    if setting == PACKAGED:
        return PACKAGED_DIR if packaged_model and PACKAGED_DIR.is_dir() else None
    path = Path(setting)
    if not path.is_dir():
        raise FileNotFoundError(f"adapters_dir {path} is not a folder")
    return path


def discover(directory: Path | None) -> list[AdapterFile]:
    """Every `*.gguf` LoRA in `directory`, sorted by name (none when `directory` is None)."""
    if directory is None:
        return []
    from searchlm.tune.gguf_lora import read_gguf_lora  # gguf is only needed when adapters exist

    found = []
    for path in sorted(directory.glob("*.gguf")):
        lora = read_gguf_lora(path)
        info = AdapterInfo(
            name=path.stem,
            base_model=lora.base_model,
            rank=lora.rank,
            alpha=lora.alpha,
            task=lora.task,
            path=str(path),
        )
        found.append(AdapterFile(info=info, base_sha256=lora.base_sha256))
    return found


def check_base(adapters: list[AdapterFile], *, model: str, model_sha256: str) -> None:
    """Refuses adapters recorded against another base model.

    Raises:
        AdapterMismatchError: naming the adapter, its base and the served model.
    """
    for adapter in adapters:
        if adapter.base_sha256 and adapter.base_sha256.lower() != model_sha256.lower():
            raise AdapterMismatchError(
                f"adapter {adapter.info.name!r} ({adapter.path}) was tuned on "
                f"{adapter.info.base_model or 'another model'} (sha256 {adapter.base_sha256[:12]}...), "
                f"not on the served model {model} (sha256 {model_sha256[:12]}...); "
                "remove it from the adapters folder or serve its base model"
            )
