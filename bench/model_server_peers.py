"""The peers `bench/model_server.py` measures beside our server, on the same GGUF, prompts,
sampling and output length: llama.cpp's own `llama-server` with 16 slots (built once from the
binding's sdist, `bench/llama_server.py`) and llama-cpp-python's OpenAI server (`python -m
llama_cpp.server`, extra `llama-cpp-python[server]`).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from bench import llama_server
from bench.model_server_common import MAX_TOKENS, SEED, TEMPERATURE, TOP_P, Run, progress, prompt


def peer(model_path: str, threads: int, concurrency: int, requests: int, top_k: int) -> Run:
    """llama-cpp-python's own OpenAI server on the same GGUF, same prompts and sampling."""
    port = free_port()
    command = [sys.executable, "-m", "llama_cpp.server", "--model", model_path, "--host", "127.0.0.1"]
    command += ["--port", str(port), "--n_ctx", "1024", "--n_threads", str(threads)]
    command += ["--n_threads_batch", str(threads), "--verbose", "False"]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy())
        try:
            _wait_http(f"http://127.0.0.1:{port}/v1/models", process)
            return asyncio.run(_peer_load(port, concurrency, requests, top_k))
        finally:
            process.terminate()
            process.wait(timeout=30)


async def _peer_load(port: int, concurrency: int, requests: int, top_k: int) -> Run:
    await asyncio.to_thread(_peer_one, port, 0, top_k)  # warm-up
    queue: asyncio.Queue[int] = asyncio.Queue()
    for i in range(requests):
        queue.put_nowait(i)
    tokens: list[int] = []

    async def worker() -> None:
        while not queue.empty():
            tokens.append(await asyncio.to_thread(_peer_one, port, queue.get_nowait(), top_k))

    start = time.perf_counter()
    await asyncio.gather(*[worker() for _ in range(concurrency)])
    seconds = time.perf_counter() - start
    return Run("llama_cpp.server", concurrency, sum(tokens), seconds, [float("nan")] * len(tokens))


def cpp_peer(model_path: str, threads: int, requests: int, top_k: int) -> list[Run]:
    """llama.cpp's `llama-server -np 16` at concurrency 1, 4 and 16; [] with the reason if unavailable."""
    sampling = {
        "max_tokens": MAX_TOKENS,
        "temperature": TEMPERATURE,
        "top_p": TOP_P,
        "top_k": top_k,
        "seed": SEED,
    }
    runs = []
    try:
        with llama_server.running(
            model_path, threads=threads, slots=16, context_per_slot=1024, port=free_port()
        ) as base:
            llama_server.complete(base, prompt(0), **sampling)  # warm-up
            for concurrency in (1, 4, 16):
                count = requests if concurrency == 1 else max(requests, 2 * concurrency)
                replies, seconds = asyncio.run(
                    llama_server.load(base, [prompt(i) for i in range(count)], concurrency, **sampling)
                )
                tokens = sum(r.tokens for r in replies)
                runs.append(
                    Run("llama-server -np 16", concurrency, tokens, seconds, [r.ttft for r in replies])
                )
                progress(runs[-1])
    except llama_server.PeerUnavailableError as exc:
        print(f"\nllama-server peer skipped: {exc}", flush=True)
    return runs


def _peer_one(port: int, i: int, top_k: int) -> int:
    body = {
        "prompt": prompt(i),
        "max_tokens": MAX_TOKENS,
        "temperature": TEMPERATURE,
        "top_p": TOP_P,
        "top_k": top_k,
        "seed": SEED,
    }
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/v1/completions",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=600) as reply:
        return int(json.load(reply)["usage"]["completion_tokens"])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_http(url: str, process: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("llama_cpp.server exited; pip install 'llama-cpp-python[server]'")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"llama_cpp.server not up after {timeout} s")
