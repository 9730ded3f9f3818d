"""The refresher's own process: feeds read, parsed and indexed away from every process that serves queries.

Started by a serving deployment (:class:`RefresherProcess`) with the configuration on its standard input, it writes
into a run directory that the machine's serving processes watch:

- ``catalogue.img``: the newest snapshot image, replaced atomically (servers map it; see :mod:`core.snapshot`);
- ``status.json``: what this process is doing (reader or not, Redis reachable), for ``/readyz``;
- ``metrics.prom``: its Prometheus metrics (refresh results and durations, listings, breakers), for ``/metrics``.

With ``catalogue.snapshot_file`` set it writes each new catalogue there too, and starts from it. With
``cluster.redis_url`` set it is one member of a deployment: it reads the feeds only while it holds the reader lease
(publishing each catalogue to Redis), and otherwise writes each catalogue the reader published. It ends when its
standard input closes: the process that started it is gone, however it went (SIGKILL included).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import pickle
import signal
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from cluster import CatalogueMember, ClusterSettings
from cluster.background import stop as stop_task
from core.config import Config
from core.image import Image, ImageError, ImageWriter, write_atomically
from core.metrics import Metrics
from refresher.catalogue import CatalogueRefresher

log = logging.getLogger(__name__)

CATALOGUE = "catalogue.img"
STATUS = "status.json"
METRICS = "metrics.prom"
STATUS_EVERY_S = 0.25


class RefresherProcess:
    """The refresher running as a child process of this one, writing into ``run_dir``."""

    def __init__(self, config: Config, run_dir: Path) -> None:
        self._config = config
        self._run_dir = run_dir
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "refresher", os.fspath(self._run_dir)], stdin=subprocess.PIPE
        )
        assert self._process.stdin is not None
        self._process.stdin.write(pickle.dumps(self._config))
        self._process.stdin.flush()  # the pipe stays open: its end is this process's end

    def stop(self) -> None:
        if self._process is None or self._process.poll() is not None:
            return
        self._process.terminate()
        try:
            self._process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        assert self._process.stdin is not None
        self._process.stdin.close()


def yield_the_cpu() -> None:
    """Run only when the machine's serving processes leave a core idle (Linux's SCHED_IDLE; elsewhere the lowest
    priority): reading feeds can wait, a participant should not. On a machine saturated with queries, refreshes
    slow down and the catalogue ages (its platforms turn STALE) rather than queries."""
    try:
        os.sched_setscheduler(0, os.SCHED_IDLE, os.sched_param(0))
    except (AttributeError, OSError):
        os.nice(19)


def main(run_dir: str) -> None:
    yield_the_cpu()
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config: Config = pickle.load(sys.stdin.buffer)
    asyncio.run(_run(config, Path(run_dir)))


async def _run(config: Config, run_dir: Path) -> None:
    loop = asyncio.get_running_loop()
    done = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, done.set)
    loop.add_reader(sys.stdin.fileno(), _on_stdin, done)
    metrics = Metrics()
    outputs = _Outputs(run_dir, Path(config.catalogue.snapshot_file) if config.catalogue.snapshot_file else None)
    role = _Shared(config, outputs, metrics) if config.cluster.redis_url else _Alone(config, outputs, metrics)
    await role.start()
    try:
        while not done.is_set():
            write_atomically(run_dir / STATUS, [orjson.dumps(role.status())])
            write_atomically(run_dir / METRICS, [metrics.render()])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), STATUS_EVERY_S)
    finally:
        await role.stop()


class _Outputs:
    """Where this machine's catalogue goes: the run directory its servers watch, and the snapshot file if any."""

    def __init__(self, run_dir: Path, snapshot_file: Path | None) -> None:
        self._catalogue = run_dir / CATALOGUE
        self._snapshot_file = snapshot_file

    async def serve(self, data: bytes) -> None:
        """Hand a catalogue this machine already keeps to its servers (the snapshot file has it)."""
        await asyncio.to_thread(write_atomically, self._catalogue, [data])

    async def write(self, image: ImageWriter | bytes) -> None:
        def chunks() -> Iterable[bytes | memoryview]:
            return [image] if isinstance(image, bytes) else image.chunks()

        await asyncio.to_thread(write_atomically, self._catalogue, chunks())
        if self._snapshot_file is not None:
            try:
                await asyncio.to_thread(write_atomically, self._snapshot_file, chunks())
            except OSError as exc:
                log.warning("cannot write the snapshot file %s: %s", self._snapshot_file, exc.strerror)

    def latest(self) -> Image | None:
        """The newest catalogue this machine holds: the one its servers serve, else the snapshot file's."""
        for path in (self._catalogue, self._snapshot_file):
            if path is not None and path.exists():
                try:
                    return Image.open(path)
                except (OSError, ImageError, ValueError) as exc:
                    log.warning("the catalogue in %s cannot be read (%s): starting without it", path, exc)
        return None


class _Alone:
    """The only refresher of its deployment: it reads the feeds, always."""

    def __init__(self, config: Config, outputs: _Outputs, metrics: Metrics) -> None:
        self._outputs = outputs
        self._refresher = CatalogueRefresher(config, outputs.write, metrics)

    async def start(self) -> None:
        seed = self._outputs.latest()
        if seed is not None:  # served at once; the refresher re-tokenises it meanwhile
            await self._outputs.serve(seed.raw())
        await self._refresher.start(seed=seed)

    async def stop(self) -> None:
        await self._refresher.stop()

    def status(self) -> dict[str, Any]:
        return {"reader": True, "redis": None, "version": self._refresher.version}


class _Shared:
    """One member of a deployment shared through Redis: it reads the feeds while it holds the reader lease, and
    otherwise hands its machine's servers each catalogue the reader publishes."""

    def __init__(self, config: Config, outputs: _Outputs, metrics: Metrics) -> None:
        self._config = config
        self._outputs = outputs
        self._metrics = metrics
        self._member = CatalogueMember(ClusterSettings(redis_url=config.cluster.redis_url))
        self._refresher: CatalogueRefresher | None = None
        self._tasks: list[asyncio.Task[None]] = []

    async def start(self) -> None:
        first = await self._member.start()
        if first is not None:  # the deployment's catalogue: this machine serves it at once, without reading a feed
            await self._outputs.write(first.data)
        elif (kept := self._outputs.latest()) is not None:  # Redis away or empty: what the snapshot file kept
            await self._outputs.serve(kept.raw())
        self._tasks = [asyncio.create_task(self._lead(), name="lead"),
                       asyncio.create_task(self._follow(first.version if first else 0), name="follow")]

    async def stop(self) -> None:
        for task in self._tasks:
            await stop_task(task)  # a task awaiting redis-py may swallow one cancellation
        if self._refresher is not None:
            await self._refresher.stop()
        await self._member.aclose()

    def status(self) -> dict[str, Any]:
        return self._member.status.to_json()

    async def _publish(self, image: ImageWriter) -> None:
        data = await asyncio.to_thread(image.to_bytes)
        await self._outputs.write(data)
        await self._member.catalogues.publish(data)

    async def _lead(self) -> None:
        while True:
            if self._member.lease.is_holder and self._refresher is None:
                refresher = CatalogueRefresher(self._config, self._publish, self._metrics)
                await refresher.start(seed=self._outputs.latest())  # the reading goes on where it was
                self._refresher = refresher
            elif not self._member.lease.is_holder and self._refresher is not None:
                await self._refresher.stop()
                self._refresher = None
            await self._member.lease.wait_changed(known=self._refresher is not None)

    async def _follow(self, written: int) -> None:
        while True:
            catalogue = await self._member.catalogues.wait_newer(than=written)
            written = catalogue.version
            if self._refresher is None:
                await self._outputs.write(catalogue.data)


def _on_stdin(done: asyncio.Event) -> None:
    # Nothing more is ever written: readable means closed, the parent is gone.
    if not os.read(sys.stdin.fileno(), 4096):
        done.set()
