"""The ``prakerja-gateway`` command: ``serve`` and ``schema`` here; other packages add theirs (``demo``,
``sandbox``) through the ``prakerja_gateway.commands`` entry points."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket
import sys
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points
from typing import Any, TypeAlias

import uvicorn

from core.config import Config, ConfigError, load_config
from gateway.app import create_app
from gateway.workers import CONFIG_ENV, serve_workers

COMMANDS_GROUP = "prakerja_gateway.commands"

CommandGroup: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"
"""Where a command adds itself: each entry point of :data:`COMMANDS_GROUP` is a function taking one."""


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        code: int = args.run(args)
    except ConfigError as exc:
        print(f"prakerja-gateway: configuration error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    return code


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="prakerja-gateway",
        description="One GraphQL API over the course catalogues of every Kartu Prakerja platform.",
    )
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the gateway")
    serve.add_argument("--config", help=f"TOML configuration file (default: ${CONFIG_ENV})")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.set_defaults(run=_serve)

    schema = commands.add_parser("schema", help="print the SDL of the running schema")
    schema.set_defaults(run=_schema)

    for command in entry_points(group=COMMANDS_GROUP):
        add: Callable[[Any], None] = command.load()
        add(commands)
    return parser


def _serve(args: argparse.Namespace) -> int:
    path = args.config or os.environ.get(CONFIG_ENV)
    config = load_config(path) if path else Config()
    host = args.host or config.server.host
    port = args.port if args.port is not None else config.server.port
    if config.server.workers > 1:
        if not path:
            raise ConfigError("'server.workers' above 1 needs a configuration file (--config)")
        serve_workers(config, path, host, port)
    else:
        asyncio.run(_run_gateway(config, host, port))
    return 0


async def _run_gateway(config: Config, host: str, port: int) -> None:
    await gateway_server(config, host, port).serve()


def listen(host: str, port: int) -> socket.socket:
    """A bound socket, so a command can print its URL (port 0 = any free port) before serving starts."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # asyncio sets NODELAY
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(2048)  # connections made right after the banner wait in the backlog, not refused
    return listener


def gateway_server(config: Config, host: str, port: int) -> uvicorn.Server:
    app = create_app(config)  # validates the adapters before anything binds
    return uvicorn.Server(uvicorn.Config(app, host=host, port=port, access_log=False, log_config=None))


def _schema(args: argparse.Namespace) -> int:
    from core.config import LimitsConfig
    from schema import build_schema

    print(build_schema(LimitsConfig()).as_str())  # the limits do not show in the SDL
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
