"""The opinion panel: what customers say, how many say it, and a summary made only of it.

    reviews -> opinion units (Kiwi) -> groups (aspect x polarity; aspects merged by lemma and
    e5 similarity) -> one canonical statement per group -> NLI support counted review by
    review over the used reviews that name the aspect -> served statements (support >=
    min_support and more support than contradiction) -> the realiser's one-line summary of
    the served statements.

Units are read from every cleaned review (prevalence); support is checked against the used
reviews, each review's chunks scored on their own (`FaithfulnessChecker.review_support`): a
packed premise of many reviews blurs one review's support (on the demo earbuds, "음질이
좋다" scores entailment 0.88-0.92 against each of five reviews alone and 0.15 against the nine
reviews packed together). The summary says nothing a served statement
does not, so its claims are those statements with their NLI evidence.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from searchlm.text import Token
from services.review_summary import lexicon, realiser
from services.review_summary.aspects import AspectGrouper, spacing_free
from services.review_summary.checker import FaithfulnessChecker, SupportJob
from services.review_summary.opinions import OpinionUnit, extract
from services.review_summary.polarity import is_fault, lexical_sign
from services.review_summary.types import AspectOpinion, ClaimSupport, Review

Analyzer = Callable[[Sequence[str]], list[list[Token]]]


@dataclass(frozen=True)
class PanelSettings:
    """Limits of the opinion panel.

    Attributes:
        min_support: Fewest supporting reviews for a statement to be served.
        max_statements: Candidate statements checked by NLI per request (most mentioned first).
        max_served: Most statements in the response's panel.
        forms_per_group: Wordings of a group's statement checked (the best supported is kept).
    """

    min_support: int = 2
    max_statements: int = 8
    max_served: int = 6
    forms_per_group: int = 2

    def __post_init__(self) -> None:
        if min(self.min_support, self.max_statements, self.max_served, self.forms_per_group) < 1:
            raise ValueError("min_support, max_statements, max_served and forms_per_group must be >= 1")


@dataclass(frozen=True)
class Panel:
    """The panel of one request.

    Attributes:
        aspects: Served statements, most supported first.
        summary: The realiser's sentence from them ("" when none is served).
        claims: NLI evidence of the statements the summary says.
        reviews_with_opinions: Cleaned reviews with at least one unit.
        checked: Statements that went through NLI.
    """

    aspects: tuple[AspectOpinion, ...]
    summary: str
    claims: tuple[ClaimSupport, ...]
    reviews_with_opinions: int
    checked: int


@dataclass
class _Group:
    """Units of one (aspect head, polarity)."""

    aspect: str
    polarity: int
    reviews: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    own: dict[str, OpinionUnit] = field(default_factory=dict)  # review id -> its first unit here
    forms: Counter[tuple[tuple[tuple[str, str], ...], bool, bool]] = field(default_factory=Counter)
    judged: bool = False  # some unit judges it (see `_judging`)

    def phrases(self, k: int) -> list[realiser.Phrase]:
        """The group's `k` most used wordings ("착용감이 편하다"), and the plain "좋다" (praise)
        or "별로다" (complaint) that most of its reviews entail ("맛이 좋다" for 얼큰하다,
        맛있다, 고소하다; "좋다" for 재밌다, 감동적이다, 명작이다 about the thing as a whole;
        "별로다" for 지루하다, 졸리다, 심심하다). Not for a fault ("소음이 없다" is not "소음이
        좋다"), nor where every unit is a word of quantity that only its review's rating made
        praise: "재범죄율이 높다" in a 4-star review does not praise 범죄."""
        found = [
            realiser.Phrase("" if implied else self.aspect, predicate, negated, 0.0, self.polarity)
            for (predicate, negated, implied), _ in self.forms.most_common(k)
        ]
        plain = _plain(self.aspect, self.polarity)
        if self.judged and not is_fault(self.aspect) and plain not in found:
            found.append(plain)
        return found


class OpinionPanel:
    """Builds the panel of a request (called from a worker thread: Kiwi, e5 and NLI block).

    Args:
        analyzer: Kiwi morphemes of many texts (`searchlm.text.tokenize_many`).
        grouper: Aspect merging.
        checker: The service's NLI gate.
        join: Kiwi re-conjugation (`searchlm.text.join`).
        settings: Limits.
    """

    def __init__(
        self,
        *,
        analyzer: Analyzer,
        grouper: AspectGrouper,
        checker: FaithfulnessChecker,
        join: realiser.Joiner,
        settings: PanelSettings,
    ) -> None:
        self._analyzer = analyzer
        self._grouper = grouper
        self._checker = checker
        self._join = join
        self._settings = settings

    def units(self, reviews: Sequence[Review]) -> list[OpinionUnit]:
        """Opinion units of every review."""
        tokens = self._analyzer([r.text for r in reviews])
        return [u for review, toks in zip(reviews, tokens, strict=True) for u in extract(review, toks)]

    def groups(self, units: Sequence[OpinionUnit]) -> list[_Group]:
        """Units grouped by aspect head and polarity, most mentioned first."""
        counts = Counter(u.aspect for u in units)
        heads = self._grouper.heads([a for a, _ in counts.most_common()])
        groups: dict[tuple[str, int], _Group] = {}
        for u in units:
            key = (heads[u.aspect], u.polarity)
            group = groups.setdefault(key, _Group(*key))
            group.reviews.add(u.review_id)
            group.names.add(spacing_free(u.aspect))
            group.own.setdefault(u.review_id, u)
            group.forms[(u.predicate, u.negated, u.implied)] += 1
            group.judged = group.judged or _judging(u)
        return sorted(groups.values(), key=lambda g: -len(g.reviews))

    def build(self, cleaned: Sequence[Review], used: Sequence[Review], *, max_chars: int) -> Panel:
        """The panel: units from `cleaned`, support against `used`."""
        units = self.units(cleaned)
        candidates = self.groups(units)[: self._settings.max_statements]
        options = [(g, p) for g in candidates for p in g.phrases(self._settings.forms_per_group)]
        statements = [realiser.statement(p, self._join) for _, p in options]
        jobs = [self._job(s, g, p, used) for s, (g, p) in zip(statements, options, strict=True)]
        supports = self._checker.review_support(jobs) if jobs else []
        best: dict[int, tuple[_Group, realiser.Phrase, ClaimSupport]] = {}
        for (group, phrase), support in zip(options, supports, strict=True):
            held = best.get(id(group))
            # a wording that can be served beats one with more support that cannot ("별로다"
            # supported by 7 reviews and contradicted by 10, against "아쉽다" 5 to 2)
            rank = (self._serves(support), *_strength(support, phrase, group))
            if held is None or rank > (self._serves(held[2]), *_strength(held[2], held[1], group)):
                best[id(group)] = (group, phrase, support)
        chosen = [(g, p, s) for g, p, s in best.values() if self._serves(s)]
        chosen.sort(key=lambda c: (-len(c[2].supporting_review_ids), -len(c[0].reviews)))
        chosen = _distinct(chosen)[: self._settings.max_served]
        opinions = [self._opinion(g, s, len(used)) for g, _, s in chosen]
        phrases = [replace(p, share=o.share) for (_, p, _), o in zip(chosen, opinions, strict=True)]
        text, said = realiser.summary(phrases, self._join, max_chars=max_chars)
        return Panel(
            aspects=tuple(opinions),
            summary=text,
            claims=tuple(chosen[i][2] for i in said),
            reviews_with_opinions=len({u.review_id for u in units}),
            checked=len(statements),
        )

    def _job(
        self, statement: str, group: _Group, phrase: realiser.Phrase, used: Sequence[Review]
    ) -> SupportJob:
        """What the checker counts for one wording of a group, and what the extractor knows of
        it: who said it, where, and in which words; for a verdict on the whole, who rated it on
        its side."""
        restated = self._restated(group, phrase)
        whole = not group.aspect
        return SupportJob(
            statement,
            _mentioning(group, used),
            confirmed=_confirming(group, phrase, used),
            confirmed_only=whole,
            rated_alike=_rated(used, group.polarity) if whole else (),
            restated=restated,
            clause_at=_clause_offsets(group, phrase, restated),
        )

    def _restated(self, group: _Group, phrase: realiser.Phrase) -> dict[str, str]:
        """What each review of the group is asked in its own words where they differ from the
        statement's.

        - Another word of the group: "택배가 빠르다" for a review about 택배 in the 배송 group.
        - The plain praise or complaint of a group ("좋다", "연기가 좋다", "별로다"): a review
          whose own unit says it with a word the lexicon lists on that side is asked about
          that ("재밌다", "연기를 잘한다", "지루하다"); NLI often does not carry 재밌다 over to
          좋다, nor 지루하다 to 별로다; the lexicon does. So is a review whose own word for
          the whole takes its polarity from its rating ("무서웠음" in a 5-star review, for
          "좋다"): its words and its stars are the two signals.
        """
        if phrase == _plain(group.aspect, group.polarity):
            return {
                rid: self._own_statement(u)
                for rid, u in group.own.items()
                if _in_lexicon(u, group.polarity) or _rated_verdict(u)
            }
        if not phrase.aspect:
            return {}
        own = spacing_free(phrase.aspect)
        return {
            review_id: realiser.statement(replace(phrase, aspect=unit.aspect), self._join)
            for review_id, unit in group.own.items()
            if spacing_free(unit.aspect) != own
        }

    def _own_statement(self, unit: OpinionUnit) -> str:
        """A unit's own statement: its aspect word and predicate ("택배가 빠르다", "재밌다")."""
        aspect = "" if unit.implied else unit.aspect
        return realiser.statement(realiser.Phrase(aspect, unit.predicate, False, 0.0, 1), self._join)

    def _serves(self, support: ClaimSupport) -> bool:
        n = len(support.supporting_review_ids)
        return (
            support.passed and n >= self._settings.min_support and n > len(support.contradicting_review_ids)
        )

    @staticmethod
    def _opinion(group: _Group, support: ClaimSupport, used: int) -> AspectOpinion:
        n = len(support.supporting_review_ids)
        return AspectOpinion(
            aspect=group.aspect,
            polarity="positive" if group.polarity > 0 else "negative",
            statement=support.claim,
            support_count=n,
            contradict_count=len(support.contradicting_review_ids),
            review_ids=support.supporting_review_ids,
            contradicting_review_ids=support.contradicting_review_ids,
            share=n / used if used else 0.0,
            mentions=len(group.reviews),
            entailment=support.entailment,
        )


_PLAIN = {1: (("좋", "VA"),), -1: (("별로", "MAG"), ("이", "VCP"))}


def _clause_offsets(group: _Group, phrase: realiser.Phrase, restated: Mapping[str, str]) -> dict[str, int]:
    """Where each review of the group says the statement in its own words: its unit's offset,
    for reviews asked their own statement (`_restated`) or whose unit has the statement's
    predicate. A review whose unit says something else ("재밌다") is not asked a different
    statement ("최고다") on its clause alone: only its whole text may support that."""
    return {
        rid: u.at
        for rid, u in group.own.items()
        if u.at >= 0 and (rid in restated or (u.predicate, u.negated) == (phrase.predicate, phrase.negated))
    }


def _confirming(group: _Group, phrase: realiser.Phrase, used: Sequence[Review]) -> set[str]:
    """Reviews whose own words confirm a wording of the group: all of them, but for a wording
    whose polarity only its reviews' ratings gave (무섭다, 잔잔하다: descriptions, praise only in
    a good review) just those that said it ("하나도 안 무서움" must not confirm "무섭다" as
    praise because the review praised something else). A verdict on the whole ("좋다",
    "별로다") is never confirmed by a review rated against it: its stars are the reviewer's
    verdict on the whole, so a 1-star "어릴때 재밌게 봤는데.." does not say the film is good
    (an aspect is different: a 2-star review may praise the acting)."""
    said = {
        rid for rid, u in group.own.items() if (u.predicate, u.negated) == (phrase.predicate, phrase.negated)
    }
    own = said if any(group.own[rid].rated for rid in said) else set(group.reviews)
    return own if group.aspect else own - _rated(used, -group.polarity)


def _rated(reviews: Sequence[Review], polarity: int) -> set[str]:
    """Reviews whose rating is on `polarity`'s side: 4-5 stars for praise, 1-2 for a complaint
    (none for a review with no rating)."""
    side = range(4, 6) if polarity > 0 else range(1, 3)
    return {r.id for r in reviews if r.rating in side}


def _plain(aspect: str, polarity: int = 1) -> realiser.Phrase:
    """The plain praise or complaint of an aspect ("맛이 좋다", "연기가 별로다"; "좋다" and
    "별로다" for the thing as a whole)."""
    return realiser.Phrase(aspect, _PLAIN[polarity], False, 0.0, polarity)


def _judging(unit: OpinionUnit) -> bool:
    """The unit judges its aspect: not a word of quantity (크다, 많다, 높다) whose polarity is
    only its review's rating."""
    return not (unit.rated and unit.stem in lexicon.MORE | lexicon.LESS)


def _in_lexicon(unit: OpinionUnit, polarity: int) -> bool:
    """The unit judges its aspect on `polarity`'s side in a word the lexicon lists there, not
    negated ("재밌다", "지루하다"; not "나쁘지 않다", nor "높다" praised only by its review's
    rating)."""
    return not unit.negated and lexical_sign(unit.stem, unit.aspect) == polarity


def _rated_verdict(unit: OpinionUnit) -> bool:
    """The unit is a word for the whole whose polarity is its review's rating (무섭다,
    잔잔하다, 먹먹하다: praise in a good review), not negated."""
    return not unit.aspect and unit.rated and not unit.negated and unit.stem in lexicon.OVERALL


def _distinct(
    chosen: list[tuple[_Group, realiser.Phrase, ClaimSupport]],
) -> list[tuple[_Group, realiser.Phrase, ClaimSupport]]:
    """One entry per statement: a wording that two groups share ("핏이 작다" praised by a 4-star
    review, whose rating gave "작다" its polarity, and complained of by a 2-star one) is served
    once, under the group that comes first (more support, then more mentions)."""
    seen: set[str] = set()
    out = []
    for entry in chosen:
        if entry[2].claim not in seen:
            seen.add(entry[2].claim)
            out.append(entry)
    return out


def _strength(support: ClaimSupport, phrase: realiser.Phrase, group: _Group) -> tuple[int, int, bool, float]:
    """Which wording of a group's statement to keep: most support, least contradiction, then
    the group's own wording over the plain "좋다" ("배송이 빠르다" says more than "배송이 좋다"),
    unless it is negated."""
    # "맛이 좋다" over "느끼하지 않다"
    plain = phrase == _plain(group.aspect, group.polarity) or phrase.negated
    return (
        len(support.supporting_review_ids),
        -len(support.contradicting_review_ids),
        not plain,
        support.entailment,
    )


def _mentioning(group: _Group, used: Sequence[Review]) -> list[Review]:
    """The used reviews NLI is asked about for a group's statement: those that name one of the
    group's aspect words (spacing aside) or gave one of its units; every used review for the
    product as a whole. A review that names nothing of an aspect is not scored against it
    (the cheap selection before NLI)."""
    if not group.aspect:
        return list(used)
    return [r for r in used if r.id in group.reviews or any(n in spacing_free(r.text) for n in group.names)]
