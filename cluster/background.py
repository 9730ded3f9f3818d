"""Stopping a background task for sure."""

from __future__ import annotations

import asyncio

# How long to give a cancelled task to end before cancelling it again.
_RECANCEL_S = 0.1


async def stop(task: asyncio.Task[None]) -> None:
    """Cancels ``task`` and waits until it has ended, cancelling it again for as long as it runs on.

    Once is not always enough on Python 3.11: its ``asyncio.wait_for``, which redis-py awaits around socket writes,
    swallows a cancellation that lands just as the write completes, and the task goes on to its next Redis call.
    """
    while not task.done():
        task.cancel()
        await asyncio.wait([task], timeout=_RECANCEL_S)
