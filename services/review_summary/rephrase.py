"""The LM's rephrasing of the panel's summary (issue 18, item 5).

When the model server carries a capable model (mode `lm`) or lists the tuned adapter (mode
`auto`, the default), the LM rewrites the **verified statements** as one sentence: its prompt
holds the statements and their counts, never a review. A rephrasing is served only when it
names every aspect the realiser's sentence said, says nothing twice, and passes the same NLI
gate as any LM summary (`FaithfulnessChecker.check` against the used reviews); otherwise the realiser's
sentence stays. Nothing here blocks the summary: no adapter, an LM error or a deadline leaves
the realiser's sentence, with a flag saying why.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass

from searchlm.errors import InvalidRequestError
from searchlm.lm.adapters import AdapterProbe
from searchlm.lm.types import LmClient, LmSampling
from services.review_summary.aspects import spacing_free
from services.review_summary.faithfulness import verbatim_key
from services.review_summary.generation import LM_FAILURES, lm_failure_flag
from services.review_summary.prompt import PROMPT_STYLES, clean_candidate
from services.review_summary.types import AspectOpinion

# mode -> what it means: off never asks the LM; auto asks it only under the tuned adapter (the
# embedded 270M base model invents content, see docs/review_summary.md); lm asks the served
# model itself (a capable model behind the model server).
REPHRASE_MODES = ("off", "auto", "lm")

_INSTRUCTION = (
    "다음은 여러 리뷰에서 확인된 의견과 그 의견을 말한 리뷰 수입니다. "
    "이 의견만 사용해 자연스러운 한 문장으로 요약하세요. 목록에 없는 내용은 쓰지 마세요."
)
# One worked example, written for the project (no product's reviews).
_EXAMPLE = (
    (
        ("배송이 빠르다", "positive", 7),
        ("음질이 좋다", "positive", 5),
        ("배터리가 아쉽다", "negative", 2),
    ),
    12,
    "배송이 빠르고 음질이 좋다는 평이 많지만, 배터리가 아쉽다는 의견도 있어요.",
)
_SIDE = {"positive": "긍정", "negative": "부정"}


@dataclass(frozen=True)
class RephraseSettings:
    """When and how the LM rephrases the panel's summary.

    Attributes:
        mode: off, auto (only under `adapter`, when the model server lists it) or lm (the
            served model, without an adapter).
        adapter: The LoRA adapter tuned for this task.
        candidates: Rephrasings asked for (the best that passes is served).
        max_tokens: Tokens per rephrasing.
        temperature: Sampling temperature (0: one greedy rephrasing).
        timeout_seconds: Longest wait for the LM call.
    """

    mode: str = "auto"
    adapter: str = "review-statements"
    candidates: int = 2
    max_tokens: int = 64
    temperature: float = 0.3
    timeout_seconds: float = 5.0

    def __post_init__(self) -> None:
        if self.mode not in REPHRASE_MODES:
            raise ValueError(f"mode must be one of {REPHRASE_MODES}")
        if self.candidates < 1 or self.max_tokens < 1 or self.timeout_seconds <= 0:
            raise ValueError("candidates, max_tokens and timeout_seconds must be positive")


@dataclass(frozen=True)
class Rephrasings:
    """What the LM gave: candidate sentences, or why there are none.

    Attributes:
        texts: Cleaned, distinct rephrasings naming every aspect the realiser said.
        flag: "" or the cause of having none: rephrase_lm_unavailable, rephrase_lm_overloaded,
            rephrase_lm_timeout, or rephrase_unfit (every rephrasing dropped an aspect, said
            something twice or copied the prompt's markup).
        model: The model that wrote them.
    """

    texts: tuple[str, ...] = ()
    flag: str = ""
    model: str = ""


def build_rephrase_prompt(opinions: Sequence[AspectOpinion], reviews_used: int) -> str:
    """The prompt: instruction, the worked example, then these statements and their counts."""
    example, used, answer = _EXAMPLE
    lines = [_INSTRUCTION, "", *_block([(s, p, n) for s, p, n in example], used), f"요약: {answer}", ""]
    lines += _block([(o.statement, o.polarity, o.support_count) for o in opinions], reviews_used)
    return "\n".join([*lines, "요약:"])


def _block(statements: Sequence[tuple[str, str, int]], reviews_used: int) -> list[str]:
    return ["의견:", *(f"- {s} ({_SIDE[p]}, 리뷰 {reviews_used}개 중 {n}개)" for s, p, n in statements)]


# Where a summary sentence's clauses meet: punctuation, and -지만 / -고 ending a word.
_CLAUSE_BREAK = re.compile(r"[,.!?;]\s*|(?<=[가-힣])(?:지만|고)\s+")
# The reporting frame after a clause's content ("...다는 평이 많아요", "...라는 의견도 있어요").
_FRAME = re.compile(r"(?:다|라)?는\s*(?:평|의견|리뷰|후기|반응|평가)\S*.*$")


def says_twice(text: str) -> bool:
    """Two clauses say the same thing ("볼만하다는 의견이 많지만, 볼만하다는 의견도 있어요"): NLI
    passes such a sentence, which tells a shopper nothing."""
    cores = [verbatim_key(_FRAME.sub("", part)) for part in _CLAUSE_BREAK.split(text)]
    cores = [c for c in cores if c]
    return len(set(cores)) < len(cores)


# The prompt's own markup in a completion ("좋다 (긍정, 리뷰 10개 중 2개)", "요약:").
_PROMPT_MARKUP = re.compile(r"\((?:긍정|부정)|리뷰\s*\d+\s*개\s*중|의견:|요약:")


def fits(text: str, opinions: Sequence[AspectOpinion]) -> bool:
    """A rephrasing worth checking: it names every aspect said, says nothing twice and does not
    copy the prompt's markup."""
    return names_every_aspect(text, opinions) and not says_twice(text) and not _PROMPT_MARKUP.search(text)


def names_every_aspect(text: str, opinions: Sequence[AspectOpinion]) -> bool:
    """The rephrasing names each statement's aspect word (spacing aside); a statement about the
    product as a whole has none to check."""
    flat = spacing_free(text)
    return all(spacing_free(o.aspect) in flat for o in opinions if o.aspect)


class Rephraser:
    """Asks the LM to rephrase verified statements.

    Args:
        client: The model server.
        settings: Mode, adapter and sampling.
    """

    def __init__(self, *, client: LmClient, settings: RephraseSettings) -> None:
        self._client = client
        self._settings = settings
        self._probe = AdapterProbe(client, settings.adapter)

    async def adapter(self) -> str | None:
        """The adapter to rephrase under ("" for the served model itself), or None: off."""
        s = self._settings
        if s.mode == "off":
            return None
        if s.mode == "lm":
            return ""
        try:
            served = await self._probe.served(timeout=s.timeout_seconds)
        except tuple(LM_FAILURES):
            return None  # asked again next time
        return s.adapter if served else None

    async def rephrase(
        self, opinions: Sequence[AspectOpinion], reviews_used: int, *, max_chars: int, deadline: float
    ) -> Rephrasings | None:
        """Rephrasings of `opinions` (the statements the realiser's sentence said); None when
        rephrasing is off or its adapter is not served."""
        adapter = await self.adapter()
        if adapter is None or not opinions:
            return None
        s = self._settings
        budget = min(s.timeout_seconds, deadline - time.monotonic())
        if budget <= 0.05:
            return Rephrasings(flag="rephrase_lm_timeout")
        sampling = LmSampling(
            max_tokens=s.max_tokens,
            temperature=s.temperature if s.candidates > 1 else 0.0,
            top_p=0.95,
            seed=23,
            stop=("\n",),
            n=s.candidates,
            adapter=adapter,
        )
        prompt = build_rephrase_prompt(opinions, reviews_used)
        try:
            result = await asyncio.wait_for(self._client.generate(prompt, sampling), timeout=budget)
        except InvalidRequestError as exc:
            if not self._probe.refused(exc):  # the server was restarted without the adapter
                raise
            return Rephrasings(flag="rephrase_lm_unavailable")
        except tuple(LM_FAILURES) as exc:
            return Rephrasings(flag=f"rephrase_{lm_failure_flag(exc, 'rephrasing')}")
        tag = PROMPT_STYLES["ko"].tag
        texts = [clean_candidate(c.text, max_chars=max_chars, tag=tag) for c in result.completions]
        distinct = [t for t in dict.fromkeys(texts) if t]
        kept = tuple(t for t in distinct if fits(t, opinions))
        return Rephrasings(kept, "" if kept else "rephrase_unfit", result.model)
