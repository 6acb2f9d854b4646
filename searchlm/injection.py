"""Text that addresses the model instead of informing the reader: prompt-injection heuristics.

Reviews, encyclopedia passages and previous queries are untrusted. Every service delimits
them in its prompts and checks what the LM says against them; on top of that, a sentence
that gives the model orders is never quoted back to a user (review_summary drops such
reviews, free_qa never picks such a sentence as evidence or as an extractive answer).

The patterns look for the shape of an order to a model (imperative output verbs, "ignore
the above", role and turn tags, fake delimiters, answer cues at a line start), never for a
particular payload. Standard library only, so every layer may use it.
"""

from __future__ import annotations

import re

_REF = r"(위|앞|이전|지금까지|기존|모든|상기)"
_ORDER = r"(지시|명령|지침|프롬프트|규칙|instructions?)"

INJECTION_PATTERNS: tuple[re.Pattern[str], ...] = (
    # 위 지시는 무시하고 / 지금까지의 규칙을 모두 잊고 / 앞의 모든 명령을 취소한다
    re.compile(
        _REF + r"\S*\s*(의\s*)?(모든\s*)?" + _ORDER + r"\S*\s*(은|는|을|를|이|가)?\s*(모두\s*)?(무시|잊|취소)"
    ),
    re.compile(r"(무시|잊)\S*\s*(하고|해|하세요).{0,40}(출력|작성|써|말해|요약)"),
    # an order to output: 출력하세요, 답해 주세요, 출력할 것, 출력해야 합니다, 라고만 써라
    re.compile(
        r"(?<![가-힣])(출력|답변|답|말|작성|요약)\s*(해\s*주세요|하세요|해라|하라|할\s*것(?!도)|해야\s*합니다)"
    ),
    re.compile(r"라고만\s*(써|말|답|출력)"),
    re.compile(r"(이제부터|지금부터)\s*(너|당신)(는|은)"),
    re.compile(r"(읽는|이\s*글을\s*보는)\s*(AI|인공지능|모델|챗봇)", re.IGNORECASE),
    re.compile(r"시스템\s*프롬프트"),
    re.compile(
        r"(ignore|disregard|forget)\s+(all\s+|the\s+)?(previous|above|prior|instructions)", re.IGNORECASE
    ),
    re.compile(
        r"\b(print|output|reply with|respond with|answer with|say)\b.{0,60}"
        r"\b(only|exactly|instead|nothing else)\b",
        re.IGNORECASE,
    ),
    re.compile(r"\b(must|should)\s+be\s+exactly\b|\bthis\s+is\s+an\s+order\b", re.IGNORECASE),
    re.compile(r"\byou\s+are\s+(now\s+)?\w*\s*(bot|ai|assistant|dan)\b", re.IGNORECASE),
    re.compile(r"\b(developer|jailbreak|god)\s+mode\b", re.IGNORECASE),
    re.compile(r"\b(system\s+prompt|stay\s+in\s+character)\b", re.IGNORECASE),
    re.compile(r"\b(system|assistant)\s*:", re.IGNORECASE),
    re.compile(r"</?\s*(리뷰|review|instruction|지시|system)", re.IGNORECASE),
    re.compile(r"<!--"),
    # a fake prompt cue at a line start: "답변: ...", "Summary: ..."
    re.compile(r"(^|\n)\s*(질문|답변|정답|요약|summary|answer)\s*[:：]", re.IGNORECASE),
)


def looks_like_instruction(text: str) -> bool:
    """True when `text` gives orders to a model (instructions, role tags, delimiters)."""
    return any(p.search(text) for p in INJECTION_PATTERNS)
