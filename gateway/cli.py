"""The ``prakerja-gateway`` command: ``serve``, ``demo``, ``sandbox`` and ``schema``."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import socket
import sys
from collections.abc import Mapping, Sequence

import uvicorn

from gateway.app import create_app
from gateway.config import Config, ConfigError, load_config, parse_config

CONFIG_ENV = "PRAKERJA_GATEWAY_CONFIG"


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
    parser = argparse.ArgumentParser(prog="prakerja-gateway", description=__doc__)
    commands = parser.add_subparsers(required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="run the gateway")
    serve.add_argument("--config", help=f"TOML configuration file (default: ${CONFIG_ENV})")
    serve.add_argument("--host")
    serve.add_argument("--port", type=int)
    serve.set_defaults(run=_serve)

    demo = commands.add_parser("demo", help="run the sandbox upstreams and a gateway wired to them")
    demo.add_argument("--port", type=int, default=8000, help="the gateway's port (default 8000; 0 = any free)")
    demo.add_argument("--courses", type=int, default=3000, help="size of the demo catalogue")
    demo.set_defaults(run=_demo)

    sandbox = commands.add_parser("sandbox", help="run the simulated upstreams alone")
    sandbox.add_argument("--port-base", type=int, default=9100)
    sandbox.add_argument("--courses", type=int, default=3000)
    sandbox.set_defaults(run=_sandbox)

    schema = commands.add_parser("schema", help="print the SDL of the running schema")
    schema.set_defaults(run=_schema)
    return parser


def _serve(args: argparse.Namespace) -> int:
    path = args.config or os.environ.get(CONFIG_ENV)
    config = load_config(path) if path else Config()
    host = args.host or config.server.host
    port = args.port if args.port is not None else config.server.port
    asyncio.run(_run_gateway(config, host, port))
    return 0


async def _run_gateway(config: Config, host: str, port: int) -> None:
    await _server(config, host, port).serve()


def _demo(args: argparse.Namespace) -> int:
    asyncio.run(_run_demo(args.port, args.courses))
    return 0


async def _run_demo(port: int, courses: int) -> None:
    from sandbox import DEMO_PARTICIPANT_LABELS, DEMO_PARTICIPANTS, Sandbox, generate

    sandbox = Sandbox(generate(courses))
    await sandbox.start()
    try:
        config = parse_config(sandbox.gateway_config(server={"port": port}))
        listener = _listen(config.server.host, port)
        base = f"http://{config.server.host}:{listener.getsockname()[1]}"
        print(_demo_banner(base, DEMO_PARTICIPANTS), flush=True)
        server = _server(config, config.server.host, port, demo_participants=DEMO_PARTICIPANT_LABELS)
        await server.serve(sockets=[listener])
    finally:
        await sandbox.stop()


def _listen(host: str, port: int) -> socket.socket:
    """A bound socket, so the demo can print its URL (port 0 = any free port) before serving starts."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)  # asyncio sets NODELAY
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind((host, port))
    listener.listen(2048)  # connections made right after the banner wait in the backlog, not refused
    return listener


def _server(config: Config, host: str, port: int, demo_participants: Mapping[str, str] | None = None
            ) -> uvicorn.Server:
    app = create_app(config, demo_participants=demo_participants)  # validates the adapters before anything binds
    return uvicorn.Server(uvicorn.Config(app, host=host, port=port, access_log=False, log_config=None))


def _demo_banner(base: str, participants: dict[str, str]) -> str:
    lines = [
        "",
        f"prakerja-gateway demo: the participants' page at {base}/ (open it in a browser)",
        f"GraphQL at {base}/graphql (open it in a browser for GraphiQL)",
        "",
        "Try:  { courses(first: 5) { totalCount edges { node { id title price { formatted } "
        "platform { name } eligibility { status reasons { code } } } } } }",
        "",
        "Demo participants: send 'Authorization: Bearer <token>' to sign in as one of them.",
        *(f"  {token:<28} {what}" for token, what in participants.items()),
        "",
    ]
    return "\n".join(lines)


def _sandbox(args: argparse.Namespace) -> int:
    from sandbox import run_sandbox_forever

    asyncio.run(run_sandbox_forever(args.port_base, args.courses))
    return 0


def _schema(args: argparse.Namespace) -> int:
    from gateway.config import LimitsConfig
    from schema import build_schema

    print(build_schema(LimitsConfig()).as_str())  # the limits do not show in the SDL
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
