"""A load generator in a process of its own: N kept-alive HTTP/1.1 connections to one server, each sending its next
request as soon as the previous answer is in, for a bounded time and a bounded number of requests.

It speaks just enough HTTP over raw asyncio streams (requests made up front, answers read by Content-Length),
so that on a small machine the client costs far less CPU than the server it measures; its own CPU time is
reported, so a run where the client was the bottleneck shows as one.
"""

from __future__ import annotations

import asyncio
import itertools
import multiprocessing
import resource
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from urllib.parse import urlsplit

MAX_RATE = 3_000
"""Requests a second that no gateway run reaches without the response cache: the size of a run's fresh requests."""


@dataclass(frozen=True, slots=True)
class Load:
    url: str
    """Where to POST, e.g. ``http://127.0.0.1:8000/graphql``."""
    bodies: Sequence[bytes]
    connections: int
    duration_s: float
    repeat: bool = False
    """Send the bodies over and over; otherwise each once at most, so the run may end early."""
    tokens: Sequence[str] = ()
    """Bearer tokens the requests carry in turn; none without."""


@dataclass(slots=True)
class LoadResult:
    latencies: list[float] = field(default_factory=list)
    """Seconds from sending each request to its whole answer."""
    seconds: float = 0.0
    """From the first request sent to the last answer read."""
    failures: int = 0
    """Answers that were not a 200 with data and no errors."""
    client_cpu_s: float = 0.0

    @property
    def count(self) -> int:
        return len(self.latencies)

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    def merged(self, other: LoadResult) -> LoadResult:
        return LoadResult(self.latencies + other.latencies, self.seconds + other.seconds,
                          self.failures + other.failures, self.client_cpu_s + other.client_cpu_s)


@contextmanager
def load_process() -> Iterator[Callable[[Load], LoadResult]]:
    """A function running a :class:`Load` in the (one, reused) load generator process."""
    # spawn: a fork would copy this process's threads' state (the sandbox's event loop) into the child.
    with ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn")) as pool:
        yield lambda load: pool.submit(run, load).result()


def run(load: Load) -> LoadResult:
    """The load, run here and now (in the load generator process)."""
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    result = asyncio.run(_run(load))
    used = resource.getrusage(resource.RUSAGE_SELF)
    result.client_cpu_s = used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime
    return result


async def _run(load: Load) -> LoadResult:
    url = urlsplit(load.url)
    host, port = url.hostname or "127.0.0.1", url.port or 80
    head = f"POST {url.path or '/'} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
    signed = [f"Authorization: Bearer {token}\r\n" for token in load.tokens] or [""]
    requests = [f"{head}{signed[n % len(signed)]}Content-Length: {len(body)}\r\n\r\n".encode() + body
                for n, body in enumerate(load.bodies)]
    pending = itertools.cycle(requests) if load.repeat else iter(requests)
    result = LoadResult()
    streams = [await asyncio.open_connection(host, port) for _ in range(load.connections)]
    started = time.perf_counter()
    deadline = started + load.duration_s
    try:
        await asyncio.gather(*(_send(reader, writer, pending, deadline, result) for reader, writer in streams))
    finally:
        result.seconds = time.perf_counter() - started
        for _, writer in streams:
            writer.close()
    return result


async def _send(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, pending: Iterator[bytes],
                deadline: float, result: LoadResult) -> None:
    clock = time.perf_counter
    while clock() < deadline and (request := next(pending, None)) is not None:
        sent = clock()
        writer.write(request)
        status, answer = await _answer(reader)
        result.latencies.append(clock() - sent)
        if status != 200 or not answer.startswith(b'{"data":') or b'"errors":' in answer:
            result.failures += 1


async def _answer(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    head = await reader.readuntil(b"\r\n\r\n")
    status_line, *headers = head.split(b"\r\n")
    length = next(int(value) for name, _, value in (header.partition(b":") for header in headers)
                  if name.strip().lower() == b"content-length")
    return int(status_line.split()[1]), await reader.readexactly(length)


@dataclass(frozen=True, slots=True)
class Turn:
    """One of the servers (or ways of asking one) that a benchmark measures side by side."""

    name: str
    url: str
    same: bytes | None = None
    """The one request sent over and over; ``None``: requests no two alike, none sent before in the benchmark."""
    during: Callable[[], AbstractContextManager[object]] = nullcontext
    """What holds while this turn is measured (e.g. another server paused)."""
    tokens: Sequence[str] = ()
    """Bearer tokens its requests carry in turn (signed-in participants); none: anonymous."""


def in_turns(load: Callable[[Load], LoadResult], turns: Sequence[Turn], different: Sequence[bytes], *,
             rounds: int, seconds: float, connections: int) -> dict[str, LoadResult]:
    """Every turn measured for ``seconds``, turn after turn, ``rounds`` times over, so that drift hits all alike.

    Each run of a turn without ``same`` sends the next slice of ``different``; a slice holds as many requests as
    ``seconds`` at :data:`MAX_RATE` need, so a run ends early only if the gateway outruns that.
    """
    per_run = int(MAX_RATE * seconds)
    fresh = (different[start : start + per_run] for start in itertools.count(0, per_run))
    results = {turn.name: LoadResult() for turn in turns}
    for _ in range(rounds):
        for turn in turns:
            bodies = [turn.same] if turn.same is not None else next(fresh)
            if not bodies:
                raise ValueError("not enough different requests for every run")
            with turn.during():
                result = load(Load(turn.url, bodies, connections, seconds, repeat=turn.same is not None,
                                   tokens=turn.tokens))
            results[turn.name] = results[turn.name].merged(result)
    return results


def needed(turns: int, rounds: int, seconds: float) -> int:
    """How many different requests :func:`in_turns` may send, for this many turns without ``same``."""
    return turns * rounds * int(MAX_RATE * seconds)
