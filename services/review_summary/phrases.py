"""The noun phrases of a clause, and which one a predicate is about (`opinions`): its
subject or the bare noun before it, the noun it modifies ("좋은 소재"), also through -고 ("아름답고
고요한 내성천"), and whether that noun is denied ("좋은 영화는 아니다", "재밌는 게 없다")."""

from __future__ import annotations

from collections.abc import Sequence

from searchlm.text import Token
from searchlm.text import base_tag as _tag
from services.review_summary import lexicon

OVERALL = ""
"""Aspect of opinions about the product as a whole."""

NOUN = ("NNG", "NNP", "SL")


class Clause:
    """The aspect candidates and negation seen so far in one clause.

    `subject` is the last noun phrase marked as subject or topic (이/가, 은/는/도); `current`
    the noun phrase being read. A bare noun right before the predicate ("착용감 편하네요")
    is the aspect; a phrase in another case ("생각보다", "주머니에") is not, and the subject
    stays ("음질이 생각보다 좋아요": 음질).
    """

    def __init__(self) -> None:
        self.subject: list[Token] = []
        self.object: list[Token] = []
        self.current: list[Token] = []
        self.negator = False

    def noun(self, token: Token) -> None:
        """Nouns written together ("배터리수명") make one aspect; apart, the last one counts.
        A suffix or prefix written with its noun belongs to it (기호+성, 재+범죄+율)."""
        last = self.current[-1] if self.current else None
        if token.form in lexicon.INTENSIFIER_NOUNS:
            return  # "강력 추천", "배송 완전 빠름"
        if last is not None and last.start + last.len == token.start:
            self.current.append(token)
        elif token.form in _RELATIONAL and last is not None:
            pass  # "가격 대비": the aspect stays 가격
        else:
            self.current = [token]

    def particle(self, tag: str) -> None:
        """A case particle closes the current noun phrase."""
        if tag in _SUBJECT_PARTICLES and self.current:
            self.subject = self.current
        if tag == "JKO" and self.current:
            self.object = self.current
        self.current = []

    def name(self, *, of_object: bool = False) -> str:
        """The aspect named in the clause (the object's for a predicate such as 잘하다)."""
        phrase = (self.object if of_object else []) or self.current or self.subject
        name = "".join(t.form for t in phrase)
        return OVERALL if not name or phrase[-1].form in lexicon.GENERIC_NOUNS else name


_SUBJECT_PARTICLES = frozenset({"JKS", "JX"})


# Nouns that relate the aspect to something else rather than name one.
_RELATIONAL = frozenset({"대비", "비교", "정도", "면", "쪽"})


def aspect_of(
    clause: Clause, tokens: Sequence[Token], end: int, *, of_object: bool = False, chained: bool = True
) -> tuple[str, bool, bool]:
    """The aspect of a predicate ending at tokens[end]: its clause's noun phrase; with none, the
    noun phrase it modifies ("좋은 소재" is about 소재, "참신한 영화" about the whole, and so is
    a genre so modified: "심심한 아랍 코미디"). Also whether that modified phrase is denied ("좋은
    영화는 아니다"), and whether the predicate modifies it."""
    if clause.current or clause.subject or (of_object and clause.object):
        return clause.name(of_object=of_object), False, False
    j = _modifier_end(tokens, end, chained)
    if j is None:
        return OVERALL, False, False
    start = _past_quotes(tokens, j + 1)
    name, last = noun_phrase(tokens, start)
    last = last if last >= start else j
    genre = last > j and tokens[last].form in lexicon.GENRE_NOUNS
    wanted = last + 1 < len(tokens) and _tag(tokens[last + 1]) == "JKO"  # "웃긴 코미디를 기대했는데"
    name = OVERALL if genre and not wanted else name
    return name, _denied(tokens, last, nothing=last == j) and not _compared(tokens, end), last > j


def said_of_work(clause: Clause, tokens: Sequence[Token], end: int, *, chained: bool = True) -> bool:
    """The noun a predicate ending at tokens[end] is said of (its clause's, or the one it
    modifies) is a work or a feeling (`lexicon.WORK_NOUNS`): "따뜻한 영화", "마음이 따뜻해지는",
    "가벼운 코미디" say what the film is like, not its warmth or weight."""
    phrase = clause.current or clause.subject
    if phrase:
        return phrase[-1].form in lexicon.WORK_NOUNS
    j = _modifier_end(tokens, end, chained)
    if j is None:
        return False
    start = _past_quotes(tokens, j + 1)
    _, last = noun_phrase(tokens, start)
    return last >= start and tokens[last].form in lexicon.WORK_NOUNS


def _past_quotes(tokens: Sequence[Token], k: int) -> int:
    """The first index from k that is not a quote mark ("'완벽한' 영화")."""
    while k < len(tokens) and _tag(tokens[k]) in ("SS", "SSO", "SSC"):
        k += 1
    return k


# Words that make "nothing is so X" praise: "이만큼 좋은 게 없어요", "이보다 맛있는 거 없다".
_COMPARING = frozenset({"이만큼", "만큼", "이렇", "그렇", "이보다", "보다", "더"})


def _compared(tokens: Sequence[Token], end: int) -> bool:
    """A comparison comes before the predicate ending at tokens[end] in its clause."""
    k = end
    while k > 0 and end - k < 6 and not _ends_clause(tokens[k - 1]):
        k -= 1
        if tokens[k].form in _COMPARING:
            return True
    return False


def _ends_clause(token: Token) -> bool:
    """A sentence or clause ends at `token` (an adverbial -게 does not end one: "이렇게 좋은")."""
    return _tag(token) in ("SF", "EF") or (_tag(token) == "EC" and token.form != "게")


# What 없다 may end in when it denies: not a question ("좋은 거 없나 찾다가"), a reason ("재밌는
# 게 없어서 이거 봤는데") nor a negation ("비싼 감이 없지는 않은데": it is a bit dear).
_NOT_DENYING = frozenset(
    {"나", "나요", "을까", "ᆯ까", "을까요", "ᆯ까요", "냐", "니", "어서", "아서", "어", "지"}
)


def _denied(tokens: Sequence[Token], last: int, *, nothing: bool) -> bool:
    """The phrase a predicate modifies (ending at tokens[last]) is denied: "좋은 영화는 아니다";
    or there is none of it: "재밌는 게 하나도 없다", "아쉬운 거 없어요", "웃을 만한 장면이 없다"
    (with `nothing` modified, 것 stands for the phrase)."""
    k = last + 1
    thing = nothing and k < len(tokens) and tokens[k].form in ("것", "거") and _tag(tokens[k]) == "NNB"
    k += thing
    thing = thing or not nothing
    while k < len(tokens) and (
        _tag(tokens[k]).startswith("J") or (thing and _tag(tokens[k]) in ("NR", "MAG"))
    ):
        k += 1
    if k >= len(tokens):
        return False
    if _tag(tokens[k]) == "VCN":
        return True
    ending = tokens[k + 1].form if k + 1 < len(tokens) else ""
    return thing and tokens[k].form == "없" and _tag(tokens[k]) == "VA" and ending not in _NOT_DENYING


def _modifier_end(tokens: Sequence[Token], end: int, chained: bool) -> int | None:
    """The index of the ETM that makes the predicate ending at tokens[end] modify a noun, also
    (when `chained`) through -고 to a second modifier ("아름답고 고요한 내성천": both about
    내성천; not when that noun is the subject of a clause modifying another: "잔잔하고 그윽한
    향기가 나는 영화"); None when it modifies nothing."""
    j = end + 1
    while j < len(tokens) and _tag(tokens[j]) == "EP":
        j += 1
    if j < len(tokens) and _tag(tokens[j]) == "ETM":
        return j
    if not (chained and j + 2 < len(tokens) and tokens[j].form == "고" and _tag(tokens[j]) == "EC"):
        return None
    k = j + 1 + (_tag(tokens[j + 1]) in ("XR", "NNG") and _tag(tokens[j + 2]) == "XSA")  # 고요/XR 하/XSA
    if k + 1 >= len(tokens) or _tag(tokens[k]) not in ("VA", "XSA") or _tag(tokens[k + 1]) != "ETM":
        return None
    _, last = noun_phrase(tokens, k + 2)
    subject = last + 1 < len(tokens) and _tag(tokens[last + 1]) == "JKS"
    return None if subject else k + 1


def noun_phrase(tokens: Sequence[Token], k: int) -> tuple[str, int]:
    """The noun phrase starting at tokens[k], named as a clause names it (OVERALL for a word for
    the whole), and the index of its last noun (k - 1 when no noun starts there)."""
    clause = Clause()
    end = k - 1
    while end + 1 < len(tokens) and _tag(tokens[end + 1]) in NOUN and not _root_of_verb(tokens, end + 1):
        end += 1
        clause.noun(tokens[end])
    return clause.name(), end


def _root_of_verb(tokens: Sequence[Token], i: int) -> bool:
    """The noun at tokens[i] is the root of a 하다 verb ("빠른 배송 감사합니다": 감사 is
    감사하다's, not part of what 빠른 modifies)."""
    return i > 0 and i + 1 < len(tokens) and _tag(tokens[i + 1]) in ("XSA", "XSV")
