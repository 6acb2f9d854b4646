"""`searchlm.text.declarative`: a clause's informal ending re-said as the plain written -다."""

from __future__ import annotations

import pytest

from searchlm.text import declarative


@pytest.mark.parametrize(
    ("clause", "plain"),
    [
        ("다시보니 반갑구만.", "다시 보니 반갑다"),  # -구만
        ("정말 재밌었음!!", "정말 재밌었다"),  # -음 ending a sentence, tense kept
        ("그냥 웃긴 영화임", "그냥 웃긴 영화다"),  # 이다 + -ㅁ
        ("배송이 빨라요^^", "배송이 빠르다"),  # polite -요, emoticon dropped
        ("좋아요ㅎㅎ", "좋다"),
        ("재미없어", "재미없다"),  # intimate -어
        ("스토리도 별로고", "스토리도 별로다"),  # a connective left hanging
        ("지루하고 심심함.", "지루하고 심심하다"),
        ("너무 좋지 않아요", "너무 좋지 않다"),  # negation kept
        # misspellings through the typo model, slang as the standard word
        ("걍 잼있음", "그냥 재밌다"),
        ("넘 좋아요", "너무 좋다"),
        ("존나 무서웠다", "정말 무서웠다"),
        ("그냥 아니잼나게보고있다", "그냥 재미 나게 보고 있다"),  # the interjection 아니 negates nothing
    ],
)
def test_informal_endings_become_plain_da(clause: str, plain: str) -> None:
    assert declarative(clause) == plain


@pytest.mark.parametrize(
    "clause",
    [
        "별로인 영화",
        "최고의 영화",
        "꿀잼",
        "ㅋㅋㅋ",
        "",
        # a question, a request, a condition or hearsay is never made a statement
        "재밌나요?",
        "이게 영화냐",
        "꼭 보세요",
        "사이즈만 맞으면",
        "재밌다며",
        "재밌었으면 별 다섯개 줬지",
    ],
)
def test_text_already_plain_or_without_a_predicate_is_kept(clause: str) -> None:
    assert declarative(clause) == clause
