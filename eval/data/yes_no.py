"""A Korean yes/no development set built from KorQuAD 1.0 questions (true and false claims).

KorQuAD has no yes/no questions, but many of its questions end in a question word and the
copula ("...를 작곡한 사람은 누구인가?"). Putting the gold answer in the question word's place
gives a true claim ("...사람은 프레디 머큐리인가?"), putting a *same-type wrong answer from the
same paragraph* there gives a false one. Each question gives one true and one false item
(only questions with a wrong answer of the gold's type are kept, so the set is balanced):

* type ``number``: the gold contains a digit; the wrong answer is another number in the
  paragraph with the same trailing unit word (1984년 -> 1990년, 3천만 원 -> 5백만 원);
* type ``name``: the gold is a proper noun (Kiwi NNP); the wrong answer is another proper-noun
  run of the paragraph.

Neither may occur in the question, and neither may contain the other. Each item is asked in
one of :data:`FORMS` (chosen by the question id, so an item is the same on every run and
whatever the limit): the KorQuAD -인가?, -인가요?, -입니까?, -이야?, -이지?, -이죠?, "…이/가
맞나요?" and a plain declarative claim to check. Negative questions (…아니야?) are left out:
their 예/아니오 is ambiguous in Korean.

Passages: the gold paragraph among ``distractors`` other paragraphs of the same article, in
a seeded order (what a retriever's top passages of one article look like; retrieval itself
is bypassed). The split is the reader's KorQuAD split by article (`searchlm.reader.training.
data`): build from ``train``/``tune`` to choose thresholds, report on ``heldout``.
"""

from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from searchlm import text as korean
from searchlm.reader.training.data import QaExample, load_split

_QUESTION = re.compile(
    r"^(?P<pre>.*\S)\s+(?P<wh>누구|무엇|어디|언제|몇\s?[가-힣]+?|얼마)"
    r"(?P<tail>인가|입니까|인가요|일까|이었는가|였는가|이었나|였나|인지)?\s*[?？]?\s*$"
)
_NUMBER = re.compile(r"\d[\d,.]*\s?(?:[십백천만억]+\s?)?[가-힣]+")
_AMOUNT = re.compile(r"^[\d,.\s십백천만억]+")


def _has_final_consonant(word: str) -> bool:
    """Whether the last Hangul syllable has a final consonant (non-Hangul counts as one)."""
    last = word.rstrip()[-1:]
    if not ("가" <= last <= "힣"):
        return True
    return (ord(last) - 0xAC00) % 28 != 0


def _copula(answer: str, consonant: str, vowel: str) -> str:
    return answer + (consonant if _has_final_consonant(answer) else vowel)


#: Surface forms: name -> builds the yes/no question from (prefix, answer).
FORMS: dict[str, Callable[[str, str], str]] = {
    "인가?": lambda pre, a: f"{pre} {a}인가?",
    "인가요?": lambda pre, a: f"{pre} {a}인가요?",
    "입니까?": lambda pre, a: f"{pre} {a}입니까?",
    "이야?": lambda pre, a: f"{pre} {_copula(a, '이야', '야')}?",
    "이지?": lambda pre, a: f"{pre} {_copula(a, '이지', '지')}?",
    "이죠?": lambda pre, a: f"{pre} {_copula(a, '이죠', '죠')}?",
    "맞나요?": lambda pre, a: f"{pre} {_copula(a, '이', '가')} 맞나요?",
    "statement": lambda pre, a: f"{pre} {_copula(a, '이다', '다')}.",
}


@dataclass(frozen=True)
class YesNoItem:
    """One yes/no question over a few passages.

    Attributes:
        qid: KorQuAD question id, with ``:yes`` or ``:no``.
        question: the yes/no question (or claim) as a user would type it.
        source_question: the KorQuAD question it came from.
        claimed: the answer put in the question word's place.
        gold_yes: whether the passages say yes.
        answer_type: ``number`` or ``name``.
        form: the key of :data:`FORMS` used.
        passages: the gold paragraph among distractor paragraphs of the same article.
        gold_passage: index of the gold paragraph in ``passages``.
    """

    qid: str
    question: str
    source_question: str
    claimed: str
    gold_yes: bool
    answer_type: str
    form: str
    passages: tuple[str, ...]
    gold_passage: int


def _name_runs(text: str) -> list[str]:
    """Maximal runs of proper nouns (NNP, with spaces between them kept) in a text."""
    runs, start, end = [], None, None
    for t in korean.tokenize(text):
        if t.tag == "NNP" and (end is None or t.start - end <= 1):
            start = t.start if start is None else start
            end = t.start + t.len
            continue
        if start is not None and end is not None:
            runs.append(text[start:end])
        start = end = None
        if t.tag == "NNP":
            start, end = t.start, t.start + t.len
    if start is not None and end is not None:
        runs.append(text[start:end])
    return runs


def _unit(answer: str) -> str | None:
    """The unit word after an answer's last number ("3천만 원" -> "원"), or None."""
    matches = list(_NUMBER.finditer(answer))
    return _AMOUNT.sub("", matches[-1].group(0)) if matches else None


def _numbers_with_unit(text: str, unit: str) -> list[str]:
    """Numbers of a text followed by `unit` (a particle after it is cut: 1974년에 -> 1974년)."""
    found = []
    for m in _NUMBER.finditer(text):
        amount = _AMOUNT.match(m.group(0))
        rest = m.group(0)[amount.end() :] if amount else ""
        if amount and rest.startswith(unit):
            found.append(amount.group(0) + unit)
    return found


def answer_type(answer: str) -> str | None:
    """``number``, ``name`` or None (no wrong answer of a checkable type can be chosen)."""
    if any(c.isdigit() for c in answer):
        return "number" if _unit(answer) else None
    runs = _name_runs(answer)
    return "name" if runs and sum(len(r) for r in runs) >= 0.6 * len(answer.replace(" ", "")) else None


def wrong_answers(example: QaExample, kind: str) -> list[str]:
    """Answers of the gold's type found in the paragraph that are not the gold (sorted)."""
    gold = example.answer_text
    if kind == "number":
        found = _numbers_with_unit(example.context, _unit(gold) or "")
    else:
        found = _name_runs(example.context)
    squashed_gold = gold.replace(" ", "")
    return sorted(
        {
            c
            for c in found
            if c.replace(" ", "") not in squashed_gold
            and squashed_gold not in c.replace(" ", "")
            and c not in example.question
            and len(c) >= 2
        }
    )


def _form_of(qid: str) -> str:
    names = sorted(FORMS)
    return names[int(hashlib.sha256(qid.encode()).hexdigest(), 16) % len(names)]


def items_of(
    examples: Sequence[QaExample], paragraphs: dict[str, list[str]], *, distractors: int, seed: int
) -> list[YesNoItem]:
    """The true and false items of every usable question (see the module docstring)."""
    out: list[YesNoItem] = []
    for e in examples:
        match = _QUESTION.match(e.question.strip())
        kind = answer_type(e.answer_text) if match else None
        wrong = wrong_answers(e, kind) if match and kind else []
        if not match or not kind or not wrong:
            continue
        rng = random.Random(f"{seed}:{e.qid}")
        others = [p for p in paragraphs[e.title] if p != e.context]
        passages = rng.sample(others, min(distractors, len(others)))
        gold_at = rng.randrange(len(passages) + 1)
        passages.insert(gold_at, e.context)
        form = _form_of(e.qid)
        for gold_yes, claimed in ((True, e.answer_text), (False, rng.choice(wrong))):
            out.append(
                YesNoItem(
                    qid=f"{e.qid}:{'yes' if gold_yes else 'no'}",
                    question=FORMS[form](match.group("pre"), claimed),
                    source_question=e.question,
                    claimed=claimed,
                    gold_yes=gold_yes,
                    answer_type=kind,
                    form=form,
                    passages=tuple(passages),
                    gold_passage=gold_at,
                )
            )
    return out


def load_yes_no(
    data_dir: Path, splits: Sequence[str], *, distractors: int = 2, seed: int = 13
) -> list[YesNoItem]:
    """Yes/no items from the reader's KorQuAD article split(s) ``train``, ``tune``, ``heldout``."""
    split = load_split(data_dir, seed=13, heldout_fraction=0.2, tune_fraction=0.1)
    examples = [e for name in splits for e in split.examples(name)]
    paragraphs: dict[str, list[str]] = {}
    for name in ("train", "tune", "heldout"):
        for e in split.examples(name):
            paragraphs.setdefault(e.title, [])
            if e.context not in paragraphs[e.title]:
                paragraphs[e.title].append(e.context)
    return items_of(examples, paragraphs, distractors=distractors, seed=seed)
