"""The real model server process with the llama.cpp engine and Gemma 3 270M, over real gRPC."""

from __future__ import annotations

import re
import signal
import time
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import grpc
import pytest

from searchlm.model.v1 import model_service_pb2 as pb
from searchlm.model.v1 import model_service_pb2_grpc as pb_grpc
from tests.integration.harness import ServerProcess, health_status, start_server

pytest.importorskip("llama_cpp", reason="llama-cpp-python is not installed (pip install .[cpu])")

PREFIX = "SEARCHLM_MODEL_SERVER_"
PROMPT = "질문: 대한민국의 수도는 어디입니까?\n답:"


def _start(**env: str) -> ServerProcess:
    base = {f"{PREFIX}ENGINE": "llamacpp", f"{PREFIX}CONTEXT_LENGTH": "512", f"{PREFIX}THREADS": "2"}
    return start_server("model_server", PREFIX, {**base, **{PREFIX + k.upper(): v for k, v in env.items()}})


@pytest.fixture(scope="module")
def server() -> Iterator[ServerProcess]:
    proc = _start(max_waiting="32")
    yield proc
    proc.stop()


@pytest.fixture(scope="module")
def stub(server: ServerProcess) -> Iterator[pb_grpc.ModelServiceStub]:
    with grpc.insecure_channel(server.target) as channel:
        yield pb_grpc.ModelServiceStub(channel)


def _greedy(max_tokens: int = 24, **kw: object) -> pb.SamplingParams:
    return pb.SamplingParams(max_tokens=max_tokens, temperature=0.0, **kw)  # type: ignore[arg-type]


def _metric(server: ServerProcess, name: str) -> float:
    text = (
        urllib.request.urlopen(f"http://127.0.0.1:{server.metrics_port}/metrics", timeout=5).read().decode()
    )
    match = re.search(rf"^{name}(?:\{{[^}}]*\}})? ([0-9.e+-]+)$", text, re.M)
    assert match, f"{name} not in metrics"
    return float(match.group(1))


def test_model_info_reports_llamacpp_engine(stub: pb_grpc.ModelServiceStub) -> None:
    info = stub.GetModelInfo(pb.GetModelInfoRequest(), timeout=10)
    assert info.engine == "llamacpp"
    assert info.context_length == 512
    assert info.model.startswith("gemma-3-270m")
    assert (info.tensor_parallel_size, info.pipeline_parallel_size, info.max_batch_size) == (1, 1, 16)


KOREAN_PROMPTS = [
    PROMPT,
    "다음은 한글에 대한 백과사전 설명이다.\n\n한글은",
    "배송이 빠르고 품질이 좋아요. 다시",
    "The capital of France is",
]
FEW_SHOT = "".join(
    f"질문: {q}\n답: {a}\n\n"
    for q, a in [
        ("한글을 만든 사람은 누구인가?", "세종대왕"),
        ("대한민국의 수도는 어디인가?", "서울"),
        ("한국에서 가장 높은 산은?", "한라산"),
        ("한국의 전통 발효 음식은?", "김치"),
        ("부산에 있는 유명한 해수욕장은?", "해운대"),
    ]
)


def test_concurrent_greedy_requests_equal_each_alone(stub: pb_grpc.ModelServiceStub) -> None:
    def text(prompt: str) -> str:
        reply = stub.Generate(pb.GenerateRequest(prompt=prompt, sampling=_greedy(16)), timeout=120)
        return reply.completions[0].text

    alone = [text(p) for p in KOREAN_PROMPTS]
    with ThreadPoolExecutor(len(KOREAN_PROMPTS)) as pool:
        together = list(pool.map(text, KOREAN_PROMPTS))
    assert together == alone


def test_shared_prefix_hits_cache_and_metrics_show_it(
    server: ServerProcess, stub: pb_grpc.ModelServiceStub
) -> None:
    hits = _labelled(server, "searchlm_model_prefix_cache_lookups_total", 'result="hit"')
    for question in ("제주도의 특산물은?", "한국의 국화는?"):
        stub.Generate(
            pb.GenerateRequest(prompt=f"{FEW_SHOT}질문: {question}\n답:", sampling=_greedy(4)), timeout=60
        )
    assert _labelled(server, "searchlm_model_prefix_cache_lookups_total", 'result="hit"') >= hits + 1
    assert _metric(server, "searchlm_model_prefix_cache_reused_tokens_total") > 50
    assert _labelled(server, "searchlm_model_engine_tokens_total", 'kind="generated"') > 0
    assert _metric(server, "searchlm_model_engine_step_seconds_count") > 0
    assert _metric(server, "searchlm_model_batch_size") >= 0


def _labelled(server: ServerProcess, name: str, label: str) -> float:
    text = (
        urllib.request.urlopen(f"http://127.0.0.1:{server.metrics_port}/metrics", timeout=5).read().decode()
    )
    match = re.search(rf"^{name}\{{{label}\}} ([0-9.e+-]+)$", text, re.M)
    return float(match.group(1)) if match else 0.0


def test_stream_sends_whole_characters_then_final(stub: pb_grpc.ModelServiceStub) -> None:
    events = list(
        stub.GenerateStream(pb.GenerateStreamRequest(prompt=PROMPT, sampling=_greedy(32)), timeout=60)
    )
    deltas, final = events[:-1], events[-1]
    assert deltas and all(e.HasField("delta") for e in deltas)
    assert all("\ufffd" not in e.delta.text for e in deltas)
    assert final.HasField("final")
    usage = final.final.usage
    assert 0 < usage.generated_tokens <= 32
    assert usage.prompt_tokens > 5
    assert 0 < usage.time_to_first_token_seconds <= usage.total_seconds
    assert final.final.completions[0].finish_reason in (pb.FINISH_REASON_STOP, pb.FINISH_REASON_LENGTH)


def test_unary_equals_stream_when_greedy(stub: pb_grpc.ModelServiceStub) -> None:
    unary = stub.Generate(pb.GenerateRequest(prompt=PROMPT, sampling=_greedy(20)), timeout=60)
    streamed = "".join(
        e.delta.text
        for e in stub.GenerateStream(
            pb.GenerateStreamRequest(prompt=PROMPT, sampling=_greedy(20)), timeout=60
        )
        if e.HasField("delta")
    )
    assert unary.completions[0].text == streamed
    assert unary.model.startswith("gemma-3-270m")


def test_stop_sequence_cuts_text_before_match(stub: pb_grpc.ModelServiceStub) -> None:
    free = (
        stub.Generate(pb.GenerateRequest(prompt=PROMPT, sampling=_greedy(40)), timeout=60).completions[0].text
    )
    assert len(free) >= 6, f"model output too short to pick a stop string: {free!r}"
    stop = free[3:6]
    cut = stub.Generate(pb.GenerateRequest(prompt=PROMPT, sampling=_greedy(40, stop=[stop])), timeout=60)
    assert cut.completions[0].text == free[: free.index(stop)]
    assert cut.completions[0].finish_reason == pb.FINISH_REASON_STOP


def test_seeded_candidates_are_reproducible(stub: pb_grpc.ModelServiceStub) -> None:
    sampling = pb.SamplingParams(
        max_tokens=12, temperature=0.9, top_p=0.95, top_k=40, seed=1234, n=2, logprobs=True
    )
    a = stub.Generate(pb.GenerateRequest(prompt=PROMPT, sampling=sampling), timeout=60)
    b = stub.Generate(pb.GenerateRequest(prompt=PROMPT, sampling=sampling), timeout=60)
    assert [c.text for c in a.completions] == [c.text for c in b.completions]
    assert [c.index for c in a.completions] == [0, 1]
    assert all(len(c.logprobs) == c.generated_tokens for c in a.completions)
    assert all(lp.logprob <= 0 for c in a.completions for lp in c.logprobs)


def test_score_prefers_the_fact(stub: pb_grpc.ModelServiceStub) -> None:
    reply = stub.Score(
        pb.ScoreRequest(prompt="대한민국의 수도는", continuations=[" 서울이다.", " 바나나이다."]), timeout=30
    )
    assert [s.index for s in reply.scores] == [0, 1]
    assert all(s.num_tokens > 0 and s.logprob < 0 for s in reply.scores)
    assert reply.scores[0].logprob > reply.scores[1].logprob


def test_count_tokens_counts_korean(stub: pb_grpc.ModelServiceStub) -> None:
    reply = stub.CountTokens(pb.CountTokensRequest(text="한국어 토큰 수를 셉니다"), timeout=10)
    assert 0 < reply.token_count < 30
    assert reply.context_length == 512


BAD = [
    (pb.GenerateRequest(prompt="", sampling=_greedy()), "prompt"),
    (pb.GenerateRequest(prompt="가 " * 2000, sampling=_greedy()), "prompt"),
    (pb.GenerateRequest(prompt="q", sampling=pb.SamplingParams(max_tokens=0)), "sampling.max_tokens"),
    (pb.GenerateRequest(prompt="q", sampling=pb.SamplingParams(max_tokens=-5)), "sampling.max_tokens"),
    (pb.GenerateRequest(prompt="q", sampling=pb.SamplingParams(max_tokens=100_000)), "sampling.max_tokens"),
    (pb.GenerateRequest(prompt="q", sampling=pb.SamplingParams(temperature=-1)), "sampling.temperature"),
    (pb.GenerateRequest(prompt="q", sampling=pb.SamplingParams(top_p=0)), "sampling.top_p"),
    (pb.GenerateRequest(prompt="q", sampling=pb.SamplingParams(stop=["a"] * 20)), "sampling.stop"),
    (pb.GenerateRequest(prompt="q", sampling=pb.SamplingParams(stop=["x" * 500])), "sampling.stop[0]"),
    (pb.GenerateRequest(prompt="q", sampling=pb.SamplingParams(n=99)), "sampling.n"),
    (pb.GenerateRequest(prompt="q", sampling=pb.SamplingParams(n=-2)), "sampling.n"),
    (pb.GenerateRequest(prompt="q", sampling=pb.SamplingParams(choices=["예", ""])), "sampling.choices[1]"),
    (pb.GenerateRequest(prompt="q", adapter="no-such-adapter"), "adapter"),
]


@pytest.mark.parametrize(("request_msg", "field"), BAD, ids=[f for _, f in BAD])
def test_bad_input_is_invalid_argument_naming_field(
    stub: pb_grpc.ModelServiceStub, request_msg: pb.GenerateRequest, field: str
) -> None:
    with pytest.raises(grpc.RpcError) as info:
        stub.Generate(request_msg, timeout=30)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert info.value.details().startswith(field)


def test_bad_score_and_stream_inputs_are_invalid_argument(stub: pb_grpc.ModelServiceStub) -> None:
    with pytest.raises(grpc.RpcError) as info:
        stub.Score(pb.ScoreRequest(prompt="q", continuations=[]), timeout=10)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "continuations" in info.value.details()
    with pytest.raises(grpc.RpcError) as info:
        list(stub.GenerateStream(pb.GenerateStreamRequest(prompt=" "), timeout=10))
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT and "prompt" in info.value.details()


def test_choices_constrain_every_candidate_to_the_list(stub: pb_grpc.ModelServiceStub) -> None:
    choices = ["서울", "부산", "인천광역시"]
    greedy = stub.Generate(
        pb.GenerateRequest(prompt=PROMPT, sampling=_greedy(16, choices=choices)), timeout=60
    )
    sampled = stub.Generate(
        pb.GenerateRequest(
            prompt="오늘 점심 메뉴는",
            sampling=pb.SamplingParams(max_tokens=16, temperature=1.5, n=6, seed=3, choices=choices),
        ),
        timeout=60,
    )
    for completion in [*greedy.completions, *sampled.completions]:
        assert completion.text in choices
        assert completion.finish_reason == pb.FINISH_REASON_STOP
    assert greedy.completions[0].text == "서울"


def test_packaged_adapter_is_listed_and_rewrites_a_noisy_query(stub: pb_grpc.ModelServiceStub) -> None:
    info = stub.GetModelInfo(pb.GetModelInfoRequest(), timeout=10)
    adapters = {a.name: a for a in info.adapters}
    assert "null-query-rewrite" in adapters
    assert adapters["null-query-rewrite"].rank > 0 and adapters["null-query-rewrite"].base_model
    prompt = "검색어: 삼성 갤럭시 s24 케이ㅅ\n고친 검색어:"
    tuned = stub.Generate(
        pb.GenerateRequest(prompt=prompt, sampling=_greedy(16, stop=["\n"]), adapter="null-query-rewrite"),
        timeout=60,
    )
    base = stub.Generate(pb.GenerateRequest(prompt=prompt, sampling=_greedy(16, stop=["\n"])), timeout=60)
    assert tuned.completions[0].text != base.completions[0].text
    assert tuned.completions[0].text.strip().startswith("삼성 갤럭시")


def test_unknown_adapter_on_score_is_invalid_argument(stub: pb_grpc.ModelServiceStub) -> None:
    with pytest.raises(grpc.RpcError) as info:
        stub.Score(pb.ScoreRequest(prompt="q", continuations=["a"], adapter="nope"), timeout=10)
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert info.value.details().startswith("adapter")


def test_server_keeps_serving_after_bad_input(stub: pb_grpc.ModelServiceStub) -> None:
    with pytest.raises(grpc.RpcError):
        stub.Generate(pb.GenerateRequest(prompt=""), timeout=10)
    assert stub.Generate(pb.GenerateRequest(prompt=PROMPT, sampling=_greedy(4)), timeout=30).completions


def _wait_running_zero(server: ServerProcess) -> float:
    for _ in range(100):
        running = _metric(server, "searchlm_model_requests_running")
        if running == 0:
            return running
        time.sleep(0.05)
    return running


def test_deadline_expiry_frees_slot(server: ServerProcess, stub: pb_grpc.ModelServiceStub) -> None:
    request = pb.GenerateRequest(prompt=PROMPT, sampling=pb.SamplingParams(max_tokens=400, temperature=1.0))
    with pytest.raises(grpc.RpcError) as info:
        stub.Generate(request, timeout=0.3)
    assert info.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert _wait_running_zero(server) == 0
    assert stub.Generate(pb.GenerateRequest(prompt=PROMPT, sampling=_greedy(4)), timeout=30).completions


def test_cancelled_stream_frees_slot(server: ServerProcess, stub: pb_grpc.ModelServiceStub) -> None:
    call = stub.GenerateStream(
        pb.GenerateStreamRequest(prompt=PROMPT, sampling=pb.SamplingParams(max_tokens=400, temperature=1.0)),
        timeout=60,
    )
    next(call)
    assert _metric(server, "searchlm_model_requests_running") == 1
    call.cancel()
    assert _wait_running_zero(server) == 0


def test_health_metrics_and_reflection(server: ServerProcess) -> None:
    from grpc_reflection.v1alpha.proto_reflection_descriptor_database import ProtoReflectionDescriptorDatabase

    assert health_status(server.target, "searchlm.model.v1.ModelService") == 1  # SERVING
    with grpc.insecure_channel(server.target) as channel:
        services = ProtoReflectionDescriptorDatabase(channel).get_services()
    assert "searchlm.model.v1.ModelService" in services
    assert _metric(server, "searchlm_model_time_to_first_token_seconds_count") > 0
    assert _metric(server, "searchlm_model_generated_tokens_total") > 0
    text = (
        urllib.request.urlopen(f"http://127.0.0.1:{server.metrics_port}/metrics", timeout=5).read().decode()
    )
    assert 'code="INVALID_ARGUMENT"' in text


def test_request_id_echoed_and_logged(server: ServerProcess, stub: pb_grpc.ModelServiceStub) -> None:
    with pytest.raises(grpc.RpcError) as info:
        stub.Generate(pb.GenerateRequest(prompt=""), timeout=10, metadata=(("x-request-id", "rid-test-42"),))
    assert ("x-request-id", "rid-test-42") in tuple(info.value.trailing_metadata())
    assert '"request_id": "rid-test-42"' in server.logs()


def test_overload_gets_resource_exhausted_and_accepted_finish() -> None:
    proc = _start(max_waiting="1", max_batch_size="2")  # 2 running + 1 waiting, 8 sent
    try:
        with grpc.insecure_channel(proc.target) as channel:
            stub = pb_grpc.ModelServiceStub(channel)
            request = pb.GenerateRequest(prompt=PROMPT, sampling=_greedy(48))
            with ThreadPoolExecutor(8) as pool:
                futures = [pool.submit(stub.Generate, request, timeout=120) for _ in range(8)]
                outcomes = []
                for f in futures:
                    try:
                        f.result()
                        outcomes.append("OK")
                    except grpc.RpcError as exc:
                        outcomes.append(exc.code().name)
        assert "RESOURCE_EXHAUSTED" in outcomes
        assert outcomes.count("OK") >= 3  # the running ones and the queued one finish
        assert set(outcomes) <= {"OK", "RESOURCE_EXHAUSTED"}
    finally:
        assert proc.stop() == 0


def test_sigterm_drains_in_flight_and_refuses_new() -> None:
    proc = _start()
    with grpc.insecure_channel(proc.target) as channel:
        stub = pb_grpc.ModelServiceStub(channel)
        call = stub.GenerateStream(pb.GenerateStreamRequest(prompt=PROMPT, sampling=_greedy(64)), timeout=60)
        first = next(call)
        assert first.HasField("delta")
        proc.process.send_signal(signal.SIGTERM)
        rest = list(call)  # the in-flight stream finishes normally
        assert rest[-1].HasField("final")
        with pytest.raises(grpc.RpcError) as info:
            stub.Generate(pb.GenerateRequest(prompt=PROMPT, sampling=_greedy(4)), timeout=5)
        assert info.value.code() == grpc.StatusCode.UNAVAILABLE
    assert proc.process.wait(timeout=30) == 0
    assert "draining" in proc.logs()
