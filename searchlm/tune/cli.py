"""Command line: ``python -m searchlm.tune {train,export,tasks}``.

    python -m searchlm.tune train --task null-query-rewrite --out runs/tune/nq --steps 1500
    python -m searchlm.tune export --run runs/tune/nq --out model_server/adapters/null-query-rewrite
    python -m searchlm.tune tasks

`train` resumes from the run folder's last checkpoint when re-run with the same settings
(`--steps` may grow). torch and transformers load only for `train`.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import os
from pathlib import Path
from typing import Annotated

import typer

from searchlm.tune.settings import TuneSettings

app = typer.Typer(add_completion=False, no_args_is_help=True, help="LoRA task tuning of the shared LM.")
_D = TuneSettings()


@app.command()
def train(
    task: Annotated[str, typer.Option(help="Registered task (see `tasks`) or module:attribute.")] = _D.task,
    out: Annotated[Path, typer.Option(help="Run folder (resumed when it has a checkpoint).")] = _D.out,
    base: Annotated[
        Path | None, typer.Option(help="transformers base folder (default: the served GGUF).")
    ] = None,
    steps: Annotated[int, typer.Option(min=1, help="Optimizer steps in all.")] = _D.steps,
    batch: Annotated[int, typer.Option(min=1, help="Examples per micro-batch.")] = _D.batch,
    accum: Annotated[int, typer.Option(min=1, help="Micro-batches per optimizer step.")] = _D.accum,
    lr: Annotated[float, typer.Option(help="Peak learning rate.")] = _D.lr,
    warmup: Annotated[float, typer.Option(help="Share of steps warming up.")] = _D.warmup,
    rank: Annotated[int, typer.Option(min=1, help="LoRA rank.")] = _D.rank,
    alpha: Annotated[float, typer.Option(help="LoRA alpha (scale alpha/rank).")] = _D.alpha,
    dropout: Annotated[float, typer.Option(help="LoRA dropout.")] = _D.dropout,
    max_len: Annotated[int, typer.Option(min=8, help="Longest prompt+target in tokens.")] = _D.max_len,
    seed: Annotated[int, typer.Option(help="Data, batch order, init and dropout seed.")] = _D.seed,
    eval_every: Annotated[
        int, typer.Option(min=0, help="Dev exact match every N steps (0: at the end).")
    ] = 0,
    checkpoint_every: Annotated[
        int, typer.Option(min=1, help="Checkpoint every N steps.")
    ] = _D.checkpoint_every,
    limit_examples: Annotated[int, typer.Option(min=0, help="First N training examples only (0: all).")] = 0,
    dev_examples: Annotated[int, typer.Option(min=0, help="Dev examples decoded.")] = _D.dev_examples,
    threads: Annotated[int, typer.Option(min=1, help="torch CPU threads.")] = _D.threads,
    init_from: Annotated[
        Path | None, typer.Option(help="Start from this GGUF LoRA's weights (continue a shipped adapter).")
    ] = None,
    skip_batches: Annotated[
        int, typer.Option(min=0, help="Micro-batches the --init-from adapter already saw.")
    ] = 0,
) -> None:
    """Tune a LoRA adapter on a task (resumes a started run)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from searchlm.tune.train import train as run_training

    names = {f.name for f in dataclasses.fields(TuneSettings)}
    settings = TuneSettings(**{k: v for k, v in locals().items() if k in names})
    metrics = run_training(settings)
    summary = {k: v for k, v in metrics.items() if k not in ("loss_curve", "dev_samples")}
    typer.echo(json.dumps(summary, ensure_ascii=False, indent=2))


@app.command()
def export(
    run: Annotated[Path, typer.Option(help="Run folder of `train`.")],
    out: Annotated[Path, typer.Option(help="Output stem: writes OUT.gguf and OUT.md.")],
) -> None:
    """Write a run's adapter as a GGUF LoRA for llama.cpp, with its model card."""
    from searchlm.tune.export import export_run

    gguf_path, card = export_run(run, out)
    typer.echo(f"wrote {gguf_path} ({gguf_path.stat().st_size / 1e6:.1f} MB) and {card}")


@app.command()
def tasks() -> None:
    """List the registered tuning tasks."""
    from searchlm.tune.tasks import TASKS, load_task

    for name in sorted(TASKS):
        typer.echo(f"{name}\t{load_task(name).description}\t({TASKS[name]})")
