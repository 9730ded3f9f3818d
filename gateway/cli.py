"""The ``prakerja-gateway`` command: ``serve`` and ``schema`` here; other packages add theirs (``demo``,
``sandbox``) through the ``prakerja_gateway.commands`` entry points."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket
import sys
from collections.abc import Callable, Mapping, Sequence
from importlib.metadata import entry_points, version
from typing import Any, NoReturn

import uvicorn

from core.commands import COMMANDS_GROUP
from core.config import Config, ConfigError, ServerConfig, load_config
from gateway.app import create_app
from gateway.server import uvicorn_config
from gateway.workers import CONFIG_ENV, serve_workers
from refresher.catalogue import check_adapters


class CannotListen(Exception):
    """The address to serve on is taken or not this machine's: one line for the user."""


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        code: int = args.run(args)
    except ConfigError as exc:
        print(f"prakerja-gateway: configuration error: {exc}", file=sys.stderr)
        return 2
    except CannotListen as exc:
        print(f"prakerja-gateway: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return code


class _HelpWithDefaults(argparse.ArgumentDefaultsHelpFormatter):
    """Each option's default after its help, unless the help says it already or there is none to say (a flag, an
    option whose help says where its value comes from)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        nothing_to_say = action.default is None or action.default is False or action.default == ""
        if nothing_to_say or "default" in (action.help or ""):
            return action.help
        return super()._get_help_string(action)


class Parser(argparse.ArgumentParser):
    """Bad arguments: one line that names the problem, exit 2 (argparse's own prints the whole usage first)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpWithDefaults)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: {message} (see '{self.prog} --help')\n")


def port_number(text: str) -> int:
    """An argparse type: a TCP port, 0 for any free one."""
    if not text.isdigit() or int(text) > 65535:
        raise argparse.ArgumentTypeError(f"{text!r} is not a port number (0 to 65535)")
    return int(text)


def count(text: str) -> int:
    """An argparse type: a whole number, 0 or more."""
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number")
    return int(text)


def _parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="prakerja-gateway",
        description="One GraphQL API over the course catalogues of every Kartu Prakerja platform.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {version('prakerja-gateway')}")
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the gateway over the platforms of a configuration file",
                                description="Run the gateway over the platforms of a configuration file.")
    serve.add_argument("--config", metavar="FILE", default=os.environ.get(CONFIG_ENV),
                       help=f"TOML configuration file, with at least one [platforms.<slug>]; ${CONFIG_ENV} "
                            "names it too")
    serve.add_argument("--host", help=f"address to listen on (default: [server] host, {ServerConfig.host})")
    serve.add_argument("--port", type=port_number,
                       help=f"port to listen on (default: [server] port, {ServerConfig.port})")
    serve.set_defaults(run=_serve)

    schema = commands.add_parser("schema", help="print the SDL of the running schema",
                                 description="Print the SDL of the running schema (schema/schema.graphql).")
    schema.set_defaults(run=_schema)

    for command in entry_points(group=COMMANDS_GROUP):
        add: Callable[[Any], None] = command.load()
        add(commands)
    return parser


def _serve(args: argparse.Namespace) -> int:
    if not args.config:
        raise ConfigError(f"no configuration file: give --config FILE or set {CONFIG_ENV} (the README's "
                          "Configuration shows one; 'prakerja-gateway demo' runs without any)")
    config = load_config(args.config)
    if not config.enabled_platforms:
        raise ConfigError(f"{args.config} configures no enabled platform: add a [platforms.<slug>] section with "
                          "its base_url, or the gateway would serve an empty catalogue")
    check_adapters(config)  # before anything binds: a bad configuration is exit 2 whatever holds the port
    host = args.host or config.server.host
    port = args.port if args.port is not None else config.server.port
    if config.server.workers > 1:
        serve_workers(config, args.config, host, port)
    else:
        listener = listen(host, port)
        asyncio.run(gateway_server(config, host, port).serve(sockets=[listener]))
    return 0


def listen(host: str, port: int) -> socket.socket:
    """A bound socket, so a command can print its URL (port 0 = any free port) before serving starts."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # asyncio sets NODELAY
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        listener.bind((host, port))
    except OSError as exc:
        listener.close()
        raise CannotListen(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    listener.listen(2048)  # connections made right after the banner wait in the backlog, not refused
    return listener


def gateway_server(config: Config, host: str, port: int, demo_participants: Mapping[str, str] | None = None
                   ) -> uvicorn.Server:
    """``demo_participants``: see :func:`create_app`; only the demo passes them."""
    app = create_app(config, demo_participants=demo_participants)
    return uvicorn.Server(uvicorn_config(app, config, host=host, port=port))


def _schema(args: argparse.Namespace) -> int:
    from core.config import LimitsConfig
    from schema import build_schema

    print(build_schema(LimitsConfig()).as_str())  # the limits do not show in the SDL
    return 0



if __name__ == "__main__":
    # Run as ``python -m gateway.cli``, this file is ``__main__``: the commands other packages add import
    # ``gateway.cli`` itself, so its ``main`` runs, and the exceptions it catches are the ones they raise.
    from gateway.cli import main as main_of_the_module

    raise SystemExit(main_of_the_module())
