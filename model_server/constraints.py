"""Constrained choices: a token trie that lets a sequence produce only a prefix of an allowed string.

Shared by every engine that samples through `model_server.sampling.Sampler`. The runtime
spells each choice with the served tokenizer (`SamplingParams.choice_tokens`); at every step
the sampler asks the constraint which tokens may come next (the children of the trie node the
sequence has reached, plus end-of-sequence where a whole choice ends) and masks the rest.

A choice is allowed in its tokenizer's own spelling only: "예요" spelled as two tokens is not
reachable through a rarer three-token spelling. That keeps the mask to a handful of ids per
step instead of a scan of the 262k-token vocabulary, and the spelling the model is steered to
is the one it saw in training.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np


@dataclass
class _Node:
    children: dict[int, _Node] = field(default_factory=dict)
    ends: bool = False  # a whole choice ends here


class ChoiceConstraint:
    """Where one sequence stands in the trie of its allowed choices.

    Args:
        choices: Token ids of each allowed string (none may be empty).
        eos: End-of-sequence ids, allowed wherever a whole choice has been produced.

    Raises:
        ValueError: no choice, an empty choice, or no end-of-sequence id to end one with.
    """

    def __init__(self, choices: Sequence[Sequence[int]], eos: Iterable[int]) -> None:
        self._eos = np.array(sorted(set(eos)), dtype=np.int64)
        if not choices or any(len(c) == 0 for c in choices):
            raise ValueError("choices must be non-empty token sequences")
        if self._eos.size == 0:
            raise ValueError("a choice constraint needs the engine's end-of-sequence ids")
        self._root = _Node()
        for tokens in choices:
            node = self._root
            for token in tokens:
                node = node.children.setdefault(int(token), _Node())
            node.ends = True
        self._node: _Node | None = self._root

    @property
    def done(self) -> bool:
        """True once the sequence left the trie (ended a choice with end-of-sequence)."""
        return self._node is None

    def allowed(self) -> np.ndarray:
        """Token ids that may come next (sorted, never empty while not done)."""
        node = self._node
        if node is None:
            return self._eos
        ids = np.fromiter(node.children, dtype=np.int64, count=len(node.children))
        if node.ends:
            ids = np.concatenate([ids, self._eos])
        return np.unique(ids)

    def advance(self, token: int) -> None:
        """Moves past `token`, which must be one of `allowed()`."""
        node = self._node
        if node is None:
            return
        child = node.children.get(int(token))
        if child is None and not (node.ends and token in self._eos):
            raise ValueError(f"token {token} is not allowed here")
        self._node = child

    def mask(self, logits: np.ndarray) -> np.ndarray:
        """A copy of `logits` with every token that is not allowed at -inf."""
        masked = np.full(logits.shape, -np.inf, dtype=np.float32)
        ids = self.allowed()
        masked[ids] = logits[ids]
        return masked
