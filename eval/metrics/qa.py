"""QA metrics: KorQuAD 1.0 EM/F1, retrieval recall@k, yes/no answers.

EM and F1 reproduce KorQuAD 1.0's official ``evaluate-v1.0.py``, which differs
from SQuAD's in ways that change scores:

* ``' " 《 》 < > 〈 〉 ( ) ‘ ’`` become spaces *before* ASCII punctuation is
  deleted, so ``"(서울)"`` keeps word boundaries while ``"1,000"`` -> ``"1000"``.
* English articles are *not* removed.
* EM compares the normalised strings with single spaces: spacing matters.
* F1 counts characters, not words: whitespace is dropped and the multiset of
  remaining characters is compared.
"""

from __future__ import annotations

import re
import string
from collections import Counter
from collections.abc import Collection, Sequence

_SPACED_SYMBOLS = re.compile("['\"《》<>〈〉()‘’]")
_ASCII_PUNCTUATION = frozenset(string.punctuation)


def normalize_answer(text: str) -> str:
    """Normalise an answer exactly as KorQuAD 1.0's official script does."""
    text = _SPACED_SYMBOLS.sub(" ", text).lower()
    text = "".join(ch for ch in text if ch not in _ASCII_PUNCTUATION)
    return " ".join(text.split())


def exact_match(prediction: str, gold: str) -> float:
    """1.0 when the normalised strings are identical, else 0.0."""
    return float(normalize_answer(prediction) == normalize_answer(gold))


def char_f1(prediction: str, gold: str) -> float:
    """Character-level F1 after normalisation and whitespace removal."""
    predicted = list("".join(normalize_answer(prediction).split()))
    expected = list("".join(normalize_answer(gold).split()))
    same = sum((Counter(predicted) & Counter(expected)).values())
    if same == 0:
        return 0.0
    precision = same / len(predicted)
    recall = same / len(expected)
    return 2 * precision * recall / (precision + recall)


def best_exact_match(prediction: str, golds: Sequence[str]) -> float:
    """EM against the best-matching gold answer."""
    return max(exact_match(prediction, gold) for gold in golds)


def best_char_f1(prediction: str, golds: Sequence[str]) -> float:
    """F1 against the best-matching gold answer."""
    return max(char_f1(prediction, gold) for gold in golds)


def recall_at_k(retrieved: Sequence[str], gold: Collection[str], k: int) -> float:
    """Fraction of gold passages found among the first ``k`` retrieved ids."""
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    if not gold:
        raise ValueError("recall@k needs at least one gold passage id")
    found = set(retrieved[:k]) & set(gold)
    return len(found) / len(set(gold))


# First word of an answer -> polarity. Korean answers usually open with the
# particle ("네, ..."), so only the first normalised word is looked up.
_YES_NO_WORDS = {
    **dict.fromkeys(("예", "네", "응", "맞아요", "맞습니다", "그렇습니다", "yes", "true"), True),
    **dict.fromkeys(("아니요", "아니오", "아니", "아닙니다", "아뇨", "no", "false"), False),
}


def yes_no_polarity(answer: str) -> bool | None:
    """Return True for yes, False for no, None when the answer is neither."""
    words = normalize_answer(answer).split()
    return _YES_NO_WORDS.get(words[0]) if words else None
