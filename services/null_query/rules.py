"""Korean-aware rule candidates, from a registry of small rules.

Two stages. *Re-typing* rules (split-jamo recomposition, keyboard layout) give base forms of
the query; *repair* rules (spacing, lexicon typo, Kiwi typo, session context) then run on the
query and on every base form, so mixed noise (English-mode typing *and* a missing space)
is still repaired. Every candidate is later verified against the index.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import islice

from services.null_query import hangul
from services.null_query.korean import KiwiRepairs
from services.null_query.lexicon import JamoLexicon
from services.null_query.types import Candidate, RewriteType

_PRIORS = {
    RewriteType.JAMO: 0.95,
    RewriteType.KEYBOARD: 0.95,
    RewriteType.SPACING: 0.85,
    RewriteType.TYPO: 0.75,
    RewriteType.CONTEXT: 0.6,
    RewriteType.LM: 0.5,
}


@dataclass(frozen=True)
class RuleInput:
    """What a rule sees: the text to repair and the session context."""

    text: str
    lexicon: JamoLexicon
    kiwi: KiwiRepairs
    context_words: tuple[str, ...] = ()


Rule = Callable[[RuleInput], list[Candidate]]


def _cand(text: str, kind: RewriteType, distance: int = 0, prior: float | None = None) -> Candidate:
    return Candidate(" ".join(text.split()), kind, distance, _PRIORS[kind] if prior is None else prior)


def jamo_rule(inp: RuleInput) -> list[Candidate]:
    """Loose jamo re-typed into syllables: ㅅㅏㅁ성 갤럭시 -> 삼성 갤럭시."""
    if not any(hangul.is_jamo(ch) for ch in inp.text):
        return []
    return [_cand(hangul.recompose(inp.text), RewriteType.JAMO)]


def _convert_words(words: Sequence[str], convert: Callable[[str], str | None]) -> list[str | None]:
    return [convert(w) for w in words]


def _ko_from_latin(word: str, lexicon: JamoLexicon) -> str | None:
    """Letter runs converted where they make whole syllables (2010sus -> 2010년); None if none do."""
    return None if word.lower() in lexicon else hangul.english_mode_runs(word)


def _latin_from_ko(word: str, lexicon: JamoLexicon) -> str | None:
    latin = hangul.hangul_to_latin(word) if word not in lexicon else None
    return latin if latin and latin in lexicon else None


def keyboard_rule(inp: RuleInput) -> list[Candidate]:
    """Words typed in the wrong keyboard mode, both ways: tkatjd -> 삼성, ㅑㅔㅙㅜㄷ -> iphone."""
    words = inp.text.split()
    out: list[Candidate] = []
    for convert in (lambda w: _ko_from_latin(w, inp.lexicon), lambda w: _latin_from_ko(w, inp.lexicon)):
        converted = _convert_words(words, convert)
        changed = [i for i, c in enumerate(converted) if c]
        if not changed:
            continue
        out.append(
            _cand(" ".join(c or w for c, w in zip(converted, words, strict=True)), RewriteType.KEYBOARD)
        )
        if len(changed) > 1:
            for i in changed:
                out.append(
                    _cand(" ".join([*words[:i], converted[i] or "", *words[i + 1 :]]), RewriteType.KEYBOARD)
                )
    return out


def _lexicon_joins(words: list[str], lexicon: JamoLexicon) -> list[str]:
    out = []
    for i in range(len(words) - 1):
        joined = words[i] + words[i + 1]
        if joined in lexicon:
            out.append(" ".join([*words[:i], joined, *words[i + 2 :]]))
    return out


def _lexicon_splits(words: list[str], lexicon: JamoLexicon) -> list[str]:
    out = []
    for i, word in enumerate(words):
        if word in lexicon:
            continue
        for cut in range(1, len(word)):
            if word[:cut] in lexicon and word[cut:] in lexicon:
                out.append(" ".join([*words[:i], word[:cut], word[cut:], *words[i + 1 :]]))
    return out


def spacing_rule(inp: RuleInput) -> list[Candidate]:
    """Spaces added or removed: Kiwi's spacing model, joins and splits into vocabulary words."""
    words = inp.text.split()
    texts = [
        *inp.kiwi.spaced(inp.text),
        *_lexicon_joins(words, inp.lexicon),
        *_lexicon_splits(words, inp.lexicon),
    ]
    if len(words) > 1:
        texts.append("".join(words))
    return [_cand(t, RewriteType.SPACING) for t in texts]


def lexicon_rule(inp: RuleInput) -> list[Candidate]:
    """Unknown words replaced by vocabulary words within 1-2 keystroke edits (SymSpell)."""
    words = inp.text.split()
    options = {i: inp.lexicon.lookup(w) for i, w in enumerate(words) if w not in inp.lexicon}
    options = {i: fixes for i, fixes in options.items() if fixes}
    out = []
    for i, fixes in options.items():
        for fix in fixes:
            text = " ".join([*words[:i], fix.word, *words[i + 1 :]])
            out.append(_cand(text, RewriteType.TYPO, fix.distance))
    if len(options) > 1:
        best = {i: fixes[0] for i, fixes in options.items()}
        text = " ".join(best[i].word if i in best else w for i, w in enumerate(words))
        out.append(_cand(text, RewriteType.TYPO, sum(f.distance for f in best.values())))
    return out


def kiwi_typo_rule(inp: RuleInput) -> list[Candidate]:
    """Kiwi's typo-tolerant morpheme analysis, re-joined to text."""
    flat = inp.text.replace(" ", "")
    return [
        _cand(t, RewriteType.TYPO, hangul.jamo_distance(flat, t.replace(" ", "")), prior=0.7)
        for t in inp.kiwi.typo_fixes(inp.text)
    ]


def context_rule(inp: RuleInput) -> list[Candidate]:
    """Words of the session's earlier queries and clicks added: 갤럭시 s24 + 케이스."""
    present = set(inp.text.lower().split())
    extra = [w for w in inp.context_words if w.lower() not in present]
    out = []
    for word in islice(dict.fromkeys(extra), 4):
        out += [
            _cand(f"{inp.text} {word}", RewriteType.CONTEXT),
            _cand(f"{word} {inp.text}", RewriteType.CONTEXT),
        ]
    return out


RETYPE_RULES: dict[str, Rule] = {"jamo": jamo_rule, "keyboard": keyboard_rule}
REPAIR_RULES: dict[str, Rule] = {
    "spacing": spacing_rule,
    "lexicon": lexicon_rule,
    "kiwi_typo": kiwi_typo_rule,
    "context": context_rule,
}


def _retyped(candidate: Candidate, repair: Candidate) -> Candidate:
    """A repair of a re-typed base keeps the base's type (it was the main error)."""
    prior = min(candidate.prior, repair.prior) + 0.05
    return Candidate(repair.text, candidate.type, candidate.distance + repair.distance, prior)


def rule_candidates(inp: RuleInput, *, enabled: Sequence[str] | None = None) -> list[Candidate]:
    """All candidates of the enabled rules (all by default), unverified and possibly repeated."""
    names = set(enabled) if enabled is not None else set(RETYPE_RULES) | set(REPAIR_RULES)
    bases = [c for name, rule in RETYPE_RULES.items() if name in names for c in rule(inp)]
    out = list(bases)
    for base in [None, *bases]:
        sub = inp if base is None else RuleInput(base.text, inp.lexicon, inp.kiwi, inp.context_words)
        for name, rule in REPAIR_RULES.items():
            if name in names:
                out += [r if base is None else _retyped(base, r) for r in rule(sub)]
    return out
