"""Throughput with ``workers = 2`` against ``workers = 1`` on this machine, side by side in one run.

    .venv/bin/python -m bench.workers [--courses 5000] [--connections 16] [--seconds 4] [--rounds 3]

Two gateway processes read one sandbox catalogue (each reads its feeds once): one with one worker, one with two.
A load generator process asks them in turns for search pages no two alike (no cache answers them), the one not
measured paused (SIGSTOP, refresher and workers included) so that it takes no CPU.
"""

from __future__ import annotations

import argparse
import random
import tempfile
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

from bench.load import Turn, in_turns, load_process, needed
from bench.queries import all_different, body, title_words
from bench.report import latencies
from bench.serving import NO_REFRESH, gateway_process
from sandbox import SandboxThread, generate


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.workers", description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=5_000)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--seconds", type=float, default=4.0, help="length of each measured run")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args(argv)

    catalogue = generate(args.courses)
    different = [body(v) for v in all_different(random.Random(2020), title_words(catalogue),
                                                needed(2, args.rounds + 1, args.seconds))]
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack, load_process() as load:
        sandbox = stack.enter_context(SandboxThread(catalogue))
        one = stack.enter_context(gateway_process(sandbox, Path(tmp), catalogue=NO_REFRESH))
        two = stack.enter_context(gateway_process(sandbox, Path(tmp), catalogue=NO_REFRESH, server={"workers": 2}))
        turns = [Turn("one", f"{one.url}/graphql", during=two.paused),
                 Turn("two", f"{two.url}/graphql", during=one.paused)]
        in_turns(load, turns, different[-needed(2, 1, 1):], rounds=1, seconds=1, connections=args.connections)
        results = in_turns(load, turns, different, rounds=args.rounds, seconds=args.seconds,
                           connections=args.connections)

    print(f"\nSearch pages no two alike, {args.connections} connections, {args.rounds} rounds of {args.seconds:g} s;"
          f" {args.courses:,} courses")
    for name, what in (("one", "workers = 1"), ("two", "workers = 2")):
        result = results[name]
        print(f"  {what:<12} {result.per_second:8.0f} req/s   {latencies(result.latencies)}"
              f"   failures {result.failures}   client CPU {result.client_cpu_s / result.seconds:.0%}")
    ratio = results["two"].per_second / results["one"].per_second
    print(f"  ratio workers = 2 / workers = 1: {ratio:.2f}x (the load generator shares the machine's cores)")
    return 0 if not any(result.failures for result in results.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
