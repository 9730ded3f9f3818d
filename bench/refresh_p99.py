"""A refresh of every feed does not raise the p99 of concurrent queries by more than 50%: query latency while every
feed is refreshing, against the same with no refresh in progress, side by side in one run (README "Bars").

    .venv/bin/python -m bench.refresh_p99 [--courses 30000] [--seconds 3] [--rounds 6]

One sandbox serves the catalogue to two one-worker ``prakerja-gateway serve`` processes: a quiet one that reads
every feed once, at start, and a refreshing one that reads every feed again every second, while the sandbox swaps
its whole catalogue for another (other courses, other prices) every second, so every refresh finds its feed
changed and the search index is rebuilt each time. A load generator process asks them in turns for search pages
no two alike (no cache answers them). While the quiet one is measured, the refreshing one is stopped (SIGSTOP)
so that it takes no CPU from it; it continues when its own turn comes and refreshes while it is measured.
"""

from __future__ import annotations

import argparse
import random
import re
import tempfile
import threading
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

from bench.load import Turn, in_turns, load_process, needed
from bench.queries import all_different, body, title_words
from bench.report import latencies, percentile, verdict
from bench.serving import NO_REFRESH, gateway_process
from sandbox import DemoCatalogue, SandboxThread, generate

RATIO_BAR = 1.5
REFRESH_INTERVAL_S = 1.0
_REFRESHES = re.compile(r'^prakerja_feed_refreshes_total\{.*result="(\w+)".*\} (\S+)$', re.MULTILINE)


@contextmanager
def swapping(sandbox: SandboxThread, catalogues: Sequence[DemoCatalogue], every_s: float) -> Iterator[None]:
    """The sandbox serving each catalogue in turn, for ``every_s`` seconds each."""
    stop = threading.Event()

    def swap() -> None:
        n = 0
        while not stop.wait(every_s):
            n += 1
            sandbox.replace_catalogue(catalogues[n % len(catalogues)])

    thread = threading.Thread(target=swap, name="catalogue-swap", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join()


def refreshes(url: str) -> dict[str, float]:
    """Refreshes the gateway has finished so far, by result."""
    done: dict[str, float] = {}
    for result, value in _REFRESHES.findall(httpx.get(f"{url}/metrics").text):
        done[result] = done.get(result, 0) + float(value)
    return done


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.refresh_p99", description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=30_000)
    parser.add_argument("--seconds", type=float, default=3.0, help="length of each measured run")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--connections", type=int, default=1)
    args = parser.parse_args(argv)

    catalogues = [generate(args.courses, seed) for seed in (2020, 2021)]
    different = [body(v) for v in all_different(random.Random(2020), title_words(catalogues[0]),
                                                needed(2, args.rounds + 1, args.seconds))]
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack, load_process() as load:
        sandbox = stack.enter_context(SandboxThread(catalogues[0]))
        quiet = stack.enter_context(gateway_process(sandbox, Path(tmp), catalogue=NO_REFRESH))
        busy = stack.enter_context(gateway_process(sandbox, Path(tmp), catalogue={"refresh_interval_s":
                                                                                  REFRESH_INTERVAL_S}))
        stack.enter_context(swapping(sandbox, catalogues, REFRESH_INTERVAL_S))
        turns = [Turn("quiet", f"{quiet.url}/graphql", during=busy.paused),
                 Turn("refreshing", f"{busy.url}/graphql")]
        warm_up = needed(2, 1, args.seconds)
        in_turns(load, turns, different[-warm_up:], rounds=1, seconds=1, connections=args.connections)
        before = refreshes(busy.url)
        results = in_turns(load, turns, different, rounds=args.rounds, seconds=args.seconds,
                           connections=args.connections)
        after = refreshes(busy.url)

    done = {result: after.get(result, 0) - before.get(result, 0) for result in after}
    print(f"\nSearch pages no two alike; {args.courses:,} courses, the catalogue swapped"
          f" every {REFRESH_INTERVAL_S:g} s;"
          f" {args.connections} connection(s), {args.rounds} rounds of {args.seconds:g} s per gateway")
    print(f"  feed refreshes finished by the refreshing gateway while measured: "
          f"{', '.join(f'{n:.0f} {result}' for result, n in sorted(done.items()))}"
          f" (9 feeds, {args.rounds * args.seconds:g} s)")
    for name, what in (("quiet", "no refresh in progress"), ("refreshing", "every feed refreshing")):
        result = results[name]
        print(f"  {what:<24} {latencies(result.latencies)}   failures {result.failures}")
    ratio = percentile(results["refreshing"].latencies, 99) / percentile(results["quiet"].latencies, 99)
    print(f"  ratio of p99s, refreshing / quiet: {verdict(ratio, RATIO_BAR)}")
    failed = sum(result.failures for result in results.values())
    return 0 if ratio <= RATIO_BAR and not failed else 1


if __name__ == "__main__":
    raise SystemExit(main())
