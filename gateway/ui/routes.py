"""The routes of the participants' comparison page: ``/``, its files under ``/ui/``, and the demo's participants.

The page is plain files that call the public ``/graphql`` API like any other client; nothing here computes for it.
"""

from __future__ import annotations

from collections.abc import Mapping

from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

STATIC = ("gateway.ui", "static")
"""The page's files, as package data: a non-editable install serves them too."""

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
"""Everything from the gateway itself: the page works on a machine without internet, and injected markup could
neither load a script nor send a pasted token elsewhere."""


def page_routes(demo_participants: Mapping[str, str]) -> list[BaseRoute]:
    """The page's routes. ``demo_participants`` (token → what the participant shows) is offered to sign in with; the
    demo passes its own, a production gateway none, so no token is ever published."""
    files = StaticFiles(packages=[STATIC])
    index, found = files.lookup_path("index.html")
    if found is None:
        raise RuntimeError("the page's index.html is not installed: package data of gateway.ui is missing")
    offered = [{"token": token, "label": label} for token, label in demo_participants.items()]

    async def page(request: Request) -> Response:
        return FileResponse(index, headers={"Content-Security-Policy": CONTENT_SECURITY_POLICY})

    async def demo(request: Request) -> Response:
        return JSONResponse(offered, headers={"Cache-Control": "no-store"})

    return [
        Route("/", page),
        Route("/ui/demo-participants.json", demo),
        Mount("/ui", app=files),
    ]
