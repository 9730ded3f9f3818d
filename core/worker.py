"""Long CPU work of a refresh (parsing a feed, tokenising it, building an image) off the refresher's event loop, so
that the other feeds' reads and timeouts, and the reader lease's renewals, go on meanwhile.

All of it runs :func:`in_worker`, on one thread: the refresher's own process serves no query, so nothing here needs
pacing; more threads would only take turns at the interpreter lock.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="refresh-work")


async def in_worker(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` in the one thread that does the refresher's CPU work."""
    return await asyncio.get_running_loop().run_in_executor(_WORKER, function, *args)
