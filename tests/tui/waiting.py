"""Wait on a condition, never on the clock: a loaded CI machine may run the app many times slower.

``until`` polls ``cond`` between short pilot pauses (so the app keeps running) and fails only
after a generous deadline; nothing asserts on how long it took.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

DEADLINE_S = 60.0


async def until(pilot: Any, cond: Callable[[], bool], timeout: float = DEADLINE_S, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what or cond}; screen={pilot.app.screen!r}")
        await pilot.pause(0.05)
