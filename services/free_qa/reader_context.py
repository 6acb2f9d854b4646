"""What the reader reads of a passage: the sentences nearest the question, within a budget.

The reader's time grows with the tokens it reads (about 2,300 tokens/s on 2 cores in float32:
three whole KorQuAD paragraphs take p50 365 ms). Most answers sit in a sentence that shares
the question's content words, so a passage is cut to its sentences with the most content
terms in common with the question, kept in passage order, up to ``max_chars`` characters (the
best sentence always, whatever its length). ``max_chars`` 0 reads the whole passage. With a
shared budget (``total_chars``) the sentences are chosen across all passages at once, and a
passage with none chosen is not read at all (the service's default: 250 characters in all).

The passages are analysed in one batch (`SentenceTerms`: Kiwi's one pass per passage in
production, `kiwi_text.sentence_terms`); `split_terms` builds one from a splitter and a term
tokenizer (tests, fakes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from services.free_qa.evidence import Splitter, Terms

# texts -> each text's sentences with their content terms, in order.
SentenceTerms = Callable[[Sequence[str]], list[list[tuple[str, list[str]]]]]


def split_terms(split: Splitter, terms: Terms) -> SentenceTerms:
    """A `SentenceTerms` that splits each text and tokenizes each sentence on its own."""

    def analyse(texts: Sequence[str]) -> list[list[tuple[str, list[str]]]]:
        return [[(s, terms(s)) for s in split(text)] for text in texts]

    return analyse


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
    asked = set(terms(question))
    return [_cut(analysed[t], asked, max_chars) if len(analysed.get(t, ())) > 1 else t for t in texts]


def _cut(sentences: Sequence[tuple[str, list[str]]], asked: set[str], max_chars: int) -> str:
    """The sentences sharing the most `asked` terms, in order, within `max_chars` (the best always)."""
    shared = [len(asked & set(words)) for _, words in sentences]
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
    asked = set(terms(question))
    scored = [
        (-len(asked & set(words)), p, i, len(sentence))
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
