"""AdapterProbe: the model server is asked once whether it serves an adapter, and again after
it refused a request under it."""

from __future__ import annotations

import asyncio

import pytest

from searchlm.errors import InvalidRequestError, UpstreamUnavailableError
from searchlm.lm.adapters import AdapterProbe


class _Server:
    """Answers `adapters()` from a list it can change; counts the calls."""

    def __init__(self, listed: tuple[str, ...], *, down: bool = False) -> None:
        self.listed, self.down, self.calls = listed, down, 0

    async def adapters(self) -> tuple[str, ...]:
        self.calls += 1
        if self.down:
            raise UpstreamUnavailableError("model server down")
        return self.listed


def test_asked_once_then_again_after_a_refusal() -> None:
    server = _Server(("a",))
    probe = AdapterProbe(server, "a")  # type: ignore[arg-type]
    assert asyncio.run(probe.served()) and asyncio.run(probe.served()) and server.calls == 1
    server.listed = ()
    assert not probe.refused(InvalidRequestError("max_tokens", "too large"))
    assert asyncio.run(probe.served()) and server.calls == 1  # not a refusal of the adapter
    assert probe.refused(InvalidRequestError("lm.adapter", "unknown adapter 'a'"))
    assert not asyncio.run(probe.served()) and server.calls == 2


def test_no_adapter_wanted_asks_nothing_and_errors_are_asked_again() -> None:
    server = _Server(("a",))
    assert not asyncio.run(AdapterProbe(server, "").served())  # type: ignore[arg-type]
    assert server.calls == 0
    server.down = True
    probe = AdapterProbe(server, "a")  # type: ignore[arg-type]
    with pytest.raises(UpstreamUnavailableError):
        asyncio.run(probe.served())
    server.down = False
    assert asyncio.run(probe.served()) and server.calls == 2
