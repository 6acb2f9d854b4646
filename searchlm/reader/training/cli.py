"""Command line: ``python -m searchlm.reader {train,export,evaluate}``."""

from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import os
import shutil
import sys
from collections.abc import Sequence
from pathlib import Path

from searchlm.reader import DEFAULT_ARTEFACT
from searchlm.reader.training.settings import DEFAULT_DATA_DIR, ReaderTrainSettings

os.environ.setdefault("HF_HUB_OFFLINE", "1")

_ARTEFACT_FILES = ("model.safetensors", "config.json")


def _add_settings_options(parser: argparse.ArgumentParser) -> None:
    """One ``--option`` per ReaderTrainSettings field, typed from its default."""
    defaults = ReaderTrainSettings()
    for f in dataclasses.fields(ReaderTrainSettings):
        default = getattr(defaults, f.name)
        flag = "--" + f.name.replace("_", "-")
        if isinstance(default, bool):
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=default)
        else:
            parser.add_argument(flag, type=type(default), default=default, help=f"default: {default}")


def _settings_from(args: argparse.Namespace) -> ReaderTrainSettings:
    names = {f.name for f in dataclasses.fields(ReaderTrainSettings)}
    return ReaderTrainSettings(**{n: getattr(args, n) for n in names})


def _cmd_train(args: argparse.Namespace) -> int:
    from searchlm.reader.training.train import train

    out = train(_settings_from(args))
    print(f"artefact: {out}")
    print("best tune point (training side):", (out.parent / "tune_report.json").read_text())
    print("held-out articles:", (out.parent / "heldout_report.json").read_text())
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    src, dst = Path(args.run_dir) / "artefact", Path(args.dest)
    missing = [name for name in _ARTEFACT_FILES if not (src / name).is_file()]
    if missing:
        print(f"{src} lacks {missing}: train first", file=sys.stderr)
        return 1
    dst.mkdir(parents=True, exist_ok=True)
    for name in _ARTEFACT_FILES:
        shutil.copy2(src / name, dst / name)
    size = sum((dst / name).stat().st_size for name in _ARTEFACT_FILES)
    print(f"copied {src} -> {dst} ({size / 1e6:.1f} MB)")
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from searchlm.reader.training.evaluate import evaluate_artefact

    art = Path(args.run_dir) / "artefact" if args.run_dir else Path(args.artefact)
    report = evaluate_artefact(
        art,
        Path(args.data_dir),
        split=args.split,
        num_threads=args.num_threads,
        batch_size=args.batch_size,
        dtype=args.dtype,
        device=args.device,
        limit=args.limit,
    )
    print(json.dumps(dataclasses.asdict(report), indent=2))
    return 0


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with its sub-commands."""
    parser = argparse.ArgumentParser(prog="python -m searchlm.reader", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_train = sub.add_parser("train", help="fine-tune (or --resume) the span reader")
    _add_settings_options(p_train)
    p_train.set_defaults(func=_cmd_train)
    p_exp = sub.add_parser("export", help="copy a run's artefact into the package (or --dest)")
    p_exp.add_argument("--run-dir", default=str(ReaderTrainSettings().run_dir))
    p_exp.add_argument("--dest", default=str(DEFAULT_ARTEFACT))
    p_exp.set_defaults(func=_cmd_export)
    p_eval = sub.add_parser("evaluate", help="EM/F1 of an artefact on its held-out (or tune) articles")
    p_eval.add_argument("--artefact", default=str(DEFAULT_ARTEFACT))
    p_eval.add_argument("--run-dir", default="", help="evaluate RUN_DIR/artefact instead of --artefact")
    p_eval.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    p_eval.add_argument("--split", default="heldout", choices=["heldout", "tune"])
    p_eval.add_argument("--num-threads", type=int, default=2)
    p_eval.add_argument("--batch-size", type=int, default=16)
    p_eval.add_argument("--dtype", default="auto", help="auto, float32, bfloat16 or float16")
    p_eval.add_argument("--device", default="auto", help="cpu, cuda or auto")
    p_eval.add_argument("--limit", type=int, default=0, help="score the first N questions only (0 = all)")
    p_eval.set_defaults(func=_cmd_evaluate)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
