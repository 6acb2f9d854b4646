"""review_summary over a real gRPC channel: the real model server (llama.cpp, Gemma 3 270M)
and the real review_summary process. The NLI gate uses the project's Korean NLI model when
its artefact is present, and the LM judge through the real Score RPC otherwise (one test
needs the artefact and says so when skipping)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import grpc
import pytest

from searchlm.review_summary.v1 import review_summary_service_pb2 as pb
from searchlm.review_summary.v1 import review_summary_service_pb2_grpc as pb_grpc
from tests.integration.harness import ServerProcess, start_server

ROOT = Path(__file__).resolve().parents[3]
NLI_ARTEFACT = ROOT / "searchlm" / "nli" / "artifacts" / "e5-small-ko-nli"
PREFIX = "SEARCHLM_REVIEW_SUMMARY_"
# small prompts and few tokens: llama.cpp runs on one shared core here
FAST = {
    f"{PREFIX}PROMPT_BUDGET_CHARS": "350",
    f"{PREFIX}PROMPT_MAX_REVIEWS": "6",
    f"{PREFIX}CANDIDATES": "2",
    f"{PREFIX}MAX_TOKENS": "24",
    f"{PREFIX}MAX_ROUNDS": "1",
    f"{PREFIX}PREMISE_CHARS": "600",
    f"{PREFIX}JSON_LOGS": "true",
}


@pytest.fixture(scope="module")
def model_server() -> Iterator[ServerProcess]:
    server = start_server(
        "model_server",
        "SEARCHLM_MODEL_SERVER_",
        {"SEARCHLM_MODEL_SERVER_CONTEXT_LENGTH": "2048", "SEARCHLM_MODEL_SERVER_THREADS": "1"},
    )
    yield server
    server.stop()


def _scorer() -> str:
    return "default" if NLI_ARTEFACT.exists() else "lm_judge"


@pytest.fixture(scope="module")
def service(model_server: ServerProcess) -> Iterator[ServerProcess]:
    env = {**FAST, f"{PREFIX}LM_TARGET": model_server.target, f"{PREFIX}NLI_SCORER": _scorer()}
    server = start_server("services.review_summary", PREFIX, env)
    yield server
    server.stop()


def _call(
    target: str, request: pb.SummarizeReviewsRequest, timeout: float = 90
) -> pb.SummarizeReviewsResponse:
    with grpc.insecure_channel(target) as channel:
        response: pb.SummarizeReviewsResponse = pb_grpc.ReviewSummaryServiceStub(channel).SummarizeReviews(
            request, timeout=timeout
        )
    return response


def test_summarize_stored_product_is_checked_or_flagged(service: ServerProcess) -> None:
    response = _call(service.target, pb.SummarizeReviewsRequest(product_id="demo-earbuds-01", max_chars=80))
    assert response.summary and len(response.summary) <= 80
    assert response.passed or response.extractive_fallback  # never a failing summary unflagged
    assert response.reviews_received == 12 and response.reviews_dropped == 3
    assert {d.reason for d in response.dropped} == {"duplicate", "empty", "injection"}
    assert "세계 최고" not in response.summary and "010" not in response.summary
    assert "pii_masked" in response.flags
    assert "010-1234-5678" not in service.logs()
    # the opinion panel: verified statements only, and a summary made of them without the LM
    assert "opinion_summary" in response.flags and response.passed and not response.model
    assert response.aspects and response.reviews_with_opinions >= len(response.aspects)
    for aspect in response.aspects:
        assert aspect.support_count >= 2 and aspect.support_count > aspect.contradict_count
        assert len(aspect.review_ids) == aspect.support_count and 0 < aspect.share <= 1
        assert aspect.polarity in {"positive", "negative"}
    assert {c.claim for c in response.claims} <= {a.statement for a in response.aspects}
    assert all(c.passed for c in response.claims)


def test_summarize_through_the_lm_path_when_the_panel_is_off(model_server: ServerProcess) -> None:
    env = {
        **FAST,
        f"{PREFIX}LM_TARGET": model_server.target,
        f"{PREFIX}NLI_SCORER": _scorer(),
        f"{PREFIX}OPINION_PANEL": "false",
    }
    server = start_server("services.review_summary", PREFIX, env)
    try:
        response = _call(
            server.target, pb.SummarizeReviewsRequest(product_id="demo-earbuds-01", max_chars=80)
        )
    finally:
        server.stop()
    assert response.passed or response.extractive_fallback
    assert response.claims and response.model and not response.aspects
    assert "opinion_summary" not in response.flags


@pytest.mark.skipif(not NLI_ARTEFACT.exists(), reason=f"Korean NLI artefact not built yet ({NLI_ARTEFACT})")
def test_summarize_with_project_nli_model_names_supporting_reviews(service: ServerProcess) -> None:
    response = _call(service.target, pb.SummarizeReviewsRequest(product_id="demo-coffee-02"))
    assert response.passed or response.extractive_fallback
    assert all(c.score >= 0.0 for c in response.claims)
    assert response.supporting_review_ids or not response.passed


@pytest.mark.parametrize(
    ("request_", "code", "field"),
    [
        (pb.SummarizeReviewsRequest(reviews=pb.ReviewList()), grpc.StatusCode.INVALID_ARGUMENT, "reviews"),
        (
            pb.SummarizeReviewsRequest(reviews=pb.ReviewList(reviews=[pb.Review(id="a", text="가" * 5001)])),
            grpc.StatusCode.INVALID_ARGUMENT,
            "reviews[0].text",
        ),
        (
            pb.SummarizeReviewsRequest(reviews=pb.ReviewList(reviews=[pb.Review(id="a", text="ㅋㅋㅋ")])),
            grpc.StatusCode.INVALID_ARGUMENT,
            "nothing left after cleaning",
        ),
        (
            pb.SummarizeReviewsRequest(product_id="no-such-product"),
            grpc.StatusCode.NOT_FOUND,
            "no-such-product",
        ),
        (pb.SummarizeReviewsRequest(), grpc.StatusCode.INVALID_ARGUMENT, "source"),
    ],
)
def test_bad_input_names_the_cause(
    service: ServerProcess, request_: pb.SummarizeReviewsRequest, code: grpc.StatusCode, field: str
) -> None:
    with pytest.raises(grpc.RpcError) as err:
        _call(service.target, request_, timeout=20)
    assert err.value.code() == code
    assert field in (err.value.details() or "")


def test_summarize_degrades_to_flagged_fallback_when_lm_is_down(model_server: ServerProcess) -> None:
    env = {**FAST, f"{PREFIX}LM_TARGET": "127.0.0.1:1", f"{PREFIX}NLI_SCORER": _scorer()}
    server = start_server("services.review_summary", PREFIX, env)
    try:
        reviews = [
            pb.Review(id=f"r{i}", text=t, rating=5)
            for i, t in enumerate(["음질이 좋아요.", "배터리가 오래가요."])
        ]
        response = _call(
            server.target, pb.SummarizeReviewsRequest(reviews=pb.ReviewList(reviews=reviews)), timeout=30
        )
    finally:
        server.stop()
    assert response.degraded and response.extractive_fallback
    assert response.summary in {"음질이 좋아요.", "배터리가 오래가요."}
