"""What the reader reads of a passage: the sentences nearest the question, within a budget.

The reader's time grows with the tokens it reads (about 2,300 tokens/s on 2 cores in float32:
three whole KorQuAD paragraphs take p50 365 ms). Most answers sit in a sentence that shares
the question's content words, so a passage is cut to its sentences with the most content
terms in common with the question, kept in passage order, up to ``max_chars`` characters (the
best sentence always, whatever its length). ``max_chars`` 0 reads the whole passage. With a
shared budget (``total_chars``) the sentences are chosen across all passages at once, and a
passage with none chosen is not read at all (the service's default: 250 characters in all).

A sentence's closeness is the number of the question's content terms (`terms`) it holds: as
one of its own analysed terms, or written in it (a noun, or a verb stem without 다, of two
characters or more: "창제하" in "창제하였다"). `surface_sentences` cuts passages at sentence
punctuation and gives no terms, so only the written match counts: no morphological analysis of
the passages at question time (Kiwi's one pass per passage, `kiwi_text.sentence_terms`, took
about 17 ms of a factoid answer for three encyclopedia paragraphs). `split_terms` builds an
analyser from a splitter and a term tokenizer (tests, fakes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from services.free_qa.chunking import regex_sentences
from services.free_qa.evidence import Splitter, Terms

# texts -> each text's sentences with their content terms, in order.
SentenceTerms = Callable[[Sequence[str]], list[list[tuple[str, list[str]]]]]


def split_terms(split: Splitter, terms: Terms) -> SentenceTerms:
    """A `SentenceTerms` that splits each text and tokenizes each sentence on its own."""

    def analyse(texts: Sequence[str]) -> list[list[tuple[str, list[str]]]]:
        return [[(s, terms(s)) for s in split(text)] for text in texts]

    return analyse


def surface_sentences(texts: Sequence[str]) -> list[list[tuple[str, list[str]]]]:
    """A `SentenceTerms` without analysis: each text cut as ingest cuts chunks
    (`chunking.regex_sentences`: after sentence punctuation, at line breaks), every sentence with
    no terms of its own (see the module)."""
    return [[(s, []) for s in regex_sentences(text)] for text in texts]


def _asked(question: str, terms: Terms) -> list[tuple[str, str]]:
    """The question's terms, each with the form looked for in a sentence's text."""
    return [(t, t[:-1] if t.endswith("다") and len(t) >= 3 else t) for t in dict.fromkeys(terms(question))]


def _overlap(asked: Sequence[tuple[str, str]], sentence: str, words: Sequence[str]) -> int:
    """How many asked terms the sentence holds, as an analysed term or written in it."""
    own, lowered = set(words), sentence.lower()
    return sum(1 for term, written in asked if term in own or (len(written) >= 2 and written in lowered))


def focus_contexts(
    question: str,
    texts: Sequence[str],
    *,
    analyse: SentenceTerms,
    terms: Terms,
    max_chars: int,
    total_chars: int = 0,
) -> list[str]:
    """Each passage text cut to its sentences sharing the most content terms with `question`
    (see the module), in order; passages within the budget are read whole.

    With ``total_chars`` the passages share one budget instead: the sentences nearest the
    question across all passages (ties to the earlier passage), at most ``max_chars`` of a
    passage (0: no cap), ``total_chars`` in all, the best one always; a passage with no sentence
    kept reads as "" (the reader skips it).
    """
    if total_chars > 0:
        return _shared_budget(question, texts, analyse, terms, max_chars, total_chars)
    if max_chars <= 0:
        return list(texts)
    long = list(dict.fromkeys(t for t in texts if len(t) > max_chars))
    if not long:
        return list(texts)
    analysed = dict(zip(long, analyse(long), strict=True))
    asked = _asked(question, terms)
    return [_cut(analysed[t], asked, max_chars) if len(analysed.get(t, ())) > 1 else t for t in texts]


def _cut(sentences: Sequence[tuple[str, list[str]]], asked: Sequence[tuple[str, str]], max_chars: int) -> str:
    """The sentences sharing the most `asked` terms, in order, within `max_chars` (the best always)."""
    shared = [_overlap(asked, sentence, words) for sentence, words in sentences]
    order = sorted(range(len(sentences)), key=lambda i: (-shared[i], i))
    kept: set[int] = set()
    used = 0
    for i in order:
        size = len(sentences[i][0]) + (1 if kept else 0)
        if kept and used + size > max_chars:
            continue
        kept.add(i)
        used += size
    return " ".join(sentences[i][0] for i in sorted(kept))


def _shared_budget(
    question: str,
    texts: Sequence[str],
    analyse: SentenceTerms,
    terms: Terms,
    max_chars: int,
    total_chars: int,
) -> list[str]:
    """`focus_contexts` with one budget over all passages (see there)."""
    analysed = analyse(list(texts))
    asked = _asked(question, terms)
    scored = [
        (-_overlap(asked, sentence, words), p, i, len(sentence))
        for p, sentences in enumerate(analysed)
        for i, (sentence, words) in enumerate(sentences)
    ]
    kept: set[tuple[int, int]] = set()
    per_passage = [0] * len(texts)
    total = 0
    for _, p, i, size in sorted(scored):
        fits = total + size <= total_chars and (max_chars <= 0 or per_passage[p] + size <= max_chars)
        if kept and not fits:
            continue
        kept.add((p, i))
        per_passage[p] += size
        total += size
    return [
        " ".join(s for i, (s, _) in enumerate(sentences) if (p, i) in kept)
        for p, sentences in enumerate(analysed)
    ]
