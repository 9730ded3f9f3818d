"""The refresher's own process: feeds read, parsed and indexed away from every process that serves queries.

Started by a serving deployment (:class:`RefresherProcess`) with the configuration on its standard input, it writes
into a run directory that the machine's serving processes watch:

- ``catalogue.img``: the newest snapshot image, replaced atomically (servers map it; see :mod:`core.snapshot`);
- ``status.json``: what this process is doing (reader or not, Redis reachable), for ``/readyz``;
- ``metrics.prom``: its Prometheus metrics (refresh results and durations, listings, breakers), for ``/metrics``.

With ``catalogue.snapshot_file`` set it writes each new catalogue there too, and starts from it. It ends when its
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
from pathlib import Path

import orjson

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


NICENESS = 10
"""The refresher yields the CPU to the processes serving queries on the machine: reading feeds can wait, a
participant should not."""


def main(run_dir: str) -> None:
    os.nice(NICENESS)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    config: Config = pickle.load(sys.stdin.buffer)
    asyncio.run(_run(config, Path(run_dir)))


async def _run(config: Config, run_dir: Path) -> None:
    loop = asyncio.get_running_loop()
    done = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, done.set)
    loop.add_reader(sys.stdin.fileno(), _on_stdin, done)
    metrics = Metrics()
    snapshot_file = Path(config.catalogue.snapshot_file) if config.catalogue.snapshot_file else None

    async def publish(image: ImageWriter) -> None:
        await asyncio.to_thread(image.write, run_dir / CATALOGUE)
        if snapshot_file is not None:
            try:
                await asyncio.to_thread(image.write, snapshot_file)
            except OSError as exc:
                log.warning("cannot write the snapshot file %s: %s", snapshot_file, exc.strerror)

    refresher = CatalogueRefresher(config, publish, metrics, seed=_seed(snapshot_file))
    await refresher.start()
    try:
        while not done.is_set():
            status = {"reader": True, "redis": None, "version": refresher.version}
            write_atomically(run_dir / STATUS, [orjson.dumps(status)])
            write_atomically(run_dir / METRICS, [metrics.render()])
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(done.wait(), STATUS_EVERY_S)
    finally:
        await refresher.stop()


def _on_stdin(done: asyncio.Event) -> None:
    # Nothing more is ever written: readable means closed, the parent is gone.
    if not os.read(sys.stdin.fileno(), 4096):
        done.set()


def _seed(snapshot_file: Path | None) -> Image | None:
    if snapshot_file is None or not snapshot_file.exists():
        return None
    try:
        return Image.open(snapshot_file)
    except (OSError, ImageError, ValueError) as exc:
        log.warning("the snapshot file %s cannot be read (%s): starting without it", snapshot_file, exc)
        return None
