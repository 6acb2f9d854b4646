"""A run's last checkpoint -> `<out>.gguf` (llama.cpp LoRA) + `<out>.md` (model card).

numpy, safetensors and gguf only: exporting needs no torch.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import numpy as np

from searchlm.tune.data import data_summary
from searchlm.tune.gguf_lora import write_gguf_lora
from searchlm.tune.layout import ADAPTER_CONFIG, ADAPTER_WEIGHTS, RunLayout

_PEFT_KEY = re.compile(r"^(?P<module>.+)\.lora_(?P<half>[AB])\.weight$")


def lora_pairs(weights: dict[str, np.ndarray]) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """PEFT's flat state dict (`...q_proj.lora_A.weight`) -> module -> (A, B).

    Raises:
        ValueError: a key that is not a LoRA A/B weight, or an unpaired half.
    """
    halves: dict[str, dict[str, np.ndarray]] = {}
    for key, value in weights.items():
        match = _PEFT_KEY.match(key)
        if not match:
            raise ValueError(f"unexpected adapter weight {key!r} (only LoRA A/B are exported)")
        halves.setdefault(match["module"], {})[match["half"]] = value
    unpaired = sorted(m for m, h in halves.items() if set(h) != {"A", "B"})
    if unpaired:
        raise ValueError(f"LoRA halves missing for {unpaired}")
    return {m: (h["A"], h["B"]) for m, h in halves.items()}


def _read_json(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}


def _percent(value: float | None) -> str:
    return "not measured" if value is None else f"{value:.1%}"


def _started_from(metrics: dict[str, Any]) -> str:
    if not metrics.get("init_from"):
        return "the seeded LoRA init"
    return (
        f"the weights of `{metrics['init_from']}`, after the first {metrics.get('skip_batches', 0)} "
        "micro-batches of the same batch plan (which it had trained on)"
    )


def model_card(
    run: dict[str, Any], metrics: dict[str, Any], data: dict[str, Any], lora: dict[str, Any], out: Path
) -> str:
    """The Markdown card of an adapter exported to `out` (the .gguf/.md stem)."""
    base = run.get("base", {})
    sources = "\n".join(f"- {line}" for line in data.get("sources", [])) or "- (not recorded)"
    return f"""# LoRA adapter `{run.get("task", "?")}`

| | |
|---|---|
| task | `{run.get("task", "?")}` |
| base model | `{base.get("model", "?")}` |
| base GGUF sha256 | `{base.get("sha256") or "unknown"}` |
| LoRA | rank {lora["r"]}, alpha {lora["lora_alpha"]}, dropout {lora.get("lora_dropout")}, \
modules {", ".join(sorted(lora.get("target_modules") or []))} |
| training examples | {data.get("train", "?")} made, {metrics.get("train_examples", "?")} used \
({metrics.get("skipped_too_long", 0)} over max length) |
| dev examples | {metrics.get("dev_examples", "?")} decoded (dev split: {data.get("dev", "?")}, \
no clean answer shared with training) |
| steps | {metrics.get("steps", "?")} ({metrics.get("examples_seen", "?")} examples seen, \
{metrics.get("epochs", "?")} epochs) |
| training time | {metrics.get("seconds", "?")} s on CPU ({metrics.get("seconds_per_step", "?")} s a step) |
| final train loss | {metrics.get("final_loss")} |
| dev exact match | {_percent(metrics.get("dev_exact_match"))} (greedy first line vs the target) |
| started from | {_started_from(metrics)} |

## Data

{sources}

Counts: `{json.dumps(data.get("stats", {}), ensure_ascii=False)}`

## Reproduce

```
{run.get("command", "?")}
python -m searchlm.tune export --run {run.get("settings", {}).get("out", "RUN")} --out {out}
```

The GGUF holds `blk.N.<proj>.weight.lora_a/.lora_b` pairs (f16) for llama.cpp's
`llama_adapter_lora_init`; llama.cpp scales them by alpha / rank, as PEFT does.
"""


def export_run(run_dir: Path, out: Path) -> tuple[Path, Path]:
    """Writes `<out>.gguf` and `<out>.md` from the last checkpoint of `run_dir`.

    Raises:
        FileNotFoundError: the run has no checkpoint yet.
    """
    from safetensors.numpy import load_file

    layout = RunLayout(run_dir)
    if not (layout.checkpoint / ADAPTER_WEIGHTS).is_file():
        raise FileNotFoundError(f"{layout.checkpoint} has no {ADAPTER_WEIGHTS}: train first")
    lora = _read_json(layout.checkpoint / ADAPTER_CONFIG)
    run = _read_json(layout.run_json)
    base = run.get("base", {})
    stem = out.with_suffix("") if out.suffix == ".gguf" else out
    gguf_path = write_gguf_lora(
        stem.with_name(stem.name + ".gguf"),
        lora_pairs(load_file(layout.checkpoint / ADAPTER_WEIGHTS)),
        alpha=float(lora["lora_alpha"]),
        rank=int(lora["r"]),
        task=str(run.get("task", "")),
        base_model=str(base.get("model", "")),
        base_sha256=str(base.get("sha256", "")),
    )
    card = stem.with_name(stem.name + ".md")
    metrics, data = _read_json(layout.metrics), data_summary(layout.data_dir)
    card.write_text(model_card(run, metrics, data, lora, stem), encoding="utf-8")
    return gguf_path, card
