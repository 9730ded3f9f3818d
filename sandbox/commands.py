"""``prakerja-gateway demo`` and ``prakerja-gateway sandbox``: commands the sandbox adds to the gateway's CLI.

They are found through the ``prakerja_gateway.commands`` entry points, so the production CLI never imports the
simulator.
"""

from __future__ import annotations

import argparse
import asyncio

from core.commands import CommandGroup
from core.config import ServerConfig, parse_config
from gateway.cli import CannotListen, count, gateway_server, listen, port_number

from .catalogue import generate
from .participants import DEMO_PARTICIPANT_LABELS, DEMO_PARTICIPANTS
from .server import Sandbox, run_sandbox_forever


def add_demo(commands: CommandGroup) -> None:
    demo = commands.add_parser(
        "demo", help="run the sandbox upstreams and a gateway wired to them, GraphiQL on",
        description="Run the simulated upstreams of every platform and a gateway wired to them; no configuration.",
    )
    demo.add_argument("--port", type=port_number, default=8000, help="the gateway's port on 127.0.0.1; 0 = any free")
    demo.add_argument("--courses", type=count, default=3000, help="listings in the demo catalogue")
    demo.set_defaults(run=_demo)


def add_sandbox(commands: CommandGroup) -> None:
    sandbox = commands.add_parser(
        "sandbox", help="run the simulated upstreams alone",
        description="Run the simulated upstreams alone: each platform's feed and the participant service.",
    )
    sandbox.add_argument("--port-base", type=port_number, default=9100,
                         help="the participant service's port; the feeds take the next ones; 0 = any free")
    sandbox.add_argument("--courses", type=count, default=3000, help="listings in the demo catalogue")
    sandbox.set_defaults(run=_sandbox)


def _demo(args: argparse.Namespace) -> int:
    asyncio.run(_run_demo(args.port, args.courses))
    return 0


async def _run_demo(port: int, courses: int) -> None:
    listener = listen(ServerConfig.host, port)  # before anything starts: a busy port is said at once
    sandbox = Sandbox(generate(courses))
    await sandbox.start()
    try:
        config = parse_config(sandbox.gateway_config(server={"port": port, "graphiql": True}))
        base = f"http://{config.server.host}:{listener.getsockname()[1]}"
        print(_banner(base, DEMO_PARTICIPANTS), flush=True)
        server = gateway_server(config, config.server.host, port, demo_participants=DEMO_PARTICIPANT_LABELS)
        await server.serve(sockets=[listener])
    finally:
        await sandbox.stop()


def _banner(base: str, participants: dict[str, str]) -> str:
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
    try:
        asyncio.run(run_sandbox_forever(args.port_base, args.courses))
    except OSError as exc:  # a port of the range is taken
        raise CannotListen(f"cannot listen on ports from {args.port_base}: {exc.strerror or exc}") from None
    return 0
