"""The opinion panel: grouping, NLI support, what is served, and the summary made of it."""

from __future__ import annotations

from searchlm import text as korean
from searchlm.nli.types import NliScores
from services.review_summary.aspects import AspectGrouper
from services.review_summary.checker import FaithfulnessChecker, SupportJob
from services.review_summary.faithfulness import FaithfulnessSettings
from services.review_summary.panel import OpinionPanel, PanelSettings
from services.review_summary.types import Review
from tests.unit.review_summary.fakes import CueScorer, SimpleSplitter, TableEmbedder

REVIEWS = (
    Review("a", "배송이 빨라요. 음질이 좋아요.", 5),
    Review("b", "택배가 빨라서 좋았어요. 음질도 좋네요.", 5),
    Review("c", "배송이 빠르네요. 배터리가 아쉬워요.", 4),
    Review("d", "배터리가 아쉬워요. 금방 닳아요.", 2),
    Review("e", "잘 받았습니다.", 5),
)
CUES = {
    "배송이 빠르다": ("배송이 빨", "택배가 빨", "배송이 빠르"),
    "택배가 빠르다": ("택배가 빨",),  # a review about 택배 is asked in its own word
    "음질이 좋다": ("음질이 좋", "음질도 좋"),
    "배터리가 아쉽다": ("배터리가 아쉬",),
}
# 노캔 and 노이즈캔슬링 are close; the rest are far apart (배송 = 택배 is a listed synonym)
VECTORS = {"노캔": [1, 0, 0, 0, 0, 0, 0, 0], "노이즈캔슬링": [0.95, 0.31, 0, 0, 0, 0, 0, 0]}


def _panel(scorer: CueScorer, *, min_support: int = 2, threshold: float = 0.9) -> OpinionPanel:
    splitter = SimpleSplitter()
    return OpinionPanel(
        analyzer=korean.tokenize_many,
        grouper=AspectGrouper(TableEmbedder(VECTORS), threshold=threshold),
        checker=FaithfulnessChecker(scorer=scorer, splitter=splitter, settings=FaithfulnessSettings()),
        join=korean.join,
        settings=PanelSettings(min_support=min_support),
    )


def test_panel_serves_supported_statements_with_counts_and_a_summary_of_them() -> None:
    panel = _panel(CueScorer(CUES)).build(REVIEWS, REVIEWS, max_chars=120)
    by_statement = {a.statement: a for a in panel.aspects}
    assert set(by_statement) == {"배송이 빠르다", "음질이 좋다", "배터리가 아쉽다"}
    fast = by_statement["배송이 빠르다"]
    assert (fast.aspect, fast.polarity, fast.support_count, fast.mentions) == ("배송", "positive", 3, 3)
    assert set(fast.review_ids) == {"a", "b", "c"} and fast.share == 3 / 5
    assert by_statement["배터리가 아쉽다"].polarity == "negative"
    assert [a.support_count for a in panel.aspects] == sorted(
        (a.support_count for a in panel.aspects), reverse=True
    )
    assert panel.summary == "배송이 빠르고 음질이 좋다는 평이 많지만, 배터리가 아쉽다는 의견도 있어요."
    assert [c.claim for c in panel.claims] == ["배송이 빠르다", "음질이 좋다", "배터리가 아쉽다"]
    assert panel.reviews_with_opinions == 4  # "잘 받았습니다" has none but was read


def test_aspects_merge_by_listed_synonym_and_by_embedding_only_above_the_threshold() -> None:
    reviews = (*REVIEWS, Review("f", "노캔이 좋아요.", 5), Review("g", "노이즈캔슬링이 좋네요.", 5))
    units = _panel(CueScorer(CUES)).units(reviews)
    merged = _panel(CueScorer(CUES)).groups(units)
    apart = _panel(CueScorer(CUES), threshold=0.99).groups(units)
    assert any(g.aspect == "노캔" and g.reviews == {"f", "g"} for g in merged)
    assert any(g.aspect == "노이즈캔슬링" for g in apart) and not any(
        g.aspect == "노이즈캔슬링" for g in merged
    )
    for groups in (merged, apart):  # 택배 is a listed synonym of 배송 whatever the vectors say
        assert any(g.aspect == "배송" and g.reviews == {"a", "b", "c"} for g in groups)
        assert not any(g.aspect == "택배" for g in groups)


def test_statement_needs_min_support_and_more_support_than_contradiction() -> None:
    one = _panel(CueScorer(CUES), min_support=4).build(REVIEWS, REVIEWS, max_chars=120)
    assert one.aspects == () and one.summary == "" and one.checked > 0
    against = (Review("f", "음질이 별로예요.", 2), Review("g", "음질이 나빠요.", 1))
    disputed = CueScorer(CUES, {"음질이 좋다": ("음질이 별로", "음질이 나빠")})
    served = _panel(disputed).build(REVIEWS + against, REVIEWS + against, max_chars=120)
    assert "음질이 좋다" not in {a.statement for a in served.aspects}
    assert "배송이 빠르다" in {a.statement for a in served.aspects}


def test_only_reviews_naming_the_aspect_are_scored_for_it() -> None:
    scorer = CueScorer(CUES)
    _panel(scorer).build(REVIEWS, REVIEWS, max_chars=120)
    about_battery = {premise for premise, hypothesis in scorer.pairs if hypothesis == "배터리가 아쉽다"}
    # each review whole, and the clause the extractor read the opinion in where it is shorter
    assert about_battery == {
        "배송이 빠르네요. 배터리가 아쉬워요.",
        "배터리가 아쉬워요. 금방 닳아요.",
        "배터리가 아쉬워요.",
    }


class _ClauseScorer:
    """Entails the claim from exactly the clause, contradicts it (less surely) from anything
    longer: on one review the stronger verdict stands (`SourceTally`)."""

    def __init__(self, clause: str) -> None:
        self.clause, self.pairs = clause, []

    def score(self, pairs):  # type: ignore[no-untyped-def]
        self.pairs += pairs
        return [
            NliScores(0.98, 0.01, 0.01) if p == self.clause else NliScores(0.02, 0.02, 0.96) for p, _ in pairs
        ]


def test_a_reviews_own_clause_can_support_and_never_contradicts() -> None:
    review = Review("r1", "조카는 재밌어 하는데 재미는 조금 떨어지네요", 3)
    claim, clause = "조카가 재밌다", "조카는 재밌어 하는데"
    scorer = _ClauseScorer(clause)
    checker = FaithfulnessChecker(scorer=scorer, splitter=SimpleSplitter(), settings=FaithfulnessSettings())
    (whole_only,) = checker.review_support([SupportJob(claim, [review], confirmed={"r1"})])
    assert whole_only.contradicting_review_ids == ("r1",)
    (with_clause,) = checker.review_support(
        [SupportJob(claim, [review], confirmed={"r1"}, clause_at={"r1": 6})]
    )
    assert (clause, claim) in scorer.pairs
    assert with_clause.supporting_review_ids == ("r1",)
    # a clause of a review the extractor did not read the claim in is not asked
    scorer.pairs.clear()
    checker.review_support([SupportJob(claim, [review], clause_at={"r1": 6})])
    assert (clause, claim) not in scorer.pairs


def test_a_reviews_own_clause_is_also_asked_in_its_plain_form() -> None:
    review = Review("r1", "헐... 비디오로 봤다가.. 다시보니 반갑구만.", 4)
    claim, plain = "반갑다", "다시 보니 반갑다"
    scorer = _ClauseScorer(plain)  # NLI that misses the informal ending, as ours does
    checker = FaithfulnessChecker(
        scorer=scorer, splitter=SimpleSplitter(), settings=FaithfulnessSettings(), plain=korean.declarative
    )
    jobs = [SupportJob(claim, [review], confirmed={"r1"}, clause_at={"r1": len(review.text) - 1})]
    (support,) = checker.review_support(jobs)
    assert (plain, claim) in scorer.pairs
    assert support.supporting_review_ids == ("r1",)
    written = FaithfulnessChecker(scorer=scorer, splitter=SimpleSplitter(), settings=FaithfulnessSettings())
    (as_written,) = written.review_support(jobs)
    assert as_written.supporting_review_ids == ()


class _FixedScorer:
    """The same scores for every pair."""

    def __init__(self, scores: NliScores) -> None:
        self.scores = scores

    def score(self, pairs):  # type: ignore[no-untyped-def]
        return [self.scores for _ in pairs]


def test_a_review_rated_on_the_side_of_a_statement_with_no_subject_does_not_contradict_it() -> None:
    reviews = [Review("bad", "3보 후퇴한 느낌의 영화", 1), Review("good", "최고의 영화", 5)]
    checker = FaithfulnessChecker(
        scorer=_FixedScorer(NliScores(0.02, 0.08, 0.9)),
        splitter=SimpleSplitter(),
        settings=FaithfulnessSettings(),
    )
    (nli_only,) = checker.review_support([SupportJob("별로다", reviews, confirmed_only=True)])
    assert nli_only.contradicting_review_ids == ("bad", "good")
    (alike,) = checker.review_support(
        [SupportJob("별로다", reviews, confirmed_only=True, rated_alike={"bad"})]
    )
    assert alike.contradicting_review_ids == ("good",)
    # a statement with a subject is contradicted by NLI alone
    (named,) = checker.review_support([SupportJob("연출이 별로다", reviews, rated_alike={"bad"})])
    assert named.contradicting_review_ids == ("bad", "good")


def _jobs_asked(reviews: tuple[Review, ...], field: str) -> dict:
    """What the panel hands the checker for each claim (`SupportJob.<field>`), the checker
    scoring every pair alike."""
    asked: dict = {}

    class _Spy(FaithfulnessChecker):
        def review_support(self, jobs):  # type: ignore[no-untyped-def]
            asked.update({job.claim: getattr(job, field) for job in jobs})
            return super().review_support(jobs)

    panel = _panel(_FixedScorer(NliScores(0.5, 0.45, 0.05)))
    panel._checker = _Spy(
        scorer=_FixedScorer(NliScores(0.5, 0.45, 0.05)),
        splitter=SimpleSplitter(),
        settings=FaithfulnessSettings(),
    )
    panel.build(reviews, reviews, max_chars=120)
    return asked


def test_a_wording_whose_polarity_only_ratings_gave_is_confirmed_only_by_reviews_saying_it() -> None:
    reviews = (
        Review("a", "정말 무서워요", 5),  # 무섭다: praise only because the review is rated 5
        Review("b", "너무 재밌어요", 5),
        Review("c", "진짜 재밌어요", 5),
    )
    asked = _jobs_asked(reviews, "confirmed")
    assert asked["무섭다"] == {"a"}  # not b and c, who praised something else
    assert asked["재밌다"] == asked["좋다"] == {"a", "b", "c"}


def test_two_jobs_with_the_same_wording_are_counted_apart() -> None:
    reviews = [Review("good", "정말 무서워요", 5), Review("bad", "너무 무서웠음", 2)]
    checker = FaithfulnessChecker(
        scorer=_FixedScorer(NliScores(0.5, 0.45, 0.05)),
        splitter=SimpleSplitter(),
        settings=FaithfulnessSettings(),
    )
    praise, complaint = checker.review_support(
        [
            SupportJob("무섭다", reviews, confirmed={"good"}, confirmed_only=True),
            SupportJob("무섭다", reviews, confirmed={"bad"}, confirmed_only=True),
        ]
    )
    assert praise.supporting_review_ids == ("good",)
    assert complaint.supporting_review_ids == ("bad",)


def test_a_verdict_on_the_whole_is_not_confirmed_by_a_review_rated_against_it() -> None:
    reviews = (
        Review("a", "너무 재밌어요", 5),
        Review("b", "진짜 재밌어요", 4),
        Review("c", "어릴때 재밌게 봤어요. 연기가 좋아요", 1),  # its stars are its verdict
        Review("d", "연기가 좋아요", 5),
    )
    asked = _jobs_asked(reviews, "confirmed")
    assert asked["재밌다"] == {"a", "b"}
    assert asked["연기가 좋다"] == {"c", "d"}  # a 1-star review may still praise a part


def test_a_word_for_the_whole_that_takes_the_rating_is_asked_in_its_own_words_for_the_plain_praise() -> None:
    reviews = (
        Review("a", "너무 재밌어요", 5),
        Review("b", "정말 무서웠음", 5),  # 무섭다: praise only because the review is rated 5
        Review("c", "진짜 재밌어요", 4),
    )
    asked = _jobs_asked(reviews, "restated")
    assert asked["좋다"] == {"a": "재밌다", "b": "무섭다", "c": "재밌다"}


def test_support_is_checked_against_the_used_reviews_only() -> None:
    scorer = CueScorer(CUES)
    panel = _panel(scorer).build(REVIEWS, REVIEWS[:2], max_chars=120)
    assert {a.statement for a in panel.aspects} == {"배송이 빠르다", "음질이 좋다"}
    assert all("배터리가 아쉬워요" not in premise for premise, _ in scorer.pairs)
    assert {a.mentions for a in panel.aspects if a.statement == "배송이 빠르다"} == {3}


def test_praise_of_the_whole_gathers_under_one_statement_supported_only_by_reviews_saying_it() -> None:
    reviews = (
        Review("a", "정말 재밌어요.", 5),
        Review("b", "명작입니다.", 5),
        Review("c", "유쾌하고 감동적이다.", 5),
        Review("d", "잘 받았습니다.", 5),
        Review("e", "주말에 봤어요.", 4),
    )
    # NLI entails the subject-less "좋다" from the two reviews that praise nothing, and does not
    # carry 재밌다 / 명작이다 / 유쾌하다 over to 좋다: each praising review is asked in its own words
    cues = {"좋다": ("받았", "봤"), "재밌다": ("재밌",), "명작이다": ("명작",), "유쾌하다": ("유쾌",)}
    scorer = CueScorer(cues)
    panel = _panel(scorer).build(reviews, reviews, max_chars=120)
    by_statement = {a.statement: a for a in panel.aspects}
    assert set(by_statement["좋다"].review_ids) == {"a", "b", "c"}
    assert by_statement["좋다"].aspect == "" and by_statement["좋다"].support_count == 3
    asked = {h for p, h in scorer.pairs if p.startswith("정말 재밌")}
    assert "재밌다" in asked and "좋다" not in asked


def test_complaints_of_the_whole_gather_under_a_plain_complaint_in_their_own_words() -> None:
    reviews = (
        Review("a", "너무 지루해요.", 2),
        Review("b", "졸려서 혼났다.", 1),
        Review("c", "심심하다.", 2),
        Review("d", "주말에 봤어요.", 3),
    )
    # NLI does not carry 지루하다 / 졸리다 / 심심하다 over to 별로다, and entails 별로다 from a
    # review that complains of nothing: each complaining review is asked in its own words
    cues = {"별로다": ("봤",), "지루하다": ("지루",), "졸린다": ("졸려",), "심심하다": ("심심",)}
    scorer = CueScorer(cues)
    panel = _panel(scorer).build(reviews, reviews, max_chars=120)
    plain = {a.statement: a for a in panel.aspects}["별로다"]
    assert set(plain.review_ids) == {"a", "b", "c"} and plain.polarity == "negative"
    asked = {h for p, h in scorer.pairs if p.startswith("너무 지루")}
    assert "지루하다" in asked and "별로다" not in asked
    assert panel.summary == "별로라는 평이 많아요."


def test_a_wording_that_can_be_served_beats_one_with_more_support_that_cannot() -> None:
    reviews = (
        Review("a", "너무 지루해요.", 2),
        Review("b", "지루하다.", 1),
        Review("c", "졸려요.", 2),
        *(Review(f"p{i}", "정말 재밌어요.", 5) for i in range(4)),
    )
    # the plain "별로다" has three supporters but four reviews against it; "지루하다" two and none
    cues = {"별로다": ("지루", "졸려"), "지루하다": ("지루",), "졸린다": ("졸려",), "재밌다": ("재밌",)}
    scorer = CueScorer(cues, {"별로다": ("재밌",)})
    served = {a.statement for a in _panel(scorer).build(reviews, reviews, max_chars=120).aspects}
    assert "지루하다" in served and "별로다" not in served


def test_a_review_about_a_synonym_is_asked_in_its_own_word() -> None:
    # NLI here knows "택배가 빨" only as evidence of "택배가 빠르다", not of "배송이 빠르다"
    cues = {**CUES, "배송이 빠르다": ("배송이 빨", "배송이 빠르"), "택배가 빠르다": ("택배가 빨",)}
    scorer = CueScorer(cues)
    panel = _panel(scorer).build(REVIEWS, REVIEWS, max_chars=120)
    fast = {a.statement: a for a in panel.aspects}["배송이 빠르다"]
    assert set(fast.review_ids) == {"a", "b", "c"}
    asked = {h for p, h in scorer.pairs if p.startswith("택배가 빨라서")}
    assert "택배가 빠르다" in asked and "배송이 빠르다" not in asked
    # with no such evidence in its own word, the synonym review does not support it
    strict = _panel(CueScorer({**cues, "택배가 빠르다": ()})).build(REVIEWS, REVIEWS, max_chars=120)
    assert set({a.statement: a for a in strict.aspects}["배송이 빠르다"].review_ids) == {"a", "c"}


def test_a_statement_two_groups_share_is_served_once() -> None:
    # "작다" has no polarity of its own: a 4-star review makes it praise, a 2-star one a complaint
    reviews = (
        Review("a", "사이즈가 작아요.", 2),
        Review("b", "사이즈가 작아요.", 1),
        Review("c", "사이즈가 작아요.", 5),
    )
    panel = _panel(CueScorer({"사이즈가 작다": ("사이즈가 작",)})).build(reviews, reviews, max_chars=120)
    assert [(a.statement, a.polarity) for a in panel.aspects] == [("사이즈가 작다", "negative")]


def test_plain_praise_is_not_asked_of_quantities_rated_praise_nor_of_faults() -> None:
    # "높다" has no polarity of its own (4-star reviews make it praise), but it is not "좋다";
    # "소음이 없다" praises, but "소음이 좋다" says something else; "단단하다" judges
    reviews = (
        Review("a", "재범죄율이 높다.", 4),
        Review("b", "재범죄율이 높네요.", 5),
        Review("c", "소음이 없어요. 변이 단단해요.", 5),
        Review("d", "소음이 없네요. 변이 단단해졌어요.", 5),
    )
    scorer = CueScorer({})
    _panel(scorer).build(reviews, reviews, max_chars=120)
    asked = {h for _, h in scorer.pairs}
    assert {"재범죄율이 높다", "소음이 없다", "변이 단단하다", "변이 좋다"} <= asked
    assert not {"재범죄율이 좋다", "소음이 좋다"} & asked


def test_plain_praise_of_an_aspect_is_supported_by_reviews_praising_it_in_their_own_words() -> None:
    reviews = (
        Review("a", "배우가 연기를 정말 잘한다.", 5),
        Review("b", "연기가 훌륭하다.", 5),
        Review("c", "연기가 나쁘진 않다.", 3),  # "not bad" is not asked as praise
    )
    cues = {"연기를 잘한다": ("잘한",), "연기가 훌륭하다": ("훌륭",), "연기가 좋다": ("나쁘진",)}
    scorer = CueScorer(cues)
    panel = _panel(scorer).build(reviews, reviews, max_chars=120)
    good = {a.statement: a for a in panel.aspects}["연기가 좋다"]
    assert set(good.review_ids) == {"a", "b", "c"}
    asked = {(p[:2], h) for p, h in scorer.pairs}
    assert {("배우", "연기를 잘한다"), ("연기", "연기가 훌륭하다"), ("연기", "연기가 좋다")} <= asked
    assert ("배우", "연기가 좋다") not in asked
