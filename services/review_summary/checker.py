"""Scores candidate summaries claim by claim against packed multi-review premises."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from searchlm.nli.types import EntailmentScorer, NliScores
from services.review_summary.faithfulness import (
    Chunk,
    FaithfulnessSettings,
    TextSplitter,
    chunk_review,
    claim_core,
    pack_premises,
    quoting_reviews,
)
from services.review_summary.types import CandidateCheck, ClaimSupport, Premise, Review

_Pack = tuple[Premise, tuple[Chunk, ...]]


@dataclass
class _Evidence:
    """What the premises say about one claim."""

    entailment: float = 0.0
    contradiction: float = 0.0
    supporting: dict[str, None] = field(default_factory=dict)
    contradicting: dict[str, None] = field(default_factory=dict)

    def add(self, ids: Sequence[str], score: NliScores, settings: FaithfulnessSettings) -> None:
        self.entailment = max(self.entailment, score.entailment)
        self.contradiction = max(self.contradiction, score.contradiction)
        if score.entailment >= settings.entailment_threshold:
            self.supporting.update(dict.fromkeys(ids))
        elif score.contradiction >= settings.contradiction_threshold:
            self.contradicting.update(dict.fromkeys(ids))

    def quoted(self, ids: Sequence[str]) -> None:
        """Reviews that contain the claim word for word entail it, whatever NLI said."""
        if ids:
            self.entailment = 1.0
            self.supporting.update(dict.fromkeys(ids))
            for review_id in ids:
                self.contradicting.pop(review_id, None)

    def merge(self, other: _Evidence) -> None:
        self.entailment = max(self.entailment, other.entailment)
        self.contradiction = max(self.contradiction, other.contradiction)
        self.supporting.update(other.supporting)
        self.contradicting.update(other.contradicting)


class FaithfulnessChecker:
    """NLI check of candidates: max entailment over every chunk, reviews counted per claim.

    A claim passes when some premise entails it (or a review quotes it word for word) and
    fewer reviews contradict it than support it (reviews disagree: one complaint does not
    cancel five confirmations, but a claim the reviews contradict as often as they support
    fails the summary).

    Args:
        scorer: NLI scorer (called from a worker thread; it may block).
        splitter: Sentence and claim splitting.
        settings: Thresholds and premise sizes.
    """

    def __init__(
        self, *, scorer: EntailmentScorer, splitter: TextSplitter, settings: FaithfulnessSettings
    ) -> None:
        self._scorer = scorer
        self._splitter = splitter
        self._settings = settings

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
            evidence[claim].quoted(quoting_reviews(claim, reviews))
        for candidate in candidates:
            self._quote_sentences(candidate, reviews, evidence)
        return [self._verdict(text, group, evidence) for text, group in zip(candidates, claims, strict=True)]

    def _quote_sentences(self, text: str, reviews: Sequence[Review], evidence: dict[str, _Evidence]) -> None:
        """A sentence a review says word for word supports each of its clauses ("너무 아름답고
        감동적인 영화" quoted: "너무 아름답다" is that review's claim even if rewritten)."""
        for sentence in self._splitter.sentences(text):
            ids = quoting_reviews(sentence, reviews)
            for claim in self._splitter.claims(sentence) if ids else ():
                if claim in evidence:
                    evidence[claim].quoted(ids)

    def _evidence(self, claims: Sequence[str], packs: Sequence[_Pack]) -> dict[str, _Evidence]:
        hyps = {c: claim_core(c) for c in claims}
        pairs = [(c, pack) for c in claims for pack in packs]
        scores = self._scorer.score([(premise.text, hyps[c]) for c, (premise, _) in pairs])
        evidence = {c: _Evidence() for c in claims}
        drilled: list[tuple[str, _Pack, NliScores]] = []
        for (claim, pack), score in zip(pairs, scores, strict=True):
            if len(pack[0].review_ids) > 1 and self._decisive(score):
                drilled.append((claim, pack, score))
            else:
                evidence[claim].add(pack[0].review_ids, score, self._settings)
        self._drill(evidence, drilled, hyps)
        return evidence

    def _decisive(self, score: NliScores) -> bool:
        s = self._settings
        return score.entailment >= s.entailment_threshold or score.contradiction >= s.contradiction_threshold

    def _drill(
        self,
        evidence: dict[str, _Evidence],
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
            alone = _Evidence()
            for chunk in chunks:
                alone.add((chunk.review_id,), next(scores), self._settings)
            target = evidence[claim]
            target.merge(alone)
            if not alone.supporting and not alone.contradicting:
                target.add(premise.review_ids, pack_score, self._settings)
            else:
                target.entailment = max(target.entailment, pack_score.entailment)

    def _verdict(self, text: str, claims: Sequence[str], evidence: dict[str, _Evidence]) -> CandidateCheck:
        supports = tuple(self._support(c, evidence[c]) for c in claims)
        score = min((s.entailment if s.passed else 0.0 for s in supports), default=0.0)
        passed = (
            bool(supports) and all(s.passed for s in supports) and score >= self._settings.summary_threshold
        )
        return CandidateCheck(text, supports, score, passed)

    def _support(self, claim: str, found: _Evidence) -> ClaimSupport:
        supporting, contradicting = tuple(found.supporting), tuple(found.contradicting)
        contradicted = bool(contradicting) and len(contradicting) >= len(supporting)
        passed = found.entailment >= self._settings.entailment_threshold and not contradicted
        return ClaimSupport(claim, found.entailment, found.contradiction, supporting, contradicting, passed)
