"""The yardstick of the throughput bar: a bare Starlette endpoint answering fixed JSON bytes, on one uvicorn worker
configured as ``prakerja-gateway serve`` configures its own, so the two differ only in what the gateway does.

    .venv/bin/python -m bench.bare --port P --body FILE
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def bare_app(body: bytes) -> Starlette:
    async def answer(request: Request) -> Response:
        await request.body()  # a real endpoint reads what it was sent
        return Response(body, media_type="application/json")

    return Starlette(routes=[Route("/", answer, methods=["GET"]), Route("/graphql", answer, methods=["POST"])])


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.bare", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--body", type=Path, required=True, help="the bytes every answer carries")
    args = parser.parse_args(argv)
    app = bare_app(args.body.read_bytes())
    uvicorn.run(app, host="127.0.0.1", port=args.port, access_log=False, log_config=None)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
