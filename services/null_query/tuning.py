"""The `null-query-rewrite` tuning task: a noisy Korean query (and its session) -> the query meant.

Clean queries are product- and entity-like: the catalog's titles plus short noun phrases
(1-4 words, 2-20 characters) cut by Kiwi from KLUE-NLI train premises and NSMC reviews in
`../shared/data` (read in place, never copied into the repository). Each clean query gets a
few noisy forms drawn from `noise.NOISES` and `noise.TRAINING_NOISES`; about 30 % of the
examples carry a session (earlier queries, clicked titles), sometimes related to the query and
sometimes not, so the adapter learns to use context without copying it. The prompt is
`prompt.build_adapter_prompt`, the target " <clean query>\\n" (the server stops at "\\n").

The held-out benchmarks (KorQuAD titles, kiwi-typo-eval, kiwi-space-eval) are never read.
The dev split is cut by clean query, so no clean query is both trained on and measured.
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from searchlm import text
from searchlm.tune.types import TaskSplit, TuneExample
from services.null_query.noise import NOISES, TRAINING_NOISES
from services.null_query.prompt import build_adapter_prompt

DEFAULT_DATA_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "data"
CATALOG = Path(__file__).parent / "data" / "catalog.jsonl"
KLUE_TRAIN = Path("klue-nli") / "klue-nli-v1.1_train.json"
NSMC_RAW = Path("nsmc-raw-sample") / "raw"
ALL_NOISES = {**NOISES, **TRAINING_NOISES}

# Noun-like morphemes a product or entity name is made of (numbers and Latin for models: S24).
_NOUNISH = frozenset({"NNG", "NNP", "NR", "SL", "SN", "SH", "XPN", "XSN"})
_CLEAN = re.compile(r"[가-힣A-Za-z0-9][가-힣A-Za-z0-9 .+&-]*")


def catalog_titles(path: Path = CATALOG) -> list[str]:
    """Titles of a catalog JSONL file (`{id, title, ...}` per line), in file order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["title"] for line in lines if line.strip()]


def corpus_texts(data_dir: Path) -> tuple[list[str], list[str]]:
    """(edited, reviews): KLUE-NLI train premises of the edited genres; NSMC reviews.

    Reviews are KLUE's NSMC-genre premises plus the raw NSMC sample; each list is distinct
    and in file order.

    Raises:
        FileNotFoundError: naming the missing file when `data_dir` lacks either set.
    """
    klue, nsmc = data_dir / KLUE_TRAIN, data_dir / NSMC_RAW
    for path in (klue, nsmc):
        if not path.exists():
            raise FileNotFoundError(f"{path} not found: the task reads ../shared/data beside the repository")
    rows = json.loads(klue.read_text(encoding="utf-8"))
    edited = [r["premise"] for r in rows if r.get("genre") != "NSMC"]
    reviews = [r["premise"] for r in rows if r.get("genre") == "NSMC"]
    for item in sorted(nsmc.glob("*.json")):
        reviews += [row["review"] for row in json.loads(item.read_text(encoding="utf-8"))]
    return _distinct(edited), _distinct(reviews)


def _distinct(texts: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(t.strip() for t in texts if t.strip()))


_BOUNDARY_TAGS = ("J", "E", "VCP", "XSV", "XSA", "SF", "SP", "SS", "SE", "SO", "SW")


def _joins(run: Sequence[text.Token], token: text.Token, sentence: str) -> bool:
    """Whether `token` continues the noun run (touching or one space apart; counters after numbers)."""
    if token.tag not in _NOUNISH and not (token.tag == "NNB" and run and run[-1].tag in ("SN", "NR")):
        return False
    return not run or sentence[run[-1].end : token.start] in ("", " ")


def _runs(sentence: str, tokens: Sequence[text.Token]) -> Iterable[list[text.Token]]:
    """Maximal noun-like runs that start at a word start and end before a particle, ending or break."""
    run: list[text.Token] = []
    for token in [*tokens, None]:
        if token is not None and _joins(run, token, sentence):
            run.append(token)
            continue
        if run and _whole(run, token, sentence):
            yield run
        run = [token] if token is not None and _joins([], token, sentence) else []


def _whole(run: Sequence[text.Token], following: text.Token | None, sentence: str) -> bool:
    """The run is not cut out of a longer word (갤럭시 out of 갤럭시아, 취임 1 out of 취임 1주년)."""
    start, end = run[0].start, run[-1].end
    if start > 0 and sentence[start - 1].isalnum():
        return False
    at_break = end >= len(sentence) or not sentence[end].isalnum()
    return at_break or (following is not None and following.tag.startswith(_BOUNDARY_TAGS))


def _is_query_like(tokens: Sequence[text.Token], phrase: str, max_words: int, max_chars: int) -> bool:
    """Short, plainly written, naming something: a name, a compound, or a noun of 3+ syllables.

    Bare dates and counts (2012년 8월, 7만 명) and common two-syllable nouns alone (가정,
    세대) are not what people search for and fail to find.
    """
    hangul = sum("가" <= ch <= "힣" for ch in phrase)
    named = any(t.tag in ("NNG", "NNP", "SL") and len(t.form) >= 2 for t in tokens)
    specific = len(tokens) >= 2 or tokens[0].tag in ("NNP", "SL") or len(phrase) >= 3
    return (
        named
        and specific
        and hangul >= 2
        and len(phrase) <= max_chars
        and len(phrase.split()) <= max_words
        and _CLEAN.fullmatch(phrase) is not None
    )


def _plainly_written(phrase: str) -> bool:
    """Kiwi would neither re-space the phrase nor correct a typo in it (줄거리자체, 재밋네 fail)."""
    if text.space(phrase) != phrase:
        return False
    plain = [t.form for t in text.analyze(phrase)[0][0]]
    return plain == [t.form for t in text.analyze(phrase, typos="basic")[0][0]]


def noun_phrases(
    texts: Sequence[str], *, user_written: bool = False, max_words: int = 4, max_chars: int = 20
) -> list[str]:
    """Distinct short noun phrases of `texts` (Kiwi through `searchlm.text`), first seen first.

    Args:
        texts: Sentences or reviews.
        user_written: Reviews and the like, often unspaced, misspelt or slang: a phrase must
            then occur in 2+ texts and be plainly written (`_plainly_written`). Edited text
            (news, encyclopedia, policy) is taken as spelt, compounds written together included.
        max_words: Most words in a phrase.
        max_chars: Most characters in a phrase.
    """
    seen: Counter[str] = Counter()
    for sentence, tokens in zip(texts, text.tokenize_many(texts), strict=True):
        phrases = {sentence[run[0].start : run[-1].end]: run for run in _runs(sentence, tokens)}
        seen.update(p for p, run in phrases.items() if _is_query_like(run, p, max_words, max_chars))
    if not user_written:
        return list(seen)
    return [p for p, n in seen.items() if n >= 2 and _plainly_written(p)]


def noisy_forms(clean: str, rng: random.Random, count: int) -> list[tuple[str, str]]:
    """Up to `count` (noise name, noisy query) pairs, each from a different noise type."""
    names = sorted(ALL_NOISES)
    rng.shuffle(names)
    out: list[tuple[str, str]] = []
    for name in names:
        noisy = ALL_NOISES[name](clean, rng)
        if noisy and noisy.strip() and noisy != clean and noisy not in {n for _, n in out}:
            out.append((name, noisy))
        if len(out) == count:
            break
    return out


def _related_title(clean: str, others: Sequence[str], rng: random.Random) -> str:
    """A title containing the clean query (what a user clicked when a search worked)."""
    extra = rng.choice(rng.choice(others).split())
    return f"{clean} {extra}" if rng.random() < 0.7 else f"{extra} {clean}"


def _session(
    clean: str, retries: Sequence[str], others: Sequence[str], rng: random.Random
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(previous queries, clicked titles): retries of the query, related titles, distractors."""
    kind = rng.choice(("previous", "previous", "clicked", "both"))
    previous: list[str] = []
    clicked: list[str] = []
    if kind != "clicked":
        if retries and rng.random() < 0.5:
            previous.append(rng.choice(retries))
        if not previous or rng.random() < 0.3:
            previous.insert(0, rng.choice(others))
    if kind != "previous":
        related = rng.random() < 0.6
        clicked.append(_related_title(clean, others, rng) if related else rng.choice(others))
    return tuple(previous), tuple(clicked)


@dataclass(frozen=True)
class NullQueryRewriteTask:
    """Noisy query (+ session) -> clean query, from catalog titles and corpus noun phrases.

    Attributes:
        data_dir: The shared data folder (KLUE-NLI train, NSMC raw sample).
        catalog: Catalog JSONL whose titles are always in the training side.
        max_queries: Clean corpus phrases kept (sampled by seed), dev ones included.
        variants_per_query: Noisy forms per clean query (each a different noise type).
        dev_queries: Clean corpus phrases held out for the dev split.
        context_share: Share of examples given a session.
    """

    data_dir: Path = DEFAULT_DATA_DIR
    catalog: Path = CATALOG
    max_queries: int = 8000
    variants_per_query: int = 4
    dev_queries: int = 300
    context_share: float = 0.3

    @property
    def name(self) -> str:
        """Registry name."""
        return "null-query-rewrite"

    @property
    def description(self) -> str:
        """One line for listings and the model card."""
        return "noisy Korean search query (+ session) -> the query meant, one line"

    def __post_init__(self) -> None:
        if self.max_queries <= self.dev_queries or self.dev_queries < 1:
            raise ValueError("max_queries must exceed dev_queries, and dev_queries be at least 1")
        if not 1 <= self.variants_per_query <= len(ALL_NOISES) or not 0 <= self.context_share <= 1:
            raise ValueError(f"variants_per_query must be 1-{len(ALL_NOISES)}, context_share 0-1")

    def clean_queries(self, seed: int) -> tuple[list[str], list[str]]:
        """(train, dev) clean queries: catalog titles + sampled phrases; dev from phrases only."""
        titles = catalog_titles(self.catalog)
        edited, reviews = corpus_texts(self.data_dir)
        found = dict.fromkeys(noun_phrases(edited) + noun_phrases(reviews, user_written=True))
        for title in titles:
            found.pop(title, None)
        phrases = list(found)
        rng = random.Random(f"{seed}:queries")
        rng.shuffle(phrases)
        phrases = phrases[: self.max_queries]
        return titles + phrases[self.dev_queries :], phrases[: self.dev_queries]

    def _examples(
        self, cleans: Sequence[str], others: Sequence[str], seed: int, counts: Counter[str]
    ) -> list[TuneExample]:
        out = []
        for clean in cleans:
            rng = random.Random(f"{seed}:{clean}")
            forms = noisy_forms(clean, rng, self.variants_per_query)
            for name, noisy in forms:
                previous: tuple[str, ...] = ()
                clicked: tuple[str, ...] = ()
                if rng.random() < self.context_share:
                    retries = [n for _, n in forms if n != noisy]
                    previous, clicked = _session(clean, retries, others, rng)
                    counts["with_session"] += 1
                counts[f"noise_{name}"] += 1
                out.append(TuneExample(build_adapter_prompt(noisy, previous, clicked), f" {clean}\n"))
        random.Random(f"{seed}:order:{len(out)}").shuffle(out)
        return out

    def split(self, seed: int) -> TaskSplit:
        """Train and dev examples for `seed`; dev clean queries never appear in train."""
        train_q, dev_q = self.clean_queries(seed)
        counts: Counter[str] = Counter(train_queries=len(train_q), dev_queries=len(dev_q))
        # Distractors come from the training side only, so dev answers never reach a train prompt.
        train = self._examples(train_q, train_q, seed, counts)
        dev = self._examples(dev_q, train_q, seed, Counter())
        sources = (
            f"{len(catalog_titles(self.catalog))} titles of {self.catalog.name} (null_query demo catalog)",
            f"noun phrases (Kiwi) of {KLUE_TRAIN.as_posix()} premises (edited genres) and of NSMC "
            f"reviews (its NSMC genre and {NSMC_RAW.as_posix()}/*.json; in 2+ reviews, plainly written) "
            "in ../shared/data",
            f"noises: {', '.join(sorted(ALL_NOISES))}; {self.context_share:.0%} with a session",
        )
        return TaskSplit(tuple(train), tuple(dev), sources, dict(counts))


TASK = NullQueryRewriteTask()
