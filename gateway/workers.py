"""``[server] workers = N``: N serving processes sharing one port, and one refresher process for all of them.

The parent binds the socket, starts the refresher and hands the socket to uvicorn's supervisor, which starts the
workers (and starts a new one when one dies). Each worker builds its app with :func:`app`, serving the images the
refresher writes into the run directory named by :data:`RUN_DIR_ENV`.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from uvicorn.supervisors import Multiprocess

from core.config import Config, load_config
from gateway.app import create_app
from gateway.snapshots import new_run_dir
from refresher.process import RefresherProcess

CONFIG_ENV = "PRAKERJA_GATEWAY_CONFIG"
RUN_DIR_ENV = "PRAKERJA_GATEWAY_RUN_DIR"


def app() -> Starlette:
    """A worker's app (uvicorn calls this in each worker process)."""
    return create_app(load_config(os.environ[CONFIG_ENV]), run_dir=Path(os.environ[RUN_DIR_ENV]))


def serve_workers(config: Config, config_path: str, host: str, port: int) -> None:
    run_dir = new_run_dir()
    refresher = RefresherProcess(config, run_dir)
    # The workers are spawned: they find their configuration and the run directory in the environment.
    os.environ[CONFIG_ENV] = os.path.abspath(config_path)
    os.environ[RUN_DIR_ENV] = os.fspath(run_dir)
    settings = uvicorn.Config(f"{__name__}:app", factory=True, host=host, port=port, workers=config.server.workers,
                              access_log=False, log_config=None)
    listener = settings.bind_socket()
    refresher.start()
    try:
        Multiprocess(settings, sockets=[listener]).run()
    finally:
        refresher.stop()
        shutil.rmtree(run_dir, ignore_errors=True)
