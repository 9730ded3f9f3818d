"""What every client of an upstream (platform feeds, the participant service) needs from a response."""

from __future__ import annotations

import aiohttp


async def read_capped(response: aiohttp.ClientResponse, limit: int) -> bytes | None:
    """The whole body, or ``None`` as soon as it is known to exceed ``limit`` bytes (no more is read)."""
    # StreamReader.read(n) returns whatever is buffered, not n bytes: the body is read to its end, chunk by chunk.
    if response.content_length is not None and response.content_length > limit:
        return None
    body = bytearray()
    async for chunk in response.content.iter_any():
        body += chunk
        if len(body) > limit:
            return None
    return bytes(body)
