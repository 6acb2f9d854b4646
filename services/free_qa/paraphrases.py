"""Paraphrased predicates: a question's plain verb and the Sino-Korean nouns texts use instead.

Questions ask "한글 만든 사람이 누구야?" while encyclopedias write "세종대왕이 창제하여": the
question's verb (만들다) is not among the sentence's terms, so term overlap misses the one
sentence that answers. Each entry maps a verb as `kiwi_text.terms` writes it (verb stem + 다;
irregular stems stay bare, "받") to words texts use for it. The map is read both ways between
a verb and its words (창제 in a question also finds 만들다), never between two words of one
verb (설립 does not find 발명).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

_LEXICON: dict[str, tuple[str, ...]] = {
    "만들다": (
        "창제",
        "발명",
        "제작",
        "개발",
        "설립",
        "창시",
        "고안",
        "건립",
        "제조",
        "창립",
        "창작",
        "창설",
    ),
    "세우다": ("설립", "건립", "건국", "창건", "건설", "수립", "창립", "창설"),
    "짓다": ("건설", "건축", "건립", "축조", "저술", "작곡", "작사"),
    "죽다": ("사망", "별세", "서거", "숨지다", "타계", "전사", "사거", "돌아가다", "순국", "승하", "붕어"),
    "태어나다": ("출생", "탄생", "출신"),
    "시작": ("개시", "창간", "창립", "출범", "개막", "착수", "발족"),
    "시작하다": ("개시", "창간", "창립", "출범", "개막", "착수", "발족"),
    "끝나다": ("종료", "종결", "완료", "폐막", "마치다", "마감"),
    "쓰다": ("저술", "집필", "작성", "편찬", "저작", "사용"),
    "받다": ("수상", "수여", "획득", "수령"),
    "받": ("수상", "수여", "획득", "수령"),
    "이기다": ("승리", "우승", "격파", "제압"),
    "바꾸다": ("변경", "개명", "개칭", "교체", "전환", "개정"),
    "없애다": ("폐지", "제거", "철폐", "폐기"),
    "부르다": ("불리다", "명명", "호칭", "일컫", "칭하다"),
    "사다": ("구입", "구매", "매입", "인수"),
    "팔다": ("판매", "매각", "매도"),
    "살다": ("거주", "거처", "생활"),
    "만나다": ("회담", "면담", "접견", "회견"),
    "보내다": ("파견", "발송", "전송", "송부"),
    "가르치다": ("교육", "강의", "지도"),
    "배우다": ("공부", "학습", "수학", "사사"),
    "맡다": ("담당", "역임", "재임", "취임", "담임"),
    "떠나다": ("출발", "출국", "이탈"),
    "돌아오다": ("귀국", "귀환", "복귀"),
    "찍다": ("촬영",),
    "열다": ("개최", "개설", "개관", "개장", "개업"),
    "열리다": ("개최", "개설", "개관", "개장", "개막"),
    "알리다": ("발표", "공개", "공표", "공포", "통보"),
    "이끌다": ("지휘", "인솔", "주도", "통솔", "지도"),
    "막다": ("방지", "저지", "방어", "차단"),
    "정하다": ("지정", "결정", "제정", "선정", "규정"),
    "찾다": ("발견", "탐색", "수색"),
    "밝히다": ("규명", "발표", "해명", "공개"),
    "뽑다": ("선출", "선발", "선정", "지명"),
    "옮기다": ("이전", "이동", "이송", "천도", "번역"),
    "싸우다": ("전투", "교전", "대결", "투쟁"),
    "빼앗다": ("점령", "탈취", "약탈", "함락"),
    "잡다": ("체포", "검거", "포획"),
    "고치다": ("수리", "수정", "개정", "치료"),
}


def _both_ways(lexicon: Mapping[str, Iterable[str]]) -> dict[str, frozenset[str]]:
    out: dict[str, set[str]] = {}
    for verb, words in lexicon.items():
        out.setdefault(verb, set()).update(words)
        for word in words:
            out.setdefault(word, set()).add(verb)
    return {term: frozenset(alternatives - {term}) for term, alternatives in out.items()}


PARAPHRASES: Mapping[str, frozenset[str]] = _both_ways(_LEXICON)
"""Term -> the terms a text may use for it (both ways between a verb and its words)."""


def alternatives(term: str) -> frozenset[str]:
    """The term and the terms a text may use for it ("만들다" -> 만들다, 창제, 발명...)."""
    return PARAPHRASES.get(term, frozenset()) | {term}
