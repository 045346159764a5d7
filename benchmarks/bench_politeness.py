"""Politeness and memory at scale: 10,000 pages across 100 local hosts through Fetcher.get_many.

Run: .venv/bin/python benchmarks/bench_politeness.py [--pages 10000] [--hosts 100] [--delay 0.2]

The hosts are 127.0.0.2 ... 127.0.0.101 (Linux routes all of 127.0.0.0/8 to loopback), each a
real HTTP server in a separate process, so the fetching process's peak memory is its own. The
servers log the arrival time of every request; the script checks from those logs that no host
received two requests closer than ``per_host_delay``, and prints the figures.
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

PAGE = ("<html><head><title>Page {n}</title></head><body><article><h1>Opalia {n}</h1>"
        "<p>{filler}</p></article></body></html>")


def serve(hosts: int) -> None:
    """Child process: one server per host address; print the ports, then the log on stdin EOF."""
    from tests.localserver import LocalServer

    body = PAGE.format(n=0, filler="Opalia et ses concurrents. " * 40).encode()
    servers = []
    for i in range(hosts):
        server = LocalServer(host=f"127.0.0.{i + 2}",
                             fallback=(200, {"Content-Type": "text/html"}, body)).start()
        servers.append(server)
    print(json.dumps([s.url("") for s in servers]), flush=True)
    sys.stdin.read()
    print(json.dumps([[r.time for r in s.requests] for s in servers]), flush=True)
    for server in servers:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--hosts", type=int, default=100)
    parser.add_argument("--delay", type=float, default=0.2)
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.hosts)
        return

    from collectors.http import Fetcher
    from config.watch import CollectSettings

    child = subprocess.Popen([sys.executable, __file__, "--serve", "--hosts", str(args.hosts)],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT)
    bases = json.loads(child.stdout.readline())
    urls = [f"{bases[n % len(bases)]}page/{n}" for n in range(args.pages)]
    settings = CollectSettings(per_host_delay=args.delay, timeout=20.0,
                               allow_networks=[ipaddress.ip_network("127.0.0.0/8")])
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    fetcher = Fetcher(settings, respect_robots=False)
    ok = failed = 0
    started = time.perf_counter()
    try:
        for _url, result in fetcher.get_many(urls):
            if isinstance(result, Exception):
                failed += 1
            else:
                ok += 1
                _ = result.text  # decode as a collector would, then let it go
    finally:
        close = getattr(fetcher, "close", None)
        if close:
            close()
    elapsed = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    child.stdin.close()
    logs = json.loads(child.stdout.readline())
    child.wait(timeout=60)

    ordered = [sorted(times) for times in logs]
    gaps = [b - a for times in ordered for a, b in zip(times, times[1:], strict=False)]
    below = [g for g in gaps if g < args.delay]
    served = sum(len(t) for t in logs)
    print(f"hosts: {len(bases)} addresses (127.0.0.2-127.0.0.{len(bases) + 1}), "
          f"{args.pages:,} pages, per_host_delay {args.delay} s, "
          f"{getattr(fetcher, 'max_workers', '?')} workers")
    print(f"fetched ok {ok:,}, failed {failed:,}, requests served {served:,}, "
          f"in {elapsed:.1f} s ({ok / elapsed:,.0f} pages/s; the delay alone allows "
          f"{len(bases) / args.delay:,.0f}/s)")
    print(f"peak RSS of the fetching process: {peak / 1024:.0f} MB "
          f"(before fetching {before / 1024:.0f} MB)")
    print(f"per-host gaps: min {min(gaps):.3f} s, median {sorted(gaps)[len(gaps) // 2]:.3f} s; "
          f"gaps under the delay: {len(below)}"
          + (f" (smallest {min(below):.4f} s)" if below else ""))
    if below or failed:
        sys.exit(1)


if __name__ == "__main__":
    main()
