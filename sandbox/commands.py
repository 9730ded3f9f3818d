"""``prakerja-gateway demo`` and ``prakerja-gateway sandbox``: commands the sandbox adds to the gateway's CLI.

They are found through the ``prakerja_gateway.commands`` entry points, so the production CLI never imports the
simulator.
"""

from __future__ import annotations

import argparse
import asyncio

from core.config import parse_config
from gateway.cli import CommandGroup, gateway_server, listen

from .catalogue import generate
from .participants import DEMO_PARTICIPANTS
from .server import Sandbox, run_sandbox_forever


def add_demo(commands: CommandGroup) -> None:
    demo = commands.add_parser("demo", help="run the sandbox upstreams and a gateway wired to them")
    demo.add_argument("--port", type=int, default=8000, help="the gateway's port (default 8000; 0 = any free)")
    demo.add_argument("--courses", type=int, default=3000, help="size of the demo catalogue")
    demo.set_defaults(run=_demo)


def add_sandbox(commands: CommandGroup) -> None:
    sandbox = commands.add_parser("sandbox", help="run the simulated upstreams alone")
    sandbox.add_argument("--port-base", type=int, default=9100)
    sandbox.add_argument("--courses", type=int, default=3000)
    sandbox.set_defaults(run=_sandbox)


def _demo(args: argparse.Namespace) -> int:
    asyncio.run(_run_demo(args.port, args.courses))
    return 0


async def _run_demo(port: int, courses: int) -> None:
    sandbox = Sandbox(generate(courses))
    await sandbox.start()
    try:
        config = parse_config(sandbox.gateway_config(server={"port": port}))
        listener = listen(config.server.host, port)
        url = f"http://{config.server.host}:{listener.getsockname()[1]}/graphql"
        print(_banner(url, DEMO_PARTICIPANTS), flush=True)
        await gateway_server(config, config.server.host, port).serve(sockets=[listener])
    finally:
        await sandbox.stop()


def _banner(url: str, participants: dict[str, str]) -> str:
    lines = [
        "",
        f"prakerja-gateway demo: GraphQL at {url} (open it in a browser for GraphiQL)",
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
    asyncio.run(run_sandbox_forever(args.port_base, args.courses))
    return 0
