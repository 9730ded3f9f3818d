"""Time for a gateway to be ready at 100,000 listings: reading every feed, against starting from a snapshot file.

    .venv/bin/python -m bench.time_to_ready [--courses 100000]

One sandbox serves the catalogue. A first gateway starts with an empty snapshot file: it is ready once every feed
was read (and writes the file). A second starts with that file while every feed is down: it is ready at once.
Each time is from starting the process to ``/readyz`` answering 200 with every course listed.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

from bench.serving import gateway_process
from sandbox import Fault, SandboxThread, generate

COUNT = "{ courses(first: 1) { totalCount } }"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.time_to_ready", description=__doc__.splitlines()[0])
    parser.add_argument("--courses", type=int, default=100_000)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as tmp, SandboxThread(generate(args.courses)) as sandbox:
        snapshot = Path(tmp) / "catalogue.snapshot"
        catalogue = {"snapshot_file": str(snapshot), "refresh_interval_s": 3600}
        on_sale = len(sandbox.catalogue.on_sale())
        timings = {}
        for name in ("feeds", "snapshot"):
            if name == "snapshot":
                for slug in sandbox.gateway_config()["platforms"]:
                    sandbox.set_fault(slug, Fault(status=503))
            started = time.perf_counter()
            with gateway_process(sandbox, Path(tmp), catalogue=catalogue) as gateway:
                timings[name] = time.perf_counter() - started
                total = httpx.post(f"{gateway.url}/graphql", json={"query": COUNT}).json()["data"]["courses"]
                assert total["totalCount"] == on_sale, (name, total, on_sale)

    print(f"\nTime to ready at {args.courses:,} listings ({on_sale:,} courses on sale)")
    print(f"  reading every feed:           {timings['feeds']:7.2f} s")
    print(f"  from the snapshot file, every feed down: {timings['snapshot']:7.2f} s")
    print(f"  ratio snapshot / feeds: {timings['snapshot'] / timings['feeds']:.3f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
