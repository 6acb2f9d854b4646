"""The polarity of an opinion unit: the lexicon's sign, negation, and the review's rating where
the lexicon says nothing (see `opinions` for where units come from)."""

from __future__ import annotations

from services.review_summary import lexicon


def head(aspect: str) -> str:
    """The aspect phrase's last word ("배터리 수명" -> "수명"; "" for the whole)."""
    return aspect.split()[-1] if aspect else ""


def is_fault(aspect: str) -> bool:
    """The aspect names a fault (소음, 냄새): having less of it is the praise."""
    return head(aspect) in lexicon.FAULT_NOUNS


def lexical_sign(unit_stem: str, aspect: str) -> int | None:
    """The lexicon's +1 / -1 / 0 of a predicate about an aspect before negation, or None where
    the lexicon says nothing and the review's rating decides."""
    last = head(aspect)
    if is_fault(aspect) and unit_stem in lexicon.MORE | lexicon.LESS:
        return -1 if unit_stem in lexicon.MORE else 1
    if unit_stem in ("있", "없") or unit_stem in lexicon.AMOUNT_VERBS:
        return (-1 if unit_stem == "없" else 1) if last in lexicon.MERIT_NOUNS else 0
    if last in lexicon.FEELING_NOUNS:
        return None
    if unit_stem in lexicon.WELL_MADE and not aspect:
        return 1  # "잘 나온 영화"; "보풀이 잘 나와요" takes the rating
    if unit_stem in lexicon.POSITIVE:
        return 1
    return -1 if unit_stem in lexicon.NEGATIVE else None


def polarity(unit_stem: str, aspect: str, negated: bool, rating: int) -> int:
    """+1 / -1 / 0 of a predicate about an aspect (see the module docstring of `opinions`)."""
    sign = lexical_sign(unit_stem, aspect)
    if sign is not None:
        return -sign if negated else sign
    rated = 1 if rating >= 4 else -1 if 1 <= rating <= 2 else 0
    if head(aspect) in lexicon.FEELING_NOUNS:
        return rated
    return 0 if negated and rated else rated  # "안 크다" on a 5-star review says nothing sure
