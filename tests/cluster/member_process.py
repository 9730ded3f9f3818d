"""A member of the deployment in its own process, driven by a test over stdin and reporting on stdout (JSON lines).

Commands: ``publish TEXT`` (publishes TEXT if this process is the reader), ``take CLIENT`` (the shared rate limit of
5 a minute). Events: ``started``, ``reader`` (whenever this process becomes or stops being the reader),
``catalogue`` (each newer catalogue), ``published``, ``took``.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from cluster import CatalogueMember, PublishedCatalogue, SharedRateLimit
from tests.cluster.conftest import fast_settings

RATE_PER_MINUTE = 5


def report(event: str, **fields: Any) -> None:
    print(json.dumps({"event": event, **fields}), flush=True)


def refuse_locally(client: str) -> float:
    return 60.0


async def main(redis_url: str) -> None:
    member = CatalogueMember(fast_settings(redis_url))
    first = await member.start()
    report("started", reader=member.lease.is_holder, version=first and first.version)
    rate_limit = SharedRateLimit(member.link, RATE_PER_MINUTE, refuse_locally)

    async def report_reader() -> None:
        reader = member.lease.is_holder
        while True:
            reader = await member.lease.wait_changed(known=reader)
            report("reader", value=reader)

    async def report_catalogues() -> None:
        reported = first.version if first else 0
        while True:
            catalogue: PublishedCatalogue = await member.catalogues.wait_newer(than=reported)
            reported = catalogue.version
            report("catalogue", version=catalogue.version, data=catalogue.data.decode())

    watchers = [asyncio.create_task(report_reader()), asyncio.create_task(report_catalogues())]
    stdin = asyncio.StreamReader()
    await asyncio.get_running_loop().connect_read_pipe(lambda: asyncio.StreamReaderProtocol(stdin), sys.stdin)
    while line := (await stdin.readline()).decode().strip():
        command, _, argument = line.partition(" ")
        if command == "publish":
            report("published", version=await member.catalogues.publish(argument.encode()))
        elif command == "take":
            report("took", wait_s=await rate_limit.take(argument))
    for watcher in watchers:
        watcher.cancel()
    await member.aclose()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1]))
