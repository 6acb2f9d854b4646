"""Whether the model server serves a LoRA adapter, as the services ask it."""

from __future__ import annotations

import asyncio

from searchlm.errors import InvalidRequestError
from searchlm.lm.types import LmClient


class AdapterProbe:
    """Asks the model server once whether it lists adapter `name`, and again after a request
    under it was refused (the server restarted without it).

    Args:
        client: The model server.
        name: The adapter; empty means none is wanted (`served` is then always False).
    """

    def __init__(self, client: LmClient, name: str) -> None:
        self._client = client
        self.name = name
        self._served: bool | None = None

    async def served(self, timeout: float | None = None) -> bool:
        """Whether the server lists the adapter. The client's errors (and TimeoutError past
        `timeout`) propagate, and the question is asked again next time."""
        if not self.name:
            return False
        if self._served is None:
            listed = await asyncio.wait_for(self._client.adapters(), timeout=timeout)
            self._served = self.name in listed
        return self._served

    def refused(self, exc: InvalidRequestError) -> bool:
        """True when `exc` is the server refusing the adapter; the next `served` asks again."""
        if exc.field != "lm.adapter":
            return False
        self._served = None
        return True
