"""The sandbox: every platform feed and the participant service, each on its own loopback port.

``Sandbox`` runs in the caller's event loop (async tests, ``prakerja-gateway demo``); ``SandboxThread`` runs one
in a background thread with its own loop, for synchronous test fixtures.
"""

from __future__ import annotations

import asyncio
import hmac
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import Any, Final, TypeVar

from aiohttp import web
from aiohttp.typedefs import Handler, Middleware

from .catalogue import DemoCatalogue, generate
from .faults import Fault, control_routes, fault_middleware
from .feeds import FEEDS, Feed
from .http import CONTROL_PREFIX, json_response
from .participants import DEMO_PARTICIPANTS, Participant, ParticipantService
from .platforms import NAMES, PLATFORMS, STANDARD_FEED

T = TypeVar("T")

PARTICIPANTS: Final = "participants"
DEFAULT_API_KEYS: Final[dict[str, str]] = {
    "tokopedia": "sandbox-tokopedia-5c1f9e2a",
    "skillacademy": "sandbox-skillacademy-b83d4a07",
    "bukalapak": "sandbox-bukalapak-e6a2c915",
}
"""The platforms that require an api key (platforms.md: Tokopedia, Skill Academy, Bukalapak) and theirs."""
SHUTDOWN_TIMEOUT_S: Final = 0.5


class Sandbox:
    """The simulated upstreams. Mutable at run time: ``faults``, ``api_keys``, the catalogue, participants."""

    def __init__(
        self,
        catalogue: DemoCatalogue | None = None,
        *,
        courses: int = 3000,
        seed: int = 2020,
        api_keys: Mapping[str, str] | None = None,
    ) -> None:
        self._catalogue = catalogue if catalogue is not None else generate(courses, seed)
        self.faults: dict[str, Fault] = {}
        """Slug (or ``"participants"``) → the fault its next requests meet."""
        self.requests: Counter[str] = Counter()
        """Slug (or ``"participants"``) → requests received, faulted ones included, control endpoints aside."""
        self.api_keys: dict[str, str] = dict(DEFAULT_API_KEYS if api_keys is None else api_keys)
        """Slug → the key that platform requires; an empty or absent key means none is checked."""
        self.feeds: dict[str, Feed] = {cls.slug: cls(self._catalogue) for cls in FEEDS}
        self.participants = ParticipantService(self._catalogue)
        self.urls: dict[str, str] = {}
        """Slug (and ``"participants"``) → base URL without a trailing slash; filled by :meth:`start`."""
        self._runners: list[web.AppRunner] = []
        self._released = asyncio.Event()

    # -- run time changes ---------------------------------------------------------------------------

    @property
    def catalogue(self) -> DemoCatalogue:
        return self._catalogue

    @catalogue.setter
    def catalogue(self, catalogue: DemoCatalogue) -> None:
        self.replace_catalogue(catalogue)

    def replace_catalogue(self, catalogue: DemoCatalogue) -> None:
        """Serve ``catalogue`` from the next request on (new ETags; demo purchases redrawn from it)."""
        self._catalogue = catalogue
        for feed in self.feeds.values():
            feed.catalogue = catalogue
        self.participants.use_catalogue(catalogue)

    def set_fault(self, key: str, fault: Fault | None) -> None:
        """Set (or with ``None`` clear) the fault of a platform slug or ``"participants"``."""
        if fault is None:
            self.faults.pop(key, None)
        else:
            self.faults[key] = fault

    def add_participant(self, token: str, participant: Participant) -> None:
        self.participants.add(token, participant)

    def remove_participant(self, token: str) -> None:
        self.participants.remove(token)

    # -- life cycle ---------------------------------------------------------------------------------

    async def start(self, host: str = "127.0.0.1", port_base: int = 0) -> None:
        """Listen: with ``port_base`` 0 on free ports, else participants on it and the platforms after it."""
        if self._runners:
            raise RuntimeError("the sandbox is already running")
        self._released = asyncio.Event()
        apps = [(PARTICIPANTS, self._participants_app()), *((slug, self._feed_app(slug)) for slug in PLATFORMS)]
        try:
            for n, (key, app) in enumerate(apps):
                port = await self._serve(app, host, port_base + n if port_base else 0)
                self.urls[key] = f"http://{_host_in_url(host)}:{port}"
        except BaseException:
            await self.stop()
            raise

    async def stop(self) -> None:
        self._released.set()  # hanging requests end now rather than holding the shutdown
        runners, self._runners = self._runners, []
        for runner in runners:
            await runner.cleanup()
        self.urls.clear()

    async def __aenter__(self) -> Sandbox:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _serve(self, app: web.Application, host: str, port: int) -> int:
        # handler_cancellation: a request hanging on a fault ends when its client gives up.
        runner = web.AppRunner(app, handle_signals=False, access_log=None, handler_cancellation=True,
                               shutdown_timeout=SHUTDOWN_TIMEOUT_S)
        await runner.setup()
        self._runners.append(runner)
        await web.TCPSite(runner, host, port).start()
        address = runner.addresses[0]
        return int(address[1])

    def _feed_app(self, slug: str) -> web.Application:
        feed = self.feeds[slug]
        app = web.Application(middlewares=[
            _counting_middleware(slug, self.requests),
            fault_middleware(slug, self.faults, self._released, feed.spoil),
            _api_key_middleware(feed, self.api_keys),
        ])
        app.add_routes([*feed.routes(), *control_routes(slug, self.faults, in_band=feed.in_band_errors)])
        return app

    def _participants_app(self) -> web.Application:
        app = web.Application(middlewares=[
            _counting_middleware(PARTICIPANTS, self.requests),
            fault_middleware(PARTICIPANTS, self.faults, self._released),
        ])
        app.add_routes([*self.participants.routes(), *control_routes(PARTICIPANTS, self.faults)])
        return app

    # -- pointing a gateway at it -------------------------------------------------------------------

    def gateway_config(self, **overrides: Any) -> dict[str, Any]:
        """A gateway configuration document (spec README) for this sandbox, ``overrides`` merged in deeply.

        E.g. ``gateway_config(catalogue={"refresh_interval_s": 1}, platforms={"pintaria": {"suspended": True}})``;
        a value of ``None`` removes the key (``platforms={"karirmu": None}``).
        """
        if not self.urls:
            raise RuntimeError("start the sandbox first: its URLs are not known yet")
        platforms: dict[str, Any] = {}
        for slug in PLATFORMS:
            section: dict[str, Any] = {"base_url": self.urls[slug], "api_key": self.api_keys.get(slug, "")}
            if slug in STANDARD_FEED:
                section |= {"adapter": "standard", "name": NAMES[slug]}
            platforms[slug] = section
        config = {"participants": {"base_url": self.urls[PARTICIPANTS]}, "platforms": platforms}
        return _merged(config, overrides)


def _counting_middleware(key: str, counts: Counter[str]) -> Middleware:
    @web.middleware
    async def count(request: web.Request, handler: Handler) -> web.StreamResponse:
        if not request.path.startswith(CONTROL_PREFIX):
            counts[key] += 1
        return await handler(request)

    return count


def _api_key_middleware(feed: Feed, api_keys: Mapping[str, str]) -> Middleware:
    @web.middleware
    async def check(request: web.Request, handler: Handler) -> web.StreamResponse:
        expected = api_keys.get(feed.slug, "")
        if expected and not request.path.startswith(CONTROL_PREFIX) and not _key_matches(request, feed, expected):
            headers = {"WWW-Authenticate": feed.key_scheme} if feed.key_scheme else None
            return json_response({"error": "missing or invalid api key"}, status=401, headers=headers)
        return await handler(request)

    return check


def _key_matches(request: web.Request, feed: Feed, expected: str) -> bool:
    sent = request.headers.get(feed.key_header, "")
    if feed.key_scheme:
        scheme, _, sent = sent.partition(" ")
        if scheme.lower() != feed.key_scheme.lower():
            return False
    return hmac.compare_digest(sent.strip().encode(), expected.encode())


def _host_in_url(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _merged(base: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in overrides.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, Mapping) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


class SandboxThread:
    """A :class:`Sandbox` running in a background thread with its own event loop.

    Use as a context manager. The setters run on the sandbox's loop, so they are safe from any thread.
    """

    def __init__(
        self,
        catalogue: DemoCatalogue | None = None,
        *,
        courses: int = 3000,
        seed: int = 2020,
        api_keys: Mapping[str, str] | None = None,
        host: str = "127.0.0.1",
        port_base: int = 0,
    ) -> None:
        self.sandbox = Sandbox(catalogue, courses=courses, seed=seed, api_keys=api_keys)
        self._host = host
        self._port_base = port_base
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def urls(self) -> dict[str, str]:
        return self.sandbox.urls

    @property
    def catalogue(self) -> DemoCatalogue:
        return self.sandbox.catalogue

    @property
    def faults(self) -> dict[str, Fault]:
        """The live fault table (reading is safe; prefer :meth:`set_fault` for changes from another thread)."""
        return self.sandbox.faults

    @property
    def api_keys(self) -> dict[str, str]:
        return self.sandbox.api_keys

    @property
    def participants(self) -> ParticipantService:
        return self.sandbox.participants

    def set_fault(self, key: str, fault: Fault | None) -> None:
        """Set (or with ``None`` clear) the fault of a platform slug or ``"participants"``."""
        self.call(lambda: self.sandbox.set_fault(key, fault))

    def clear_faults(self) -> None:
        self.call(self.sandbox.faults.clear)

    def request_count(self, key: str) -> int:
        """Requests a platform slug (or ``"participants"``) has received so far, control endpoints aside."""
        return self.call(lambda: self.sandbox.requests[key])

    def set_api_key(self, slug: str, key: str) -> None:
        """Require ``key`` from platform ``slug`` (an empty key: require none)."""
        self.call(lambda: self.sandbox.api_keys.update({slug: key}))

    def replace_catalogue(self, catalogue: DemoCatalogue) -> None:
        self.call(lambda: self.sandbox.replace_catalogue(catalogue))

    def add_participant(self, token: str, participant: Participant) -> None:
        self.call(lambda: self.sandbox.add_participant(token, participant))

    def remove_participant(self, token: str) -> None:
        self.call(lambda: self.sandbox.remove_participant(token))

    def gateway_config(self, **overrides: Any) -> dict[str, Any]:
        return self.sandbox.gateway_config(**overrides)

    def call(self, function: Callable[[], T]) -> T:
        """Run ``function`` on the sandbox's loop and return its result."""
        if self._loop is None:
            return function()  # not started: nothing else touches the sandbox

        async def run() -> T:
            return function()

        return asyncio.run_coroutine_threadsafe(run(), self._loop).result()

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the sandbox thread is already running")
        ready = threading.Event()
        failure: list[BaseException] = []

        def serve() -> None:
            loop = asyncio.new_event_loop()
            try:
                loop.run_until_complete(self.sandbox.start(self._host, self._port_base))
            except BaseException as exc:
                failure.append(exc)
                ready.set()
                loop.close()
                return
            self._loop = loop
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(self.sandbox.stop())
                loop.close()

        self._thread = threading.Thread(target=serve, name="prakerja-sandbox", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            self._thread.join()
            self._thread = None
            raise failure[0]

    def stop(self) -> None:
        if self._thread is None or self._loop is None:
            return
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join()
        self._thread = None
        self._loop = None

    def __enter__(self) -> SandboxThread:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        self.stop()


def describe(sandbox: Sandbox) -> str:
    """What a person needs to use a running sandbox: URLs, api keys, demo tokens."""
    lines = [f"Prakerja sandbox: {len(sandbox.catalogue)} listings (seed {sandbox.catalogue.seed})", ""]
    for key, url in sandbox.urls.items():
        api_key = sandbox.api_keys.get(key, "")
        lines.append(f"  {key:<14} {url}" + (f"   api key: {api_key}" if api_key else ""))
    lines += ["", "Demo participants (Authorization: Bearer <token>):"]
    lines += [f"  {token}  {text}" for token, text in DEMO_PARTICIPANTS.items()]
    return "\n".join(lines)


def config_toml(config: Mapping[str, Any]) -> str:
    """A configuration document as TOML (just what :meth:`Sandbox.gateway_config` produces: tables of scalars)."""
    out: list[str] = []

    def table(path: str, values: Mapping[str, Any]) -> None:
        scalars = {k: v for k, v in values.items() if not isinstance(v, Mapping)}
        if scalars:
            out.append(f"[{path}]")
            out.extend(f"{k} = {_toml_value(v)}" for k, v in scalars.items())
            out.append("")
        for k, v in values.items():
            if isinstance(v, Mapping):
                table(f"{path}.{k}" if path else k, v)

    table("", config)
    return "\n".join(out)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, Iterable):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML")


async def run_sandbox_forever(port_base: int = 9100, courses: int = 3000, *, seed: int = 2020,
                              host: str = "127.0.0.1") -> None:
    """``prakerja-gateway sandbox``: serve until cancelled, after printing the URLs and a matching gateway config."""
    sandbox = Sandbox(generate(courses, seed))
    await sandbox.start(host, port_base)
    try:
        print(describe(sandbox))
        print("\nA gateway configuration for it:\n")
        print(config_toml(sandbox.gateway_config()), flush=True)
        await asyncio.Event().wait()
    finally:
        await sandbox.stop()
