"""llama.cpp's own C++ `llama-server`: built once from the binding's sdist, run as the peer.

The peer a serving engineer would pick on a CPU is llama.cpp's `llama-server` with parallel
slots and continuous batching. It is built from the llama.cpp source vendored in the
llama-cpp-python sdist of the installed binding's version (the same llama.cpp as our engine),
with the same compiler defaults as the pip build (GGML_NATIVE, no BLAS, no OpenMP off-switch),
into a cache outside the repository (`$XDG_CACHE_HOME/searchlm/llama-server-<version>`).
Nothing of llama.cpp is committed; without network or a compiler the bench says why and goes
on without this peer.

    python bench/llama_server.py --build          # build (or find) the binary, print its path
"""

from __future__ import annotations

import argparse
import asyncio
import importlib.metadata
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

BINDING = "llama-cpp-python"
CMAKE_FLAGS = (
    "-DCMAKE_BUILD_TYPE=Release",
    "-DLLAMA_BUILD_SERVER=ON",
    "-DLLAMA_BUILD_TESTS=OFF",
    "-DLLAMA_BUILD_EXAMPLES=OFF",
    "-DLLAMA_BUILD_UI=OFF",  # no npm build of the web UI
    "-DLLAMA_USE_PREBUILT_UI=OFF",  # and no download of it: the API is all the bench needs
    "-DLLAMA_OPENSSL=OFF",
    "-DLLAMA_CURL=OFF",
    "-DBUILD_SHARED_LIBS=OFF",  # one self-contained binary: the build tree is not kept
)


class PeerUnavailableError(RuntimeError):
    """The peer could not be built or started; the message says why."""


def cache_dir() -> Path:
    """Where the build lives: outside the repository, per binding version."""
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache"))
    return base / "searchlm" / f"llama-server-{importlib.metadata.version(BINDING)}"


def ensure_binary(log=sys.stderr) -> Path:  # type: ignore[no-untyped-def]
    """The cached `llama-server`, building it first when missing.

    Raises:
        PeerUnavailableError: no cmake, the sdist could not be fetched, or the build failed.
    """
    target = cache_dir() / "llama-server"
    if target.is_file() and _runs(target):
        return target
    if not shutil.which("cmake"):
        raise PeerUnavailableError("cmake is not installed")
    version = importlib.metadata.version(BINDING)
    with tempfile.TemporaryDirectory(prefix="llama-server-build-") as tmp:
        source = _fetch_source(version, Path(tmp), log)
        build = Path(tmp) / "build"
        print(f"building llama-server from {BINDING} {version}'s llama.cpp (minutes)", file=log, flush=True)
        _run(["cmake", "-S", str(source), "-B", str(build), *CMAKE_FLAGS], "cmake configure")
        jobs = str(os.cpu_count() or 2)
        _run(["cmake", "--build", str(build), "--target", "llama-server", "-j", jobs], "cmake build")
        built = next(build.rglob("bin/llama-server"), None)
        if built is None:
            raise PeerUnavailableError("the build finished without a bin/llama-server")
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(built, target)
    return target


def _runs(binary: Path) -> bool:
    """True when the cached binary starts (a stale or half-built one is rebuilt)."""
    done = subprocess.run([str(binary), "--version"], capture_output=True, check=False, timeout=60)
    return done.returncode == 0


def _fetch_source(version: str, tmp: Path, log) -> Path:  # type: ignore[no-untyped-def]
    """Downloads the binding's sdist with pip and unpacks its vendored llama.cpp."""
    print(f"fetching the {BINDING}=={version} sdist", file=log, flush=True)
    pip = [sys.executable, "-m", "pip", "download", f"{BINDING}=={version}", "--no-binary", ":all:"]
    _run([*pip, "--no-deps", "-q", "-d", str(tmp)], "pip download of the sdist")
    archive = next(tmp.glob("*.tar.gz"), None)
    if archive is None:
        raise PeerUnavailableError("pip downloaded no sdist")
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if "/vendor/llama.cpp/" in m.name]
        tar.extractall(tmp, members=members, filter="data")
    source = next(tmp.glob("*/vendor/llama.cpp"), None)
    if source is None:
        raise PeerUnavailableError("the sdist vendors no llama.cpp")
    return source


def _run(command: list[str], what: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise PeerUnavailableError(f"{what} failed ({done.returncode}): {done.stderr.strip()[-800:]}")


@dataclass(frozen=True)
class PeerReply:
    """One completion: generated tokens and time to the first streamed token."""

    tokens: int
    ttft: float


@contextmanager
def running(model: str, *, threads: int, slots: int, context_per_slot: int, port: int):  # type: ignore[no-untyped-def]
    """`llama-server` on loopback with `slots` parallel slots, each `context_per_slot` cells."""
    binary = ensure_binary()
    command = [str(binary), "-m", model, "--host", "127.0.0.1", "--port", str(port)]
    command += ["-np", str(slots), "-c", str(slots * context_per_slot), "-t", str(threads)]
    command += ["-tb", str(threads), "-b", "256", "-ub", "256", "--no-webui", "--log-disable"]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        try:
            _wait_ready(f"http://127.0.0.1:{port}/health", process, log)
            yield f"http://127.0.0.1:{port}"
        finally:
            process.terminate()
            process.wait(timeout=30)


def _wait_ready(url: str, process: subprocess.Popen[bytes], log, timeout: float = 120) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise PeerUnavailableError(f"llama-server exited: {log.read().decode(errors='replace')[-800:]}")
        try:
            urllib.request.urlopen(url, timeout=2).close()  # 503 while loading raises
            return
        except OSError:
            time.sleep(0.2)
    raise PeerUnavailableError(f"llama-server not ready after {timeout} s")


def complete(
    base: str, prompt: str, *, max_tokens: int, temperature: float, top_p: float, top_k: int, seed: int
) -> PeerReply:
    """One streamed `/completion`: tokens generated and TTFT (first token's chunk)."""
    body = {
        "prompt": prompt,
        "n_predict": max_tokens,
        "temperature": temperature,
        "top_p": top_p,
        "top_k": top_k,  # 0: none, as ours
        "min_p": 0.0,  # llama-server's default 0.05 would cut the nucleus ours keeps
        "repeat_penalty": 1.0,
        "seed": seed,
        "stream": True,
        "cache_prompt": True,
        "ignore_eos": False,
    }
    request = urllib.request.Request(
        f"{base}/completion", data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    start, ttft, tokens = time.perf_counter(), 0.0, 0
    with urllib.request.urlopen(request, timeout=600) as reply:
        for raw in reply:
            line = raw.decode().strip()
            if not line.startswith("data: "):
                continue
            event = json.loads(line[6:])
            if event.get("content") and not ttft:
                ttft = time.perf_counter() - start
            if event.get("stop"):
                tokens = int(event.get("tokens_predicted", 0))
    return PeerReply(tokens, ttft or time.perf_counter() - start)


async def load(
    base: str, prompts: list[str], concurrency: int, **sampling: float
) -> tuple[list[PeerReply], float]:
    """All prompts at a fixed concurrency (threads, like the gRPC bench's workers)."""
    queue: asyncio.Queue[str] = asyncio.Queue()
    for text in prompts:
        queue.put_nowait(text)
    replies: list[PeerReply] = []

    async def worker() -> None:
        while not queue.empty():
            replies.append(await asyncio.to_thread(complete, base, queue.get_nowait(), **sampling))  # type: ignore[arg-type]

    start = time.perf_counter()
    await asyncio.gather(*[worker() for _ in range(concurrency)])
    return replies, time.perf_counter() - start


def main() -> None:
    """`--build`: build or find the binary and print its path."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--build", action="store_true")
    args = parser.parse_args()
    if args.build:
        try:
            print(ensure_binary())
        except PeerUnavailableError as exc:
            print(f"llama-server unavailable: {exc}")
            sys.exit(1)


if __name__ == "__main__":
    main()
