"""Evidence checks: does a passage support an answer, which sentences answer a question,
and is a yes/no question's statement entailed or contradicted."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from searchlm.injection import looks_like_instruction
from searchlm.nli.types import EntailmentScorer
from searchlm.nli.verdict import SHIPPED_THRESHOLDS, SourceTally, Thresholds, pair_verdict
from searchlm.nli.verdict import Verdict as NliVerdict
from searchlm.text import base_tag as _tag
from services.free_qa import kiwi_text
from services.free_qa.types import Morpheme

Terms = Callable[[str], list[str]]
Splitter = Callable[[str], list[str]]

# A yes/no question restated for NLI, read through Kiwi: the final ending gives way to the
# declarative 다, and Kiwi's join conjugates the stem again (가+는다 -> 간다, 하+었+다 -> 했다).
_PREDICATES = frozenset({"VV", "VA", "VX", "VCP", "VCN", "XSV", "XSA"})
# Endings that already close a statement: a claim to check keeps its own wording.
_STATEMENT_ENDS = frozenset({"다", "는다", "ᆫ다"})
# Pre-final endings after which a statement ends in plain 다 (했다, 오겠다), never 는다.
_TENSE = frozenset({"었", "았", "였", "었었", "겠"})
# Tails that only ask to confirm a claim said before them: 맞아?, 그렇지?, 사실이야?, 진짜예요?
_CONFIRMING = frozenset({("맞", "VV"), ("그렇", "VA")})
_CONFIRMING_NOUNS = frozenset({"사실", "진짜", "정말", "참"})
# Endings that quote that claim: 있다는 게, 포유류라던데, 받았다고 하던데.
_QUOTING = frozenset(
    {"다는", "라는", "ᆫ다는", "는다는", "란", "다던데", "라던데", "ᆫ다던데", "는다던데", "다는데", "라는데"}
    | {"다며", "라며", "다고", "라고", "ᆫ다고", "는다고"}
)
# Nouns that stand for the claim: 만든 게, 있다는 말이, 포유류라는 소문이.
_CLAIM_NOUNS = frozenset({"것", "거", "말", "얘기", "이야기", "소문", "주장"})
# Hearsay that carries a quote: (라고) 하던데, (다고) 들었는데.
_HEARSAY = frozenset({"던데", "는데", "ᆫ데", "더라"})
# Hedges that open a question and have no place in the claim: 혹시 해파리는 뇌가 있어?
_HEDGES = frozenset({"혹시", "과연", "설마"})


def _head(morphs: Sequence[Morpheme], end: int) -> int:
    """Index of the predicate stem the ending at `end` closes (pre-final endings skipped), -1 if none."""
    i = end - 1
    while i >= 0 and _tag(morphs[i]) == "EP":
        i -= 1
    return i if i >= 0 and _tag(morphs[i]) in _PREDICATES else -1


def _is_verb(morphs: Sequence[Morpheme], head: int) -> bool:
    """Whether the present statement ends in 는다 (먹는다, 간다) rather than 다 (크다, 있다, 수도이다)."""
    m = morphs[head]
    if _tag(m) == "VX" and m.form in ("않", "못하") and head >= 1 and morphs[head - 1].form == "지":
        stem = _head(morphs, head - 1)  # 끓지 않는다, 크지 않다: the negated predicate decides
        return stem >= 0 and _is_verb(morphs, stem)
    if _tag(m) == "VX":
        return m.form not in ("있", "없", "싶")  # 먹고 있다, 먹고 싶다; 먹어 본다
    # Kiwi tags 있 VV in 뇌가 있나요, but its statement is 있다 (있는다 means "stays").
    return _tag(m) in ("VV", "XSV") and m.form not in ("있", "없")


def _statement(text: str, morphs: Sequence[Morpheme], end: int, tense: str | None = None) -> str:
    """The text up to the ending at `end`, closed with 다 instead (tense, honorific 시, negation kept).

    `tense` adds a pre-final ending a modifier implied (만든 것 -> 만들었다).
    """
    ending = morphs[end]
    if ending.form in _STATEMENT_ENDS and _tag(ending) in ("EF", "EC") and tense is None:
        return text[: ending.end]
    head = _head(morphs, end)
    if head < 0:
        return text[: ending.end]  # nothing Kiwi can conjugate: keep the words as they are
    pre = [m.form for m in morphs[head + 1 : end]] + ([tense] if tense else [])
    final = "는다" if _is_verb(morphs, head) and not _TENSE.intersection(pre) else "다"
    start = head
    if (
        _tag(morphs[head]) == "VCP"
        and head >= 1
        and morphs[head + 1].start == morphs[head].start < ending.start
    ):
        start = head - 1  # 의사였어: Kiwi contracts 의사+이+었 to 의사였 only when it sees the noun
    pieces = [(m.form, m.tag) for m in morphs[start : head + 1]] + [(f, "EP") for f in pre] + [(final, "EF")]
    return text[: morphs[start].start] + kiwi_text.join(pieces)


def _modifier_tense(morphs: Sequence[Morpheme], etm: int) -> str | None:
    """The tense a modifier ending gives its claim: 만든 (past), 만들던 (past), 만들 (future), 만드는."""
    form = morphs[etm].form
    if form == "던":
        return "었"
    if form in ("ᆯ", "을"):
        return "겠"
    head = _head(morphs, etm)
    return "었" if form in ("ᆫ", "은") and head >= 0 and _is_verb(morphs, head) else None


def _claim_before(text: str, morphs: Sequence[Morpheme], i: int, *, named: bool, by: str) -> str | None:
    """The claim whose last morpheme is at `i`, before a confirming tail (None: no claim there)."""
    m = morphs[i]
    if m.form in _QUOTING and _tag(m) in ("ETM", "EC"):
        if i >= 2 and _tag(morphs[i - 1]) == "VCP" and morphs[i - 2].tag == "EF":
            return text[: morphs[i - 2].end]  # 있다라는: a statement quoted whole
        return _statement(text, morphs, i)
    if _tag(m) == "ETM" and named:
        return _statement(text, morphs, i, _modifier_tense(morphs, i))
    if m.form in _HEARSAY and _tag(m) in ("EF", "EC"):
        said = _head(morphs, i)
        quoted = said >= 1 and morphs[said].form in ("하", "듣") and morphs[said - 1].form in _QUOTING
        return _statement(text, morphs, said - 1) if quoted else None
    if _tag(m) == "EF" or (_tag(m) == "EC" and m.form in _STATEMENT_ENDS):
        return _statement(text, morphs, i)  # 지구는 둥글다, 맞지?
    # 고래가 포유류 맞지? -> 고래가 포유류이다; but 그 답이 맞아? (no subject before) is its own claim.
    subject_before = any(_tag(x) in ("JKS", "JX") for x in morphs[:i])
    if by == "맞" and not named and subject_before and _tag(m).startswith(("NN", "NP", "SN", "SL", "SH")):
        return text[: m.end] + "이다"
    return None


def _without_tail(text: str, morphs: Sequence[Morpheme], end: int) -> str | None:
    """The claim a confirming tail asks about (..라는 게 사실이야?, ..라던데 맞아?), or None."""
    head = _head(morphs, end)
    if head < 0:
        return None
    if (morphs[head].form, _tag(morphs[head])) in _CONFIRMING:
        tail = head
    elif _tag(morphs[head]) == "VCP" and head >= 1 and morphs[head - 1].form in _CONFIRMING_NOUNS:
        tail = head - 1
    else:
        return None
    i = tail - 1
    while i >= 0 and _tag(morphs[i]) in ("SP", "SF", "JKS", "JKC", "JX"):
        i -= 1
    named = i >= 0 and morphs[i].form in _CLAIM_NOUNS and _tag(morphs[i]) in ("NNB", "NNG")
    i -= int(named)
    return _claim_before(text, morphs, i, named=named, by=morphs[head].form) if i >= 0 else None


def declarative(question: str) -> str:
    """A yes/no question as the statement NLI checks ("해파리는 뇌가 있나요?" -> "해파리는 뇌가 있다.").

    Read with Kiwi: the final ending (EF) of any speech level gives way to the declarative,
    conjugated again by Kiwi's join: 다 after adjectives, the copula and a tense (크다,
    수도이다, 대통령이었다, 오겠다), 는다/ㄴ다 after verbs (먹는다, 간다). Tense, honorific 시
    (오셨다) and negation (안 했다, 못 난다, 끓지 않는다, 크지 않다, 물고기가 아니다) are kept:
    the verdict depends on them. A negated 않/못하 takes the verb's or adjective's form of the
    predicate before 지. A confirming tail is cut and the claim before it restated (에펠탑은
    파리에 있다라는 게 사실이야? -> 에펠탑은 파리에 있다.; 만든 게 맞아? -> 만들었다.), a claim
    already ending in 다 keeps its wording, and an opening 혹시/과연/설마 is dropped.

    Not handled: a mood the declarative cannot carry (conjecture -ㄹ까 becomes a plain present,
    비가 올까? -> 비가 온다.); the honorific inside 세요 (가세요? -> 간다.); words Kiwi mistags
    (짜지? read as the verb 짜다 "squeeze" gives 짠다); a question with no final ending
    (고래는 포유류?) is returned as it is, closed with a period, unless its copula is fused
    onto a name Kiwi does not know (대통령은 바샤르야? -> 대통령은 바샤르이다.).
    """
    text = question.strip()
    morphs = kiwi_text.morphemes(text)
    end = kiwi_text.final_ending(morphs)
    fused = kiwi_text.contracted_copula(text, morphs) if end is None else None
    if fused is not None:
        statement = text[:fused] + "이다"
    elif end is None:
        statement = text.rstrip("?？.!~ ")
    else:
        statement = _without_tail(text, morphs, end) or _statement(text, morphs, end)
    if len(morphs) > 1 and morphs[0].form in _HEDGES:
        statement = statement[morphs[1].start :]
    return statement.strip() + "."


def lexical_overlap(claim: str, premise: str, terms: Terms) -> float:
    """Share of the claim's content terms that occur in the premise (1.0 for a claim without terms)."""
    claim_terms = set(terms(claim))
    if not claim_terms:
        return 1.0
    return len(claim_terms & set(terms(premise))) / len(claim_terms)


def best_sentences(question: str, text: str, *, split: Splitter, terms: Terms, n: int = 1) -> list[str]:
    """The n sentences of `text` sharing most terms with the question, in text order.

    Passages are untrusted: a sentence that gives orders to a model is never quoted, and
    beyond the best one a sentence must share a term with the question to be added.
    """
    sentences = [s for s in split(text) if not looks_like_instruction(s)]
    if not sentences:
        return []
    wanted = set(terms(question))
    shared = [len(wanted & set(terms(s))) for s in sentences]
    ranked = sorted(range(len(sentences)), key=lambda i: -shared[i])
    chosen = [i for rank, i in enumerate(ranked[:n]) if rank == 0 or shared[i] > 0]
    return [sentences[i] for i in sorted(chosen)]


@dataclass(frozen=True)
class Support:
    """Whether the premises support a claim, and how sure the check is."""

    supported: bool
    confidence: float
    method: str


class SupportChecker:
    """An answer is supported when a cited passage contains it, or NLI says a passage entails it.

    Without an NLI scorer, lexical overlap stands in (weaker: it cannot see negation).

    Args:
        scorer: NLI model, or None.
        terms: Content-term tokenizer.
        thresholds: NLI pair thresholds (`searchlm.nli.verdict`); a claim is supported
            when its verdict over the premises is ``entailed``.
        min_overlap: Term overlap that counts as support without NLI.
    """

    def __init__(
        self,
        scorer: EntailmentScorer | None,
        terms: Terms,
        *,
        thresholds: Thresholds = SHIPPED_THRESHOLDS,
        min_overlap: float = 0.6,
    ) -> None:
        self._scorer, self._terms = scorer, terms
        self._thresholds, self._min_overlap = thresholds, min_overlap

    def check(self, claim: str, premises: Sequence[str]) -> Support:
        """Checks a claim (answer text without markers) against the cited premises."""
        if not claim.strip() or not premises:
            return Support(False, 0.0, "empty")
        squashed = claim.replace(" ", "")
        if any(squashed in p.replace(" ", "") for p in premises):
            return Support(True, 0.9, "contained")
        if self._scorer is not None:
            tally = _tally(self._scorer, claim, premises, self._thresholds)
            return Support(tally.verdict() is NliVerdict.ENTAILED, tally.entailment, "nli")
        overlap = max(lexical_overlap(claim, p, self._terms) for p in premises)
        return Support(overlap >= self._min_overlap, overlap, "overlap")


# The yes/no verdict's confidence floor, chosen on the training side of the KorQuAD yes/no set
# (`bench/free_qa_yes_no.py`, the reader's train+tune articles): the lowest threshold whose
# accuracy among answered questions is >= 0.80 there (0.81 at answer rate 0.29; held-out articles:
# 0.90 at answer rate 0.27).
YES_NO_MIN_CONFIDENCE = 0.76


@dataclass(frozen=True)
class Verdict:
    """A yes/no judgement: polarity, confidence and the premise that decided it."""

    yes: bool
    confidence: float
    premise_index: int


def _tally(
    scorer: EntailmentScorer, statement: str, premises: Sequence[str], thresholds: Thresholds
) -> SourceTally:
    """Each premise (its index as the source) on one side of the statement."""
    tally = SourceTally(thresholds)
    for i, score in enumerate(scorer.score([(p, statement) for p in premises])):
        tally.add((str(i),), score)
    return tally


def yes_no_premises(passages: Sequence[str], split: Splitter) -> list[tuple[int, str]]:
    """The sentences a yes/no statement is checked against, each with its passage's index.

    Sentences, not whole passages: NLI v2 was trained on sentence premises, and on the KorQuAD
    yes/no set sentence premises answer 0.27 of the questions at 0.90 accuracy where whole
    passages answer 0.08 (`bench/free_qa_yes_no.py`). A sentence that gives orders to a model
    is never a premise.
    """
    out = []
    for index, text in enumerate(passages):
        for sentence in split(text) or [text]:
            if sentence.strip() and not looks_like_instruction(sentence):
                out.append((index, sentence))
    return out


def judge_yes_no(
    scorer: EntailmentScorer,
    statement: str,
    premises: Sequence[str],
    min_confidence: float = YES_NO_MIN_CONFIDENCE,
) -> Verdict | None:
    """The most confident premise's verdict on a statement (`searchlm.nli.verdict.pair_verdict`).

    Every premise is scored; the one with the highest entailment or contradiction probability
    decides: ``entailed`` -> yes, ``contradicted`` -> no, at ``min_confidence`` for either side
    (one verdict per claim: a pair is never both). None (no NLI answer: the caller falls back
    or abstains) when no premise reaches it, or there are no premises. Measured against the
    claim-level rule (`SourceTally.verdict` over all premises) on the KorQuAD yes/no set, the
    most confident sentence answers more questions at the same accuracy.
    """
    if not premises:
        return None
    scores = scorer.score([(p, statement) for p in premises])
    best = max(range(len(scores)), key=lambda i: max(scores[i].entailment, scores[i].contradiction))
    decided = pair_verdict(scores[best], Thresholds(min_confidence, min_confidence))
    if decided is NliVerdict.NEUTRAL:
        return None
    yes = decided is NliVerdict.ENTAILED
    confidence = scores[best].entailment if yes else scores[best].contradiction
    return Verdict(yes=yes, confidence=confidence, premise_index=best)
