"""Where a tuning run keeps its files (shared by the trainer and the exporter).

<out>/run.json                    settings, base model, the command that reproduces it
<out>/data/{train,dev}.jsonl      the task's examples for the seed (made once, reused)
<out>/data/data.json              their sources and counts
<out>/checkpoint/                 the last checkpoint, replaced whole:
    adapter_model.safetensors     LoRA weights (PEFT names and layout)
    adapter_config.json           PEFT's LoraConfig
    state.pt                      optimizer, scheduler, RNG, step, curves
<out>/metrics.json                steps, seconds, sampled loss curve, dev exact match
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

ADAPTER_WEIGHTS = "adapter_model.safetensors"
ADAPTER_CONFIG = "adapter_config.json"
TRAINER_STATE = "state.pt"


@dataclass(frozen=True)
class RunLayout:
    """The paths of one run folder."""

    root: Path

    @property
    def run_json(self) -> Path:
        """Settings, base model and command."""
        return self.root / "run.json"

    @property
    def data_dir(self) -> Path:
        """The cached task examples."""
        return self.root / "data"

    @property
    def checkpoint(self) -> Path:
        """The last checkpoint folder."""
        return self.root / "checkpoint"

    @property
    def metrics(self) -> Path:
        """metrics.json."""
        return self.root / "metrics.json"
