"""Scores candidate summaries claim by claim against packed multi-review premises."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

from searchlm.nli.types import EntailmentScorer, NliScores
from searchlm.nli.verdict import SourceTally, Thresholds, Verdict
from services.review_summary.faithfulness import (
    Chunk,
    FaithfulnessSettings,
    TextSplitter,
    chunk_review,
    claim_core,
    own_clause,
    pack_premises,
    quoting_reviews,
)
from services.review_summary.types import CandidateCheck, ClaimSupport, Premise, Review

_Pack = tuple[Premise, tuple[Chunk, ...]]


@dataclass(frozen=True)
class SupportJob:
    """One claim to count review by review (`FaithfulnessChecker.review_support`), with what
    the opinion extractor knows of it.

    Attributes:
        claim: The statement ("배송이 빠르다", "좋다").
        reviews: The reviews asked about it.
        confirmed: Reviews whose own words were read as stating it.
        confirmed_only: Only confirmed reviews may support it (NLI alone may still contradict
            it): a statement with no subject ("좋다") is one NLI cannot judge on its own.
        rated_alike: For a `confirmed_only` claim, reviews rated on its side (1-2 stars for
            "별로다"): they cannot contradict it either (NLI misjudges a claim with no subject
            both ways).
        restated: Per review, the hypothesis it is scored against in its own aspect word:
            "택배 신속하고" is asked about "택배가 빠르다" for the claim "배송이 빠르다" (the
            grouping merged 택배 into 배송; NLI does not know they are one aspect).
        clause_at: Per confirmed review, where in it the extractor read the claim stated (a
            character offset); that clause is scored as one more premise of the review.
    """

    claim: str
    reviews: Sequence[Review]
    confirmed: Collection[str] = ()
    confirmed_only: bool = False
    rated_alike: Collection[str] = ()
    restated: Mapping[str, str] = field(default_factory=dict)
    clause_at: Mapping[str, int] = field(default_factory=dict)


def _tally(settings: FaithfulnessSettings) -> SourceTally:
    """An empty per-review tally with the service's pair thresholds."""
    return SourceTally(Thresholds(settings.entailment_threshold, settings.contradiction_threshold))


class FaithfulnessChecker:
    """NLI check of candidates: max entailment over every chunk, reviews counted per claim.

    Each review lands on one side of each claim (`searchlm.nli.verdict`: a review's own
    chunk outranks a packed premise, a quote outranks both). A claim passes when its
    verdict is ``entailed``: some review supports it (or quotes it word for word) and
    more reviews support it than contradict it (reviews disagree: one complaint does not
    cancel five confirmations, but a claim the reviews contradict as often as they support
    fails the summary).

    Args:
        scorer: NLI scorer (called from a worker thread; it may block).
        splitter: Sentence and claim splitting.
        settings: Thresholds and premise sizes.
        plain: A clause re-said in the plain written register (`searchlm.text.declarative`:
            "다시보니 반갑구만" -> "다시 보니 반갑다"); a review's own clause is also scored in
            that form. None: only as written.
    """

    def __init__(
        self,
        *,
        scorer: EntailmentScorer,
        splitter: TextSplitter,
        settings: FaithfulnessSettings,
        plain: Callable[[str], str] | None = None,
    ) -> None:
        self._scorer = scorer
        self._splitter = splitter
        self._settings = settings
        self._plain = plain

    def premises(self, reviews: Sequence[Review]) -> list[_Pack]:
        """Chunks of every review packed into premises."""
        chunks = [c for r in reviews for c in chunk_review(r, self._splitter, self._settings.chunk_chars)]
        return pack_premises(chunks, self._settings.premise_chars)

    def check(self, candidates: Sequence[str], reviews: Sequence[Review]) -> list[CandidateCheck]:
        """One verdict per candidate, in order (claims shared by candidates are scored once)."""
        packs = self.premises(reviews)
        claims = [self._splitter.claims(c) or ([c] if c.strip() else []) for c in candidates]
        unique = list(dict.fromkeys(c for group in claims for c in group))
        evidence = self._evidence(unique, packs)
        for claim in unique:
            evidence[claim].quote(quoting_reviews(claim, reviews))
        for candidate in candidates:
            self._quote_sentences(candidate, reviews, evidence)
        return [self._verdict(text, group, evidence) for text, group in zip(candidates, claims, strict=True)]

    def review_support(self, jobs: Sequence[SupportJob]) -> list[ClaimSupport]:
        """Support of each job's claim (taken whole) counted review by review: every chunk of
        each of its reviews is scored on its own, all in one NLI batch; a review that quotes
        the claim supports it. The opinion panel's counts ("how many reviews say it") come
        from here: a packed premise blurs one review's support among the other reviews' text.
        Each job is counted on its own, so two groups with the same wording ("무섭다" praised by
        5-star reviews and complained of by 2-star ones) never share their reviews' verdicts.

        For a job's confirmed reviews (`SupportJob.confirmed`) entailment needs only
        `confirm_entailment_threshold` (two signals agree); contradiction is judged as for
        every review. A review's own clause (`SupportJob.clause_at`: "재밌게 본 영화" of
        "비정한 권력.. 재밌게 본 영화", `own_clause`) is scored as one more premise of it (NLI
        judges a short clause better than a review that goes on to something else): it never
        contradicts, and its entailment can outweigh a contradiction the review's chunks gave
        (each review lands on the side of its strongest verdict: "조카는 재밌어 하는데 재미는
        조금 떨어지네요" says the nephew enjoyed it).
        """
        size = self._settings.chunk_chars
        chunks = {r.id: chunk_review(r, self._splitter, size) for job in jobs for r in job.reviews}
        pairs = [(k, chunk) for k, job in enumerate(jobs) for r in job.reviews for chunk in chunks[r.id]]
        first_clause = len(pairs)
        pairs += self._own_clauses(jobs, chunks)
        hypotheses = [jobs[k].restated.get(chunk.review_id, jobs[k].claim) for k, chunk in pairs]
        scores = self._scorer.score(
            [(chunk.text, claim_core(h)) for (_, chunk), h in zip(pairs, hypotheses, strict=True)]
        )
        tallies = [_tally(self._settings) for _ in jobs]
        lenient = Thresholds(
            self._settings.confirm_entailment_threshold, self._settings.contradiction_threshold
        )
        for n, ((k, chunk), score) in enumerate(zip(pairs, scores, strict=True)):
            job, rid = jobs[k], chunk.review_id
            own = rid in job.confirmed
            alike_rated = job.confirmed_only and rid in job.rated_alike
            support = own or not job.confirmed_only
            score = _counted(score, support=support, contradict=n < first_clause and not alike_rated)
            tallies[k].add((rid,), score, lenient if own else None)
        for job, tally in zip(jobs, tallies, strict=True):
            tally.quote(quoting_reviews(job.claim, job.reviews))
        return [self._support(job.claim, tally) for job, tally in zip(jobs, tallies, strict=True)]

    def _own_clauses(
        self, jobs: Sequence[SupportJob], chunks: Mapping[str, Sequence[Chunk]]
    ) -> list[tuple[int, Chunk]]:
        """(job index, clause) of each confirmed review with an offset: the clause as written
        unless it is one of the review's chunks already, and its plain form when that differs.
        A review's clause is cut once, however many wordings of its group ask it."""
        out = []
        cut: dict[tuple[str, int], list[str]] = {}
        for k, job in enumerate(jobs):
            for r in job.reviews:
                if r.id in job.clause_at and r.id in job.confirmed:
                    key = (r.id, job.clause_at[r.id])
                    if key not in cut:
                        cut[key] = self._clause_forms(
                            own_clause(r.text, key[1], self._splitter), chunks[r.id]
                        )
                    out += [(k, Chunk(r.id, text)) for text in cut[key]]
        return out

    def _clause_forms(self, clause: str, chunks: Sequence[Chunk]) -> list[str]:
        """A review's own clause and its plain form, less what its chunks already score."""
        forms = dict.fromkeys([clause, self._plain(clause) if self._plain else clause])
        return [text for text in forms if text and all(c.text != text for c in chunks)]

    def _quote_sentences(
        self, text: str, reviews: Sequence[Review], evidence: dict[str, SourceTally]
    ) -> None:
        """A sentence a review says word for word supports each of its clauses ("너무 아름답고
        감동적인 영화" quoted: "너무 아름답다" is that review's claim even if rewritten)."""
        for sentence in self._splitter.sentences(text):
            ids = quoting_reviews(sentence, reviews)
            for claim in self._splitter.claims(sentence) if ids else ():
                if claim in evidence:
                    evidence[claim].quote(ids)

    def _evidence(self, claims: Sequence[str], packs: Sequence[_Pack]) -> dict[str, SourceTally]:
        hyps = {c: claim_core(c) for c in claims}
        pairs = [(c, pack) for c in claims for pack in packs]
        scores = self._scorer.score([(premise.text, hyps[c]) for c, (premise, _) in pairs])
        evidence = {c: _tally(self._settings) for c in claims}
        drilled: list[tuple[str, _Pack, NliScores]] = []
        for (claim, pack), score in zip(pairs, scores, strict=True):
            if len(pack[0].review_ids) > 1 and self._decisive(evidence[claim], score):
                drilled.append((claim, pack, score))
            else:
                evidence[claim].add(pack[0].review_ids, score)
        self._drill(evidence, drilled, hyps)
        return evidence

    @staticmethod
    def _decisive(tally: SourceTally, score: NliScores) -> bool:
        return SourceTally(tally.thresholds).add((), score) is not Verdict.NEUTRAL

    def _drill(
        self,
        evidence: dict[str, SourceTally],
        drilled: Sequence[tuple[str, _Pack, NliScores]],
        hyps: dict[str, str],
    ) -> None:
        """Scores the chunks of decisive multi-review premises one by one to name the reviews.

        When the union entails a claim but no single review does, the pack's reviews jointly
        support it and are all named.
        """
        jobs = [(claim, chunk) for claim, (_, chunks), _ in drilled for chunk in chunks]
        if not jobs:
            return
        scores = iter(self._scorer.score([(chunk.text, hyps[claim]) for claim, chunk in jobs]))
        for claim, (premise, chunks), pack_score in drilled:
            target = evidence[claim]
            verdicts = [target.add((chunk.review_id,), next(scores)) for chunk in chunks]
            if all(v is Verdict.NEUTRAL for v in verdicts):
                target.add(premise.review_ids, pack_score)
            else:
                target.entailment = max(target.entailment, pack_score.entailment)

    def _verdict(self, text: str, claims: Sequence[str], evidence: dict[str, SourceTally]) -> CandidateCheck:
        supports = tuple(self._support(c, evidence[c]) for c in claims)
        score = min((s.entailment if s.passed else 0.0 for s in supports), default=0.0)
        passed = (
            bool(supports) and all(s.passed for s in supports) and score >= self._settings.summary_threshold
        )
        return CandidateCheck(text, supports, score, passed)

    def _support(self, claim: str, found: SourceTally) -> ClaimSupport:
        verdict = found.verdict()
        return ClaimSupport(
            claim,
            found.entailment,
            found.strength(Verdict.CONTRADICTED),
            found.supporting,
            found.contradicting,
            verdict is Verdict.ENTAILED,
            verdict.value,
        )


def _counted(score: NliScores, *, support: bool, contradict: bool) -> NliScores:
    """A review's scores as they may count for a claim: without entailment where it cannot
    support it, without contradiction where it cannot contradict it (see `review_support`)."""
    score = score if support else _without_entailment(score)
    return score if contradict else _without_contradiction(score)


def _without_contradiction(score: NliScores) -> NliScores:
    """A review clause's scores with its contradiction set aside: it can only support."""
    return NliScores(score.entailment, score.neutral + score.contradiction, 0.0)


def _without_entailment(score: NliScores) -> NliScores:
    """A review's scores with its entailment set aside: it can contradict the claim, not
    support it."""
    return NliScores(0.0, score.neutral + score.entailment, score.contradiction)
