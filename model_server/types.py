"""Domain types of the model server. Standard library only."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field


class FinishReason(enum.Enum):
    """Why a candidate stopped generating."""

    STOP = "stop"
    LENGTH = "length"
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class SamplingParams:
    """Decoding parameters of one request, already validated.

    Attributes:
        max_tokens: Tokens to generate at most per candidate.
        temperature: Softmax temperature; 0 means greedy.
        top_p: Nucleus mass in (0, 1].
        top_k: Keep the k most likely tokens; 0 disables.
        repetition_penalty: CTRL-style penalty on tokens already seen; 1.0 disables.
        seed: Seed of the per-request random generator; None draws one.
        stop: Stop sequences, matched on text across token boundaries.
        n: Number of candidates.
        logprobs: Whether to report each generated token's log-probability.
        choices: Allowed completions; empty means unconstrained.
        choice_tokens: The choices as the served tokenizer spells them (filled by the
            runtime, read by the sampler's constraint).
    """

    max_tokens: int = 128
    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = 0
    repetition_penalty: float = 1.0
    seed: int | None = None
    stop: tuple[str, ...] = ()
    n: int = 1
    logprobs: bool = False
    choices: tuple[str, ...] = ()
    choice_tokens: tuple[tuple[int, ...], ...] = ()

    @property
    def greedy(self) -> bool:
        """True when decoding is deterministic argmax."""
        return self.temperature == 0.0 or self.top_k == 1


@dataclass(frozen=True)
class GenerationRequest:
    """A prompt with its sampling parameters.

    Attributes:
        prompt: Prompt text.
        sampling: Decoding parameters.
        request_id: Correlation id for logs and metrics.
        adapter: LoRA adapter name; empty means the base model.
    """

    prompt: str
    sampling: SamplingParams = field(default_factory=SamplingParams)
    request_id: str = ""
    adapter: str = ""


@dataclass(frozen=True)
class TokenStep:
    """One token produced by an engine.

    Attributes:
        token_id: Vocabulary id.
        logprob: Log-probability under the (temperature-scaled) distribution.
        is_eos: True when the token ends the sequence.
    """

    token_id: int
    logprob: float
    is_eos: bool = False


@dataclass(frozen=True)
class TextDelta:
    """New text of one candidate.

    Attributes:
        index: Candidate index.
        text: New text, always whole UTF-8 characters and whole Hangul syllables.
        token_logprobs: (token id, logprob) of the tokens behind the text, when requested.
    """

    index: int
    text: str
    token_logprobs: tuple[tuple[int, float], ...] = ()


@dataclass(frozen=True)
class CandidateResult:
    """A finished candidate.

    Attributes:
        index: Candidate index.
        text: Full generated text, stop sequence excluded.
        finish_reason: Why it ended.
        generated_tokens: Tokens generated.
        token_logprobs: (token id, logprob) per token, when requested.
    """

    index: int
    text: str
    finish_reason: FinishReason
    generated_tokens: int
    token_logprobs: tuple[tuple[int, float], ...] = ()


@dataclass(frozen=True)
class Usage:
    """Token counts and timings of one request (seconds)."""

    prompt_tokens: int
    generated_tokens: int
    time_to_first_token: float
    total: float
    queue: float


@dataclass(frozen=True)
class GenerationResult:
    """The outcome of a whole request."""

    candidates: tuple[CandidateResult, ...]
    usage: Usage


@dataclass(frozen=True)
class StreamEnd:
    """Last event of a stream: candidates without text, plus usage."""

    candidates: tuple[CandidateResult, ...]
    usage: Usage


@dataclass(frozen=True)
class ContinuationScore:
    """Log-probability of one continuation given a prompt."""

    index: int
    logprob: float
    num_tokens: int

    @property
    def mean_logprob(self) -> float:
        """Length-normalised log-probability."""
        return self.logprob / self.num_tokens if self.num_tokens else 0.0


@dataclass(frozen=True)
class AdapterInfo:
    """A LoRA adapter loaded next to the base model.

    Attributes:
        name: Name requests use (the file's stem).
        base_model: Base model it was tuned on.
        rank: LoRA rank.
        alpha: LoRA alpha (the update is scaled by alpha / rank).
        task: Task it was tuned for.
        path: File it was loaded from.
    """

    name: str
    base_model: str
    rank: int
    alpha: float
    task: str = ""
    path: str = ""


@dataclass(frozen=True)
class ModelInfo:
    """What the server serves."""

    model: str
    engine: str
    context_length: int
    tensor_parallel_size: int = 1
    pipeline_parallel_size: int = 1
    max_batch_size: int = 1
    device: str = "cpu"
    adapters: tuple[AdapterInfo, ...] = ()
