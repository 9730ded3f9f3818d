"""Long CPU work of a refresh (parsing a feed, tokenising it, building the index) off the event loop, without
slowing queries down more than it must.

A worker thread running Python holds the interpreter lock until the event loop's thread has waited a whole switch
interval (5 ms) for it, and takes it back as soon as it can: a query served meanwhile takes twice as long. A
worker that goes through its items :func:`paced` pauses every few of them for a moment, so the event loop's thread
gets the lock within about a millisecond whenever it wants it. All of it runs :func:`in_worker`, one thread, as
each further thread would take its own turn at the lock before the event loop's thread gets it back. When no
query is being served, the pauses cost the refresh about a tenth of its speed.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")

PAUSE_S = 0.0001
"""Long enough for a thread waiting on the lock to take it (a pause of 0 lets the worker take it straight back)."""


def paced(items: Iterable[T], every: int) -> Iterator[T]:
    """``items``, pausing the calling thread after each ``every`` of them (choose about a millisecond of work)."""
    for n, item in enumerate(items, start=1):
        yield item
        if n % every == 0:
            time.sleep(PAUSE_S)


_WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="refresh-work")


async def in_worker(function: Callable[..., T], *args: Any) -> T:
    """``function(*args)`` in the one thread that does the refreshes' CPU work: several such threads would each
    take the lock from the event loop's thread in turn."""
    return await asyncio.get_running_loop().run_in_executor(_WORKER, function, *args)
