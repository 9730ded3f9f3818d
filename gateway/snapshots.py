"""The snapshot a serving process answers from: the newest image the machine's refresher process wrote, mapped.

A query never waits on anything here: :attr:`SnapshotSource.snapshot` is whatever was loaded last, and loading a new
image costs a ``stat`` every :data:`POLL_S` and, when it changed, mapping the file and reading its small header.
"""

from __future__ import annotations

import asyncio
import logging
import shutil
import tempfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

from core.config import Config
from core.image import Image, ImageError
from refresher.process import CATALOGUE, METRICS, STATUS, RefresherProcess
from search.snapshot import Snapshot

log = logging.getLogger(__name__)

POLL_S = 0.1
_SHARED_MEMORY = Path("/dev/shm")


def new_run_dir() -> Path:
    """A private directory for one deployment on this machine, in memory where the system has it."""
    parent = _SHARED_MEMORY if _SHARED_MEMORY.is_dir() else None
    return Path(tempfile.mkdtemp(prefix="prakerja-gateway-", dir=parent))


class SnapshotSource:
    """Keeps :attr:`snapshot` at the newest catalogue image in ``run_dir``."""

    def __init__(self, run_dir: Path) -> None:
        self.run_dir = run_dir
        self.snapshot = Snapshot.empty()
        self._seen: tuple[int, int] | None = None
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        self.reload()
        self._task = asyncio.create_task(self._watch(), name="snapshots")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)

    async def _watch(self) -> None:
        while True:
            await asyncio.sleep(POLL_S)
            self.reload()

    def reload(self) -> None:
        """Load the image if it changed since the last look."""
        path = self.run_dir / CATALOGUE
        try:
            stat = path.stat()
            if (stat.st_ino, stat.st_mtime_ns) == self._seen:
                return
            snapshot = Snapshot.load(Image.open(path))
        except FileNotFoundError:
            return
        except (OSError, ImageError, ValueError, KeyError) as exc:
            log.warning("the refresher's catalogue image cannot be read: %s", exc)
            return
        self._seen = (stat.st_ino, stat.st_mtime_ns)
        if snapshot.version != self.snapshot.version or snapshot.published_at != self.snapshot.published_at:
            self.snapshot = snapshot

    @property
    def age_s(self) -> float | None:
        published = self.snapshot.published_at
        return None if published is None else (datetime.now(UTC) - published).total_seconds()

    def refresher_status(self) -> dict[str, Any]:
        """What the refresher process said of itself last (reader or not, Redis reachable)."""
        try:
            status: dict[str, Any] = orjson.loads((self.run_dir / STATUS).read_bytes())
        except (OSError, orjson.JSONDecodeError):
            return {}
        return status

    def refresher_metrics(self) -> bytes:
        try:
            return (self.run_dir / METRICS).read_bytes()
        except OSError:
            return b""


class OwnRefresher:
    """One process playing both roles: a run directory of its own, and the refresher process writing into it."""

    def __init__(self, config: Config) -> None:
        self.run_dir = new_run_dir()
        self._process = RefresherProcess(config, self.run_dir)

    def start(self) -> None:
        self._process.start()

    def stop(self) -> None:
        self._process.stop()
        shutil.rmtree(self.run_dir, ignore_errors=True)
