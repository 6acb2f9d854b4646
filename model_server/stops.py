"""Stop-sequence matching on streamed text.

A stop string can span several tokens ("\\n\\n질문:" arrives as "\\n", "\\n질", "문:"), so it
must be matched on text, and any text that might be the start of a stop string is held
back until it is known not to be one. Emitted text therefore never contains any part of a
stop sequence.
"""

from __future__ import annotations

from collections.abc import Sequence


class StopMatcher:
    """Finds the first stop sequence in streamed text.

    Args:
        stops: Stop sequences; empty means nothing is held back.
    """

    def __init__(self, stops: Sequence[str]) -> None:
        self._stops = tuple(s for s in stops if s)
        self._buffer = ""
        self.stopped = False

    def push(self, text: str) -> str:
        """Adds text; returns what is safe to emit. Sets `stopped` on a match."""
        if self.stopped:
            return ""
        if not self._stops:
            return text
        self._buffer += text
        hit = self._first_match()
        if hit >= 0:
            self.stopped = True
            out, self._buffer = self._buffer[:hit], ""
            return out
        keep = self._held_suffix_length()
        cut = len(self._buffer) - keep
        out, self._buffer = self._buffer[:cut], self._buffer[cut:]
        return out

    def flush(self) -> str:
        """Returns held text at the end of generation (it never completed a stop)."""
        out, self._buffer = ("" if self.stopped else self._buffer), ""
        return out

    def _first_match(self) -> int:
        positions = [p for p in (self._buffer.find(s) for s in self._stops) if p >= 0]
        return min(positions) if positions else -1

    def _held_suffix_length(self) -> int:
        """Length of the longest buffer suffix that is a proper prefix of a stop string."""
        best = 0
        for stop in self._stops:
            for k in range(min(len(stop) - 1, len(self._buffer)), best, -1):
                if self._buffer.endswith(stop[:k]):
                    best = k
                    break
        return best
