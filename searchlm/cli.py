"""`searchlm`: a small human client for the four services.

searchlm generate "한국의 수도는" --max-tokens 32
searchlm score "한국의 수도는" 서울 부산
searchlm info
searchlm rewrite "tkatjd rofjrtl" --target localhost:50052
"""

from __future__ import annotations

import sys
from typing import Annotated

import grpc
import typer
from google.protobuf import json_format

from searchlm.free_qa.v1 import free_qa_service_pb2 as qa_pb
from searchlm.free_qa.v1 import free_qa_service_pb2_grpc as qa_grpc
from searchlm.model.v1 import model_service_pb2 as pb
from searchlm.model.v1 import model_service_pb2_grpc as pb_grpc
from searchlm.null_query.v1 import null_query_service_pb2 as nq_pb
from searchlm.null_query.v1 import null_query_service_pb2_grpc as nq_grpc
from searchlm.review_summary.v1 import review_summary_service_pb2 as rs_pb
from searchlm.review_summary.v1 import review_summary_service_pb2_grpc as rs_grpc

app = typer.Typer(help="Call searchlm services from a terminal.", no_args_is_help=True)

Target = Annotated[str, typer.Option(help="host:port of the service")]
Timeout = Annotated[float, typer.Option(help="deadline in seconds")]


def _channel(target: str) -> grpc.Channel:
    return grpc.insecure_channel(target)


def _print(message: object) -> None:
    typer.echo(json_format.MessageToJson(message, ensure_ascii=False, indent=2))  # type: ignore[arg-type]


def _fail(exc: grpc.RpcError) -> None:
    typer.echo(f"error: {exc.code().name}: {exc.details()}", err=True)  # type: ignore[attr-defined]
    raise typer.Exit(1)


@app.command()
def generate(
    prompt: str,
    max_tokens: int = 64,
    temperature: float = 0.0,
    top_p: float = 1.0,
    stop: Annotated[list[str] | None, typer.Option(help="stop sequence (repeatable)")] = None,
    choice: Annotated[list[str] | None, typer.Option(help="allowed completion (repeatable)")] = None,
    adapter: Annotated[str, typer.Option(help="LoRA adapter the server lists (see `info`)")] = "",
    stream: bool = True,
    target: Target = "localhost:50051",
    timeout: Timeout = 60.0,
) -> None:
    """Generate text from the model server (streams by default)."""
    sampling = pb.SamplingParams(
        max_tokens=max_tokens, temperature=temperature, top_p=top_p, stop=stop or [], choices=choice or []
    )
    stub = pb_grpc.ModelServiceStub(_channel(target))
    try:
        if not stream:
            request = pb.GenerateRequest(prompt=prompt, sampling=sampling, adapter=adapter)
            _print(stub.Generate(request, timeout=timeout))
            return
        for event in stub.GenerateStream(
            pb.GenerateStreamRequest(prompt=prompt, sampling=sampling, adapter=adapter), timeout=timeout
        ):
            if event.HasField("delta"):
                sys.stdout.write(event.delta.text)
                sys.stdout.flush()
            else:
                usage = event.final.usage
                typer.echo(
                    f"\n[{usage.generated_tokens} tokens, ttft {usage.time_to_first_token_seconds:.3f}s, "
                    f"total {usage.total_seconds:.3f}s]",
                    err=True,
                )
    except grpc.RpcError as exc:
        _fail(exc)


@app.command()
def score(
    prompt: str,
    continuations: list[str],
    adapter: Annotated[str, typer.Option(help="LoRA adapter the server lists (see `info`)")] = "",
    target: Target = "localhost:50051",
    timeout: Timeout = 60.0,
) -> None:
    """Log-probability of each continuation given the prompt."""
    request = pb.ScoreRequest(prompt=prompt, continuations=continuations, adapter=adapter)
    try:
        _print(pb_grpc.ModelServiceStub(_channel(target)).Score(request, timeout=timeout))
    except grpc.RpcError as exc:
        _fail(exc)


@app.command("count-tokens")
def count_tokens(text: str, target: Target = "localhost:50051", timeout: Timeout = 10.0) -> None:
    """Token count under the served tokenizer."""
    try:
        _print(
            pb_grpc.ModelServiceStub(_channel(target)).CountTokens(
                pb.CountTokensRequest(text=text), timeout=timeout
            )
        )
    except grpc.RpcError as exc:
        _fail(exc)


@app.command()
def info(target: Target = "localhost:50051", timeout: Timeout = 10.0) -> None:
    """Describe the served model."""
    try:
        _print(
            pb_grpc.ModelServiceStub(_channel(target)).GetModelInfo(pb.GetModelInfoRequest(), timeout=timeout)
        )
    except grpc.RpcError as exc:
        _fail(exc)


@app.command()
def rewrite(
    query: str,
    previous: Annotated[list[str] | None, typer.Option(help="previous query (repeatable)")] = None,
    target: Target = "localhost:50052",
    timeout: Timeout = 30.0,
) -> None:
    """Rewrite a zero-result query (null_query service)."""
    request = nq_pb.RewriteQueryRequest(query=query, previous_queries=previous or [])
    try:
        _print(nq_grpc.NullQueryServiceStub(_channel(target)).RewriteQuery(request, timeout=timeout))
    except grpc.RpcError as exc:
        _fail(exc)


@app.command()
def summarize(
    product_id: Annotated[str, typer.Option(help="product id in the review store")] = "",
    review: Annotated[list[str] | None, typer.Option(help="inline review text (repeatable)")] = None,
    target: Target = "localhost:50053",
    timeout: Timeout = 60.0,
    json_only: Annotated[bool, typer.Option("--json", help="print only the JSON response")] = False,
) -> None:
    """Summarise reviews (review_summary service): the opinion panel, then the JSON response."""
    if review:
        reviews = [rs_pb.Review(id=str(i), text=t) for i, t in enumerate(review)]
        request = rs_pb.SummarizeReviewsRequest(reviews=rs_pb.ReviewList(reviews=reviews))
    else:
        request = rs_pb.SummarizeReviewsRequest(product_id=product_id)
    try:
        response = rs_grpc.ReviewSummaryServiceStub(_channel(target)).SummarizeReviews(
            request, timeout=timeout
        )
    except grpc.RpcError as exc:
        _fail(exc)
    if not json_only:
        typer.echo(panel_text(response))
    _print(response)


def panel_text(response: rs_pb.SummarizeReviewsResponse) -> str:
    """The summary and its opinion panel as a reader sees them."""
    lines = [
        f"요약: {response.summary}",
        f"리뷰 {response.reviews_used}개 중 (의견 있는 리뷰 {response.reviews_with_opinions}개)",
    ]
    for a in response.aspects:
        sign = "+" if a.polarity == "positive" else "-"
        against = f", 반대 {a.contradict_count}" if a.contradict_count else ""
        lines.append(
            f"  {sign} {a.aspect or '전반':<8} {a.statement}  ({a.support_count}명, {a.share:.0%}{against})"
            f"  [{', '.join(a.review_ids)}]"
        )
    if not response.aspects:
        lines.append("  (검증된 의견 없음)")
    return "\n".join(lines)


@app.command()
def ask(question: str, target: Target = "localhost:50054", timeout: Timeout = 60.0) -> None:
    """Answer a question from the encyclopedia (free_qa service)."""
    try:
        _print(
            qa_grpc.FreeQaServiceStub(_channel(target)).AnswerQuestion(
                qa_pb.AnswerQuestionRequest(question=question), timeout=timeout
            )
        )
    except grpc.RpcError as exc:
        _fail(exc)


if __name__ == "__main__":
    app()
