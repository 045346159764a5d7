"""From a burst of posts on a watched feed to the notification: seconds, with every = 30s.

Run: .venv/bin/python benchmarks/bench_notify_latency.py [--every 30] [--runs 3]

A real feed on 127.0.0.1 holds six weeks of a brand's quiet history; `collectors watch` polls
it every ``--every`` seconds with a JSON webhook target on 127.0.0.1. Once the history is
collected, fifteen complaints published now are added to the feed, and the time until the
webhook receives the alert is measured (the poll wait included).
"""

from __future__ import annotations

import argparse
import json
import signal
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.localserver import LocalServer  # noqa: E402
from tests.receivers import Webhook  # noqa: E402


def feed(items: list[tuple[str, datetime]]) -> str:
    entries = "".join(
        f"<item><title>{title}</title><link>http://news.test/{n}</link><guid>n{n}</guid>"
        f"<pubDate>{format_datetime(when)}</pubDate></item>"
        for n, (title, when) in enumerate(items))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>news</title>{entries}'
            "</channel></rss>")


def one_run(every: int) -> float:
    hook = Webhook()
    now = datetime.now(UTC)
    history = [(f"Acme shop note {d}-{k}", (now - timedelta(days=d)).replace(hour=10 + k))
               for d in range(42, 0, -1) for k in range(3)]
    site = LocalServer({"/feed.xml": (200, {"Content-Type": "application/rss+xml"},
                                      feed(history))}).start()
    with tempfile.TemporaryDirectory() as folder:
        config = Path(folder) / "watch.toml"
        config.write_text(f"""\
[collect]
per_host_delay = 0
allow_networks = ["127.0.0.0/8"]

[[brands]]
name = "Acme"
query = "acme"

[[sources]]
name = "news"
kind = "feeds"
every = "{every}s"
urls = ["{site.url('/feed.xml')}"]

[[notify]]
name = "chat"
url = "json://127.0.0.1:{hook.port}/hook"
""", encoding="utf-8")
        db = Path(folder) / "veille.duckdb"
        proc = subprocess.Popen([sys.executable, "-m", "collectors", "watch", "--config",
                                 str(config), "--db", str(db), "--quiet"], cwd=ROOT,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        try:
            assert proc.stdout is not None
            for line in proc.stdout:  # the first poll has collected the history
                if line.startswith("news: ok"):
                    break
            burst = [(f"Acme network down, no signal {k}", datetime.now(UTC)) for k in range(15)]
            site.routes["/feed.xml"] = (200, {"Content-Type": "application/rss+xml"},
                                        feed(history + burst))
            published = time.monotonic()
            deadline = published + 10 * every
            while not hook.times and time.monotonic() < deadline:
                time.sleep(0.2)
            return hook.times[0] - published if hook.times else float("inf")
        finally:
            proc.send_signal(signal.SIGINT)
            proc.wait(timeout=60)
            site.stop()
            hook.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=int, default=30)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    results = [one_run(args.every) for _ in range(args.runs)]
    print(json.dumps({"every_s": args.every, "latency_s": [round(r, 1) for r in results]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
