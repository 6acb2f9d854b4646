from __future__ import annotations

import asyncio

import pytest

from searchlm import context
from searchlm.errors import InvalidRequestError, UpstreamUnavailableError
from services.null_query.korean import related
from services.null_query.lm_stage import LmStage, LmStageConfig
from services.null_query.pipeline import NullQueryPipeline, PipelineConfig
from services.null_query.prompt import Example, NgramSelector
from services.null_query.types import RewriteRequest, RewriteType
from tests.unit.null_query.fakes import FakeBackend, FakeLm, NoKiwi

CATALOG = ["삼성 갤럭시 s24 울트라", "삼성 갤럭시 s24 케이스", "아이폰 15 케이스", "무선청소기 v15"]
EXAMPLES = [
    Example("tkatjd", "삼성"),
    Example("ㅅㅏㅁ성", "삼성"),
    Example("갤럭시 s24", "갤럭시 s24 케이스", ("삼성 폰 케이스",)),
]


async def _pipeline(lm: FakeLm | None = None, **config: object) -> tuple[NullQueryPipeline, FakeBackend]:
    backend = FakeBackend(CATALOG)
    stage = LmStage(client=lm, selector=NgramSelector(EXAMPLES), config=LmStageConfig()) if lm else None
    pipeline = NullQueryPipeline(backend=backend, kiwi=NoKiwi(), lm=stage, config=PipelineConfig(**config))  # type: ignore[arg-type]
    await pipeline.start()
    return pipeline, backend


async def test_query_with_hits_returns_at_once_without_rewrites() -> None:
    pipeline, backend = await _pipeline(FakeLm(["삼성 갤럭시"]))
    result = await pipeline.run(RewriteRequest("삼성 갤럭시"))
    assert (result.is_null, result.hits, result.rewrites) == (False, 2, ())
    assert backend.counted == ["삼성 갤럭시"]


async def test_null_query_gets_verified_rule_rewrite_first() -> None:
    pipeline, _ = await _pipeline(FakeLm(["없는 상품"]))
    result = await pipeline.run(RewriteRequest("tkatjd roffjrtl"))
    assert result.is_null and not result.degraded
    assert result.rewrites[0].text == "삼성 갤럭시"
    assert result.rewrites[0].type is RewriteType.KEYBOARD


async def test_zero_hit_candidates_are_never_returned() -> None:
    pipeline, _ = await _pipeline(FakeLm(["없는 상품", "아이폰 15"]))
    result = await pipeline.run(RewriteRequest("dkdlvhs 16", max_rewrites=10))
    assert all(r.hits > 0 for r in result.rewrites)
    assert "없는 상품" not in [r.text for r in result.rewrites]
    assert "아이폰 15" in [r.text for r in result.rewrites]


async def test_lm_rewrite_uses_session_context() -> None:
    lm = FakeLm(["갤럭시 s24 케이스"])
    pipeline, _ = await _pipeline(lm, min_hits=3)
    result = await pipeline.run(RewriteRequest("갤럭시 s24", previous_queries=("삼성 폰 케이스",)))
    assert result.rewrites[0].text == "갤럭시 s24 케이스"
    assert "이전 검색어: 삼성 폰 케이스" in lm.prompts[0]


async def test_slow_lm_degrades_to_rules_within_deadline() -> None:
    pipeline, _ = await _pipeline(FakeLm(["삼성 갤럭시"], delay=5.0))
    context.set_request("r1", 0.3)
    started = asyncio.get_running_loop().time()
    result = await pipeline.run(RewriteRequest("ㅅㅏㅁ성 갤럭시"))
    assert asyncio.get_running_loop().time() - started < 0.3
    assert result.degraded and result.flags == ("lm_timeout",)
    assert result.rewrites[0].text == "삼성 갤럭시"


async def test_lm_down_degrades_to_rules() -> None:
    pipeline, _ = await _pipeline(FakeLm(down=True))
    result = await pipeline.run(RewriteRequest("ㅅㅏㅁ성 갤럭시"))
    assert result.degraded and result.flags == ("lm_unavailable",)
    assert result.rewrites[0].text == "삼성 갤럭시"


async def test_lm_down_and_no_rule_rewrite_is_an_error() -> None:
    pipeline, _ = await _pipeline(FakeLm(down=True))
    with pytest.raises(UpstreamUnavailableError):
        await pipeline.run(RewriteRequest("완전히 다른 검색어"))


async def test_rules_only_without_rewrite_is_an_empty_answer() -> None:
    pipeline, _ = await _pipeline(None)
    result = await pipeline.run(RewriteRequest("완전히 다른 검색어"))
    assert result.is_null and result.rewrites == () and not result.degraded


async def test_batch_names_the_invalid_item() -> None:
    pipeline, _ = await _pipeline(None)
    with pytest.raises(InvalidRequestError, match=r"requests\[1\]\.query"):
        await pipeline.run_batch([RewriteRequest("삼성"), RewriteRequest(" ")])


async def test_batch_answers_in_order() -> None:
    pipeline, _ = await _pipeline(None)
    results = await pipeline.run_batch([RewriteRequest("ㅅㅏㅁ성 갤럭시"), RewriteRequest("아이폰")])
    assert [r.is_null for r in results] == [True, False]


async def test_served_adapter_gets_its_zero_shot_prompt() -> None:
    lm = FakeLm(["아이폰 15"], adapters=["null-query-rewrite"])
    pipeline, _ = await _pipeline(lm)
    result = await pipeline.run(RewriteRequest("dkdlvhs 16", previous_queries=("아이폰 케이스",)))
    assert "아이폰 15" in [r.text for r in result.rewrites]
    assert lm.samplings[0].adapter == "null-query-rewrite"
    # no shots; the query re-typed on a 2-set keyboard follows it
    expected = "이전 검색어: 아이폰 케이스\n검색어: dkdlvhs 16\n한글 자판: 아이폰 16\n고친 검색어:"
    assert lm.prompts[0] == expected


async def test_adapter_reading_keeps_index_words_that_would_read_as_hangul() -> None:
    # "skt" typed in English mode would read 낫; the index knows it as a word, so it stays
    lm = FakeLm(["skt 요금제"], adapters=["null-query-rewrite"])
    stage = LmStage(client=lm, selector=NgramSelector(EXAMPLES), config=LmStageConfig())  # type: ignore[arg-type]
    backend = FakeBackend(["skt 요금제 할인", "삼성 갤럭시"])
    pipeline = NullQueryPipeline(backend=backend, kiwi=NoKiwi(), lm=stage, config=PipelineConfig())  # type: ignore[arg-type]
    await pipeline.start()
    await pipeline.run(RewriteRequest("skt dyrmawp"))
    assert lm.prompts[0] == "검색어: skt dyrmawp\n한글 자판: skt 요금제\n고친 검색어:"


async def test_lone_rule_candidate_is_not_sent_to_score() -> None:
    # the ranking uses LM scores relative to the best one: a lone candidate is the best anyway
    lm = FakeLm(["없는 상품"])
    stage = LmStage(client=lm, selector=NgramSelector(EXAMPLES), config=LmStageConfig())  # type: ignore[arg-type]
    output = await stage.run(RewriteRequest("tkatjd"), ["삼성"])
    assert (output.scores, lm.scored) == ({"삼성": 0.0}, [])
    output = await stage.run(RewriteRequest("tkatjd"), ["삼성", "삼성 갤럭시"])
    assert lm.scored == [[" 삼성", " 삼성 갤럭시"]] and set(output.scores) == {"삼성", "삼성 갤럭시"}


async def test_adapter_calls_ask_for_their_own_number_of_completions_greedy_when_one() -> None:
    lm = FakeLm(["아이폰 15"], adapters=["null-query-rewrite"])
    config = LmStageConfig(candidates=3, adapter_candidates=1)
    stage = LmStage(client=lm, selector=NgramSelector(EXAMPLES), config=config)
    await stage.run(RewriteRequest("dkdlvhs 16"), [])
    assert (lm.samplings[0].n, lm.samplings[0].temperature) == (1, 0.0)
    base = FakeLm(["아이폰 15"], adapters=[])
    await LmStage(client=base, selector=NgramSelector(EXAMPLES), config=config).run(RewriteRequest("x"), [])
    assert (base.samplings[0].n, base.samplings[0].temperature) == (3, config.temperature)


async def test_without_the_adapter_the_few_shot_prompt_runs_on_the_base() -> None:
    lm = FakeLm(["아이폰 15"], adapters=["another-task"])
    pipeline, _ = await _pipeline(lm)
    await pipeline.run(RewriteRequest("dkdlvhs 16"))
    assert lm.samplings[0].adapter == ""
    assert "tkatjd" in lm.prompts[0]  # a worked example of the bank


@pytest.mark.parametrize(
    ("query", "rewrite", "expected"),
    [
        ("tkatjd roffjrtl", "삼성 갤럭시", True),  # keyboard layout
        ("ㅅㅏㅁ성 갤럭시", "삼성 갤럭시", True),  # split jamo
        ("삼상 갤력시", "삼성 갤럭시", True),  # jamo slips
        ("아이폰15케이스", "아이폰 15 케이스", True),  # spacing
        ("갤럭시 s24", "갤럭시 s24 케이스", True),  # shares a morpheme
        ("tkatjd roffjrtl", "커피머신", False),
        ("박재상", "삼성 갤럭시", False),
        ("쳬빓 신씨", "삼성 갤럭시", False),
    ],
)
def test_rewrite_relation(query: str, rewrite: str, expected: bool) -> None:
    assert related(query, rewrite) is expected


async def test_unrelated_lm_rewrite_is_dropped_even_when_it_hits() -> None:
    pipeline, _ = await _pipeline(FakeLm(["무선청소기 v15", "아이폰 15"]))
    result = await pipeline.run(RewriteRequest("dkdlvhs 16", max_rewrites=10))
    texts = [r.text for r in result.rewrites]
    assert "아이폰 15" in texts
    assert "무선청소기 v15" not in texts  # in the catalog, but nothing like the query
