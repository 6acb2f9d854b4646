from __future__ import annotations

import pytest

from searchlm.errors import InvalidRequestError
from searchlm.null_query.v1 import null_query_service_pb2 as pb
from searchlm.search.types import SearchHit
from services.null_query import convert
from services.null_query.noise import NOISES
from services.null_query.prompt import (
    DEFAULT_BANK,
    NgramSelector,
    build_adapter_prompt,
    build_prompt,
    load_examples,
    parse_completion,
)
from services.null_query.title_match import title_candidates
from services.null_query.types import Rewrite, RewriteResult, RewriteType


def test_max_rewrites_zero_means_server_default() -> None:
    request = pb.RewriteQueryRequest(query="q", previous_clicks=[pb.PreviousClick(doc_id="1", title="t")])
    domain = convert.to_request(request, default_max_rewrites=3)
    assert (domain.max_rewrites, domain.clicked_titles) == (3, ("t",))


def test_response_carries_type_hits_and_degraded() -> None:
    result = RewriteResult(True, 0, (Rewrite("삼성", RewriteType.KEYBOARD, 1.0, 4),), True, ("lm_timeout",))
    msg = convert.to_response(result)
    assert msg.is_null and not msg.has_results and msg.degraded
    assert (msg.rewrites[0].type, msg.rewrites[0].kind, msg.rewrites[0].hit_count) == (
        pb.REWRITE_TYPE_KEYBOARD,
        "keyboard",
        4,
    )


def test_empty_batch_is_invalid() -> None:
    with pytest.raises(InvalidRequestError, match="requests"):
        convert.to_requests(pb.RewriteQueriesRequest(), default_max_rewrites=3, max_batch=4)


def test_selector_picks_examples_of_the_same_noise() -> None:
    selector = NgramSelector(load_examples(DEFAULT_BANK))
    assert all(e.query.isascii() for e in selector.select("dkdlvhs 15", 2))
    assert any("ㅅㅏㅁ" in e.query or "ㄱㅐㄹ" in e.query for e in selector.select("ㅅㅏㅁ성", 2))


def test_prompt_ends_with_query_and_parse_takes_first_line() -> None:
    prompt = build_prompt("tkatjd", load_examples(DEFAULT_BANK)[:2], ("이전",), ("클릭",))
    assert prompt.endswith("이전 검색어: 이전\n클릭한 결과: 클릭\n검색어: tkatjd\n고친 검색어:")
    assert parse_completion(' "삼성"\n검색어: x', "tkatjd", max_chars=20) == "삼성"
    assert parse_completion(" tkatjd", "tkatjd", max_chars=20) is None


def test_adapter_prompt_shows_the_retyped_reading_only_when_it_differs() -> None:
    assert build_adapter_prompt("tkatjd roffjrtl", ("폰",)) == (
        "이전 검색어: 폰\n검색어: tkatjd roffjrtl\n한글 자판: 삼성 갤럭시\n고친 검색어:"
    )
    assert build_adapter_prompt("ㅅㅏㅁ성") == "검색어: ㅅㅏㅁ성\n한글 자판: 삼성\n고친 검색어:"
    for plain in ("삼성 갤럭시", "galaxy s24", "삼성갤럭시"):
        assert build_adapter_prompt(plain) == f"검색어: {plain}\n고친 검색어:"
    # the few-shot prompt of the base model is unchanged (its examples show no reading)
    assert "한글 자판" not in build_prompt("tkatjd", load_examples(DEFAULT_BANK)[:2])


def test_title_match_proposes_spacing_and_typo_fixes() -> None:
    hits = [SearchHit("1", "아버지가 방에 들어가신다", 3.0), SearchHit("2", "방탄소년단", 1.0)]
    cands = title_candidates("아버지가방에 들어 가신다", hits)
    assert [(c.text, c.type) for c in cands] == [("아버지가 방에 들어가신다", RewriteType.SPACING)]
    assert title_candidates("방탄소넌단", hits)[0].type is RewriteType.TYPO


@pytest.mark.parametrize("noise", sorted(NOISES))
def test_noise_is_seeded_and_changes_the_query(noise: str) -> None:
    import random

    first = NOISES[noise]("삼성 갤럭시 노트", random.Random(1))
    assert first == NOISES[noise]("삼성 갤럭시 노트", random.Random(1))
    assert first and first != "삼성 갤럭시 노트"
