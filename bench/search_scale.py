"""What a search page costs at 5,000 and at 100,000 listings, side by side in one run (README "Bars").

    .venv/bin/python -m bench.search_scale [--small 5000] [--large 100000] [--rounds 30]

Each size gets its own sandbox (the generator's realistic catalogue, read by the real adapters) and its own
gateway, run as a separate ``prakerja-gateway serve`` process so that its resident memory is the gateway's
alone. A client then asks both gateways, alternating in small batches so that drift hits both alike, for
``courses(filter: {search: …}, first: 20)`` with every Course field but ``otherOffers``, eligibility included:
once the same query over and over, once a different search text and arguments every time. Last, the
search index of the large catalogue is rebuilt in this process to time what every feed refresh costs.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import ExitStack
from pathlib import Path
from typing import Any, TypeVar

import httpx

from bench.queries import PAGE, all_different, title_words, typical
from bench.report import ms
from bench.serving import NO_REFRESH, serving
from core.domain import Listing
from core.image import Image
from core.snapshot import image_of
from refresher.indexing import index_part
from sandbox import SandboxThread, generate
from search.index import CourseFilter, CourseSort, SearchIndex
from tests.harness import GatewayThread

T = TypeVar("T")
RATIO_BAR = 3.0
RSS_BAR_MB = 600
BATCH = 10


def timed(client: httpx.Client, variables: dict[str, Any]) -> float:
    started = time.perf_counter()
    response = client.post("/graphql", json={"query": PAGE, "variables": variables})
    elapsed = time.perf_counter() - started
    body = response.json()
    if response.status_code != 200 or "errors" in body:
        raise RuntimeError(f"the search page failed: {response.status_code} {body.get('errors')}")
    return elapsed


def side_by_side(clients: Sequence[httpx.Client], requests: Sequence[Sequence[dict[str, Any]]]) -> list[list[float]]:
    """Per gateway, the latency of each of its requests; the gateways take turns, ``BATCH`` requests at a time."""
    latencies: list[list[float]] = [[] for _ in clients]
    for start in range(0, len(requests[0]), BATCH):
        for n, client in enumerate(clients):
            latencies[n].extend(timed(client, variables) for variables in requests[n][start : start + BATCH])
    return latencies


# -- the report -----------------------------------------------------------------------------------------


def compare(title: str, sizes: Sequence[int], latencies: Sequence[list[float]]) -> float:
    small, large = latencies
    ratio = statistics.median(large) / statistics.median(small)
    print(f"\n{title} ({len(small)} requests per size)")
    for size, values in zip(sizes, latencies, strict=True):
        cuts = statistics.quantiles(values, n=100)
        print(f"  {size:>7,} listings: p50 {ms(statistics.median(values))}   p90 {ms(cuts[89])}"
              f"   mean {ms(statistics.fmean(values))}")
    mean_ratio = statistics.fmean(large) / statistics.fmean(small)
    print(f"  ratio {sizes[1]:,} / {sizes[0]:,}: p50 {ratio:.2f}x, mean {mean_ratio:.2f}x"
          f"   [bar <= {RATIO_BAR:.0f}x: {'PASS' if ratio <= RATIO_BAR else 'FAIL'}]")
    return ratio


def index_costs(sandbox: SandboxThread, requests: Sequence[dict[str, Any]]) -> None:
    """Rebuild the large catalogue's index in this process: what the refresher's work costs; what loading its
    image costs a server; and a search without HTTP."""
    with GatewayThread(sandbox.gateway_config(catalogue=NO_REFRESH)) as gateway:
        gateway.wait_ready(timeout_s=600)
        served = gateway.catalogue.snapshot
        listings = list(served.index.listings)
    by_platform: dict[str, list[Listing]] = {}
    for listing in listings:
        by_platform.setdefault(listing.platform, []).append(listing)
    biggest = max(by_platform.values(), key=len)
    tokenised, parts = _timed_s(lambda: {slug: index_part(part) for slug, part in by_platform.items()})
    one_part, _ = _timed_s(lambda: index_part(biggest))
    built, image = _timed_s(lambda: image_of(parts, {}).to_bytes())
    loaded, index = _timed_s(lambda: SearchIndex(Image(image)))
    print(f"\nIndex build at {index.size:,} listings (in this process)")
    print(f"  every platform's part (tokenising, postings):  {tokenised:6.2f} s   <- the refresher's process")
    print(f"  the largest platform's part ({len(biggest):,} listings): {one_part:6.2f} s"
          "   <- a refresh of that feed")
    print(f"  the snapshot's image from the parts ({len(image) / 1e6:.0f} MB): {built:6.2f} s   <- the refresher")
    print(f"  a server loading that image:                   {loaded * 1000:6.2f} ms  <- every serving process")
    searched, _ = _timed_s(lambda: [
        index.search(CourseFilter(search=r["filter"]["search"]), CourseSort(r["sort"]), r["first"]) for r in requests
    ])
    print(f"  SearchIndex.search alone, requests no two alike: {ms(searched / len(requests))} each")


def _timed_s(work: Callable[[], T]) -> tuple[float, T]:
    started = time.perf_counter()
    result = work()
    return time.perf_counter() - started, result


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_scale", description=__doc__.splitlines()[0])
    parser.add_argument("--small", type=int, default=5_000)
    parser.add_argument("--large", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=30, help=f"batches of {BATCH} requests per size and mode")
    args = parser.parse_args(argv)
    sizes = (args.small, args.large)
    rng = random.Random(2020)
    count = args.rounds * BATCH

    started = time.perf_counter()
    catalogues = [generate(size) for size in sizes]
    titles = title_words(catalogues[0])
    print(f"catalogues generated: {', '.join(f'{len(c):,}' for c in catalogues)} listings"
          f" ({time.perf_counter() - started:.1f} s); titles to search: {len(titles):,}")
    with tempfile.TemporaryDirectory() as workdir, ExitStack() as stack:
        running = [stack.enter_context(serving(catalogue, Path(workdir), catalogue=NO_REFRESH))
                   for catalogue in catalogues]
        gateways = [gateway for gateway, _ in running]
        loaded = [gateway.memory_mb() for gateway in gateways]
        print(f"gateways ready ({time.perf_counter() - started:.1f} s)")
        clients = [stack.enter_context(httpx.Client(base_url=gateway.url, timeout=60)) for gateway in gateways]

        same = typical(["digital", "marketing"])
        side_by_side(clients, [[same] * BATCH] * 2)  # warm up: connections, parser caches, first allocations
        repeated = side_by_side(clients, [[same] * count] * 2)
        different = all_different(rng, titles, count * 2)
        fresh = side_by_side(clients, [different[:count], different[count:]])

        print("\nA search page: courses(filter: {search: ...}, first: 20), every Course field but otherOffers,"
              " eligibility, totalCount and facets, over HTTP")
        ratios = [
            compare(f"The same query repeated: {same['filter']['search']!r}", sizes, repeated),
            compare("No two requests alike (search text, sort, page size)", sizes, fresh),
        ]
        now, peak = gateways[1].memory_mb()
        print(f"\nGateway process memory at {sizes[1]:,} listings: RSS {now:.0f} MB after the run,"
              f" {loaded[1][0]:.0f} MB once loaded, peak {peak:.0f} MB"
              f"   [bar < {RSS_BAR_MB} MB: {'PASS' if peak < RSS_BAR_MB else 'FAIL'}]")
        print(f"  (at {sizes[0]:,} listings: RSS {gateways[0].memory_mb()[0]:.0f} MB)")
        index_costs(running[1][1], different[count:])
    worst = max(ratios)
    print(f"\nWorst p50 ratio {worst:.2f}x (bar {RATIO_BAR:.0f}x); peak RSS {peak:.0f} MB (bar {RSS_BAR_MB} MB)")
    return 0 if worst <= RATIO_BAR and peak < RSS_BAR_MB else 1


if __name__ == "__main__":
    raise SystemExit(main())
