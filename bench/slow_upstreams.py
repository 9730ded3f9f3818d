"""A query never waits on a platform: ``courses(first: 20)`` with every upstream answering in 2 s, against the same
with instant upstreams, side by side in one run (README "Bars").

    .venv/bin/python -m bench.slow_upstreams [--courses 5000] [--latency 2] [--seconds 3] [--rounds 5]

Two sandboxes serve the same catalogue, each read by its own one-worker ``prakerja-gateway serve`` process that
refreshes every feed every second, so refreshes are always under way. Once both are ready, every feed of one
sandbox answers after ``--latency`` seconds. A load generator process then asks the two gateways in turns for the
front page, ``courses(first: 20)`` with every Course field but ``otherOffers``. Each request carries a variable
of its own that the query does not use: graphql-core ignores it, but it makes every request new to the response
cache, so both gateways execute every query rather than one of them answering from a cache that its rarer
refreshes empty less often.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

from bench.load import Turn, in_turns, load_process, needed
from bench.queries import body, first_page
from bench.report import latencies, verdict
from bench.serving import serving
from sandbox import PLATFORMS, Fault, generate

RATIO_BAR = 2.0
REFRESH_INTERVAL_S = 1.0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.slow_upstreams", description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=5_000)
    parser.add_argument("--latency", type=float, default=2.0, help="seconds every slow upstream takes to answer")
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each measured run")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--connections", type=int, default=1)
    args = parser.parse_args(argv)

    catalogue = generate(args.courses)
    different = [body({**first_page(), "request": n}) for n in range(needed(2, args.rounds + 1, args.seconds))]
    refreshing = {"refresh_interval_s": REFRESH_INTERVAL_S}
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack, load_process() as load:
        instant, _ = stack.enter_context(serving(catalogue, Path(tmp), catalogue=refreshing))
        slow, upstreams = stack.enter_context(serving(catalogue, Path(tmp), catalogue=refreshing))
        for slug in PLATFORMS:
            upstreams.set_fault(slug, Fault(latency_s=args.latency))
        turns = [Turn("instant", f"{instant.url}/graphql"), Turn("slow", f"{slow.url}/graphql")]
        warm_up = needed(2, 1, args.seconds)
        in_turns(load, turns, different[-warm_up:], rounds=1, seconds=1, connections=args.connections)
        results = in_turns(load, turns, different, rounds=args.rounds, seconds=args.seconds,
                           connections=args.connections)

    print(f"\ncourses(first: 20), every Course field but otherOffers; {args.courses:,} courses; every feed refreshed"
          f" every {REFRESH_INTERVAL_S:g} s; {args.connections} connection(s), {args.rounds} rounds of"
          f" {args.seconds:g} s per gateway")
    for name, what in (("instant", "upstreams answering at once"),
                       ("slow", f"every upstream taking {args.latency:g} s")):
        result = results[name]
        print(f"  {what:<32} {latencies(result.latencies)}   failures {result.failures}")
    ratio = statistics.median(results["slow"].latencies) / statistics.median(results["instant"].latencies)
    print(f"  ratio of p50s, slow / instant: {verdict(ratio, RATIO_BAR)}")
    failed = sum(result.failures for result in results.values())
    return 0 if ratio <= RATIO_BAR and not failed else 1


if __name__ == "__main__":
    raise SystemExit(main())
