"""Judging ranked rewrites: recovery, false and wrong rewrites."""

from __future__ import annotations

from eval.metrics.null_query import judge_rewrites, normalize_query


def test_judge_rewrites_top1_recovery_for_spacing_noise() -> None:
    j = judge_rewrites("아이폰케이스", "아이폰 케이스", ["아이폰 케이스", "아이폰케이스"])
    assert (j.needs_rewrite, j.proposed, j.rank, j.top1, j.top3) == (True, True, 1, True, True)
    assert not j.wrong_rewrite


def test_judge_rewrites_top3_but_not_top1_is_a_wrong_rewrite() -> None:
    j = judge_rewrites("dkdlvhs", "아이폰", ["아이펀", "아이폰"])
    assert (j.rank, j.top1, j.top3, j.wrong_rewrite) == (2, False, True, True)


def test_judge_rewrites_rewrite_of_clean_query_is_false() -> None:
    j = judge_rewrites("갤럭시", "갤럭시", ["갤럭시 폰"])
    assert j.false_rewrite and not j.needs_rewrite


def test_judge_rewrites_echoing_the_query_is_not_a_rewrite() -> None:
    j = judge_rewrites("갤럭시", "갤럭시", [" 갤럭시 "])
    assert not j.proposed and not j.false_rewrite


def test_judge_rewrites_no_rewrite_for_noisy_query_is_a_miss_not_wrong() -> None:
    j = judge_rewrites("아이폰케이스", "아이폰 케이스", [])
    assert (j.proposed, j.top1, j.top3, j.wrong_rewrite) == (False, False, False, False)


def test_normalize_query_composes_jamo_and_keeps_spacing() -> None:
    decomposed = "\u1100\u1161\u11bc"  # 강 as conjoining jamo
    assert normalize_query(decomposed) == "강"
    assert normalize_query(" 아이폰  케이스 ") == "아이폰 케이스"
    assert normalize_query("아이폰케이스") != normalize_query("아이폰 케이스")
