"""The Korean realiser: statements, reported speech, the one-line summary and its length."""

from __future__ import annotations

import pytest

from searchlm import text as korean
from services.review_summary.realiser import Phrase, conjugate, statement, subject, summary

FAST = Phrase("배송", (("빠르", "VA"),), False, 0.5, 1)
GOOD = Phrase("음질", (("좋", "VA"),), False, 0.3, 1)
SHORT = Phrase("배터리", (("오래가", "VV"),), True, 0.2, -1)
BEST = Phrase("", (("최고", "NNG"), ("이", "VCP")), False, 0.1, 1)
DONE_WELL = Phrase("연기", (("잘", "MAG"), ("하", "XSV")), False, 0.1, 1)
DONE_BADLY = Phrase("연출", (("못하", "VV"),), False, 0.1, -1)
SATISFIED = Phrase("가격", (("만족", "NNG"), ("스럽", "XSA")), False, 0.4, 1)


@pytest.mark.parametrize(
    ("phrase", "plain", "listed", "reported"),
    [
        (FAST, "배송이 빠르다", "배송이 빠르고", "배송이 빠르다는"),
        (SHORT, "배터리가 오래가지 않는다", "배터리가 오래가지 않고", "배터리가 오래가지 않는다는"),
        (BEST, "최고다", "최고고", "최고라는"),
        (SATISFIED, "가격이 만족스럽다", "가격이 만족스럽고", "가격이 만족스럽다는"),
        (Phrase("양", (("먹", "VV"),), False, 0.1, 1), "양이 먹는다", "양이 먹고", "양이 먹는다는"),
        (DONE_WELL, "연기를 잘한다", "연기를 잘하고", "연기를 잘한다는"),
        (DONE_BADLY, "연출을 못한다", "연출을 못하고", "연출을 못한다는"),
        # the plain complaint, and 비추 (not recommended) said as a noun, not 비추다 (to shine)
        (Phrase("", (("별로", "MAG"), ("이", "VCP")), False, 0.3, -1), "별로다", "별로고", "별로라는"),
        (Phrase("", (("비추", "NNG"), ("이", "VCP")), False, 0.2, -1), "비추다", "비추고", "비추라는"),
    ],
)
def test_conjugate_forms(phrase: Phrase, plain: str, listed: str, reported: str) -> None:
    assert statement(phrase, korean.join) == plain
    assert conjugate(phrase, 1, korean.join) == listed
    assert conjugate(phrase, 2, korean.join) == reported


def test_subject_particle_follows_the_final_consonant() -> None:
    assert (subject("배송"), subject("배터리"), subject("")) == ("배송이 ", "배터리가 ", "")
    assert (subject("연출", as_object=True), subject("연기", as_object=True)) == ("연출을 ", "연기를 ")


def test_summary_leads_with_the_better_supported_side_and_contrasts_the_other() -> None:
    text, said = summary([FAST, GOOD, SHORT, BEST], korean.join, max_chars=120)
    assert text == "배송이 빠르고 음질이 좋다는 평이 많지만, 배터리가 오래가지 않는다는 의견도 있어요."
    assert said == [0, 1, 2]


def test_summary_of_complaints_leads_with_them() -> None:
    bad = Phrase("소음", (("심하", "VA"),), False, 0.6, -1)
    text, said = summary([bad, GOOD], korean.join, max_chars=120)
    assert text.startswith("소음이 심하다는 평이 많지만, 음질이 좋다는") and said == [0, 1]


def test_summary_says_less_to_fit_max_chars_and_nothing_when_nothing_fits() -> None:
    text, said = summary([FAST, GOOD, SHORT], korean.join, max_chars=30)
    assert text == "배송이 빠르고 음질이 좋다는 평이 많아요." and said == [0, 1]
    assert summary([FAST, GOOD], korean.join, max_chars=5) == ("", [])


def test_minor_statements_are_opinions_not_the_majority() -> None:
    text, _ = summary([SHORT], korean.join, max_chars=80)
    assert text == "배터리가 오래가지 않는다는 의견이 있어요."


def test_vague_praise_of_the_whole_product_comes_after_the_named_aspects() -> None:
    text, said = summary([BEST, FAST], korean.join, max_chars=120)
    assert text == "배송이 빠르고 전반적으로 최고라는 평이 많아요." and said == [1, 0]
    boring = Phrase("", (("지루하", "VA"),), False, 0.2, -1)
    text, said = summary([BEST, boring], korean.join, max_chars=120)
    assert text == "지루하다는 의견이 있지만, 최고라는 의견도 있어요." and said == [1, 0]
