"""Throughput of a typical search page on one worker, against a bare Starlette endpoint, in one run (README "Bars").

    .venv/bin/python -m bench.throughput [--courses 5000] [--connections 8] [--seconds 4] [--rounds 3]

The gateway runs as a one-worker ``prakerja-gateway serve`` process over a sandbox catalogue; the yardstick, as
another one-worker uvicorn process (:mod:`bench.bare`), answers every request with the bytes the gateway answered
to the typical query. A load generator process keeps N connections busy against each in turn, round after round,
so that drift hits all alike: the bare endpoint, the gateway asked the same anonymous query over and over, the
gateway asked requests no two alike (other search text, sort and page size: no cache can answer them), and the
same with a dozen signed-in participants taking turns (each request's eligibility is the caller's own).
"""

from __future__ import annotations

import argparse
import random
import tempfile
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.load import Load, Turn, in_turns, load_process, needed
from bench.queries import all_different, body, title_words, typical
from bench.report import latencies, verdict
from bench.serving import NO_REFRESH, ServerProcess, bare_process, serving
from sandbox import DemoToken, generate

REPEATED_BAR = 0.50
UNIQUE_BAR = 0.30
SIGNED_IN_BAR = 0.25
PARTICIPANTS = [token.value for token in DemoToken][:12]
"""The dozen signed-in participants whose requests take turns in the signed-in runs."""


class CpuMeter:
    """The CPU time a server process used while its turns were measured: on a machine shared with other work,
    its CPU per request says what its throughput would be with a core of its own."""

    def __init__(self, server: ServerProcess) -> None:
        self._server = server
        self.used_s = 0.0

    @contextmanager
    def __call__(self) -> Iterator[None]:
        started = self._server.cpu_s()
        try:
            yield
        finally:
            self.used_s += self._server.cpu_s() - started


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.throughput", description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=5_000)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=4.0, help="length of each measured run")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    catalogue = generate(args.courses)
    same = body(typical(["digital", "marketing"]))
    different = [body(v) for v in all_different(random.Random(2020), title_words(catalogue),
                                                needed(2, args.rounds + 1, args.seconds))]
    with tempfile.TemporaryDirectory() as tmp, serving(catalogue, Path(tmp), catalogue=NO_REFRESH) as (gateway, _):
        recorded = httpx.post(f"{gateway.url}/graphql", content=same,
                              headers={"Content-Type": "application/json"}).content
        with bare_process(recorded, Path(tmp)) as bare, load_process() as load:
            # Warm-up: connections, parser and validation caches, the first allocations.
            for url, bodies in ((bare.url, [same]), (gateway.url, [same]), (gateway.url, different[-3000:])):
                load(Load(f"{url}/graphql", bodies, args.connections, 1, repeat=True))
            load(Load(f"{gateway.url}/graphql", different[-6000:-3000], args.connections, 1, tokens=PARTICIPANTS))
            cpu = {name: CpuMeter(server) for name, server in (("bare", bare), ("repeated", gateway),
                                                                  ("unique", gateway), ("signed-in", gateway))}
            turns = [Turn("bare", f"{bare.url}/graphql", same, during=cpu["bare"]),
                     Turn("repeated", f"{gateway.url}/graphql", same, during=cpu["repeated"]),
                     Turn("unique", f"{gateway.url}/graphql", during=cpu["unique"]),
                     Turn("signed-in", f"{gateway.url}/graphql", during=cpu["signed-in"], tokens=PARTICIPANTS)]
            results = in_turns(load, turns, different, rounds=args.rounds, seconds=args.seconds,
                               connections=args.connections)

    print(f"\nThroughput of a search page on one worker, {args.connections} connections, {args.rounds} rounds of"
          f" {args.seconds:g} s each; {args.courses:,} courses; answer {len(recorded):,} bytes")
    for name, what in (("bare", "bare Starlette, the same bytes"), ("repeated", "gateway, the same anonymous query"),
                       ("unique", "gateway, no two requests alike"),
                       ("signed-in", f"gateway, {len(PARTICIPANTS)} participants in turn")):
        result = results[name]
        print(f"  {what:<36} {result.per_second:8.0f} req/s   {latencies(result.latencies)}"
              f"   server CPU {cpu[name].used_s / result.count * 1e6:5.0f} µs/request"
              f"   failures {result.failures}   client CPU {result.client_cpu_s / result.seconds:.0%}")
    bare_rate = results["bare"].per_second
    repeated = results["repeated"].per_second / bare_rate
    unique = results["unique"].per_second / bare_rate
    signed_in = results["signed-in"].per_second / bare_rate
    print(f"  ratio gateway / bare, the same query repeated: {verdict(repeated, REPEATED_BAR, at_least=True)}")
    print(f"  ratio gateway / bare, no two requests alike:   {verdict(unique, UNIQUE_BAR, at_least=True)}")
    print(f"  ratio gateway / bare, signed in, none alike:   {verdict(signed_in, SIGNED_IN_BAR, at_least=True)}")
    per_request = {name: cpu[name].used_s / results[name].count for name in cpu}
    print("  CPU per request, bare / gateway (what the ratios would be with a core each): "
          + ", ".join(f"{name} {per_request['bare'] / per_request[name]:.2f}x"
                      for name in ("repeated", "unique", "signed-in")))
    failed = sum(result.failures for result in results.values())
    met = repeated >= REPEATED_BAR and unique >= UNIQUE_BAR and signed_in >= SIGNED_IN_BAR
    return 0 if met and not failed else 1


if __name__ == "__main__":
    raise SystemExit(main())
