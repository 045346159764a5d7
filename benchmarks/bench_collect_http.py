"""Fetch 2,000 local HTML pages over several hosts with Fetcher.get_many (+ trafilatura), and poll
50 local feeds with the feeds collector: pages/s, items/s and peak memory."""

from __future__ import annotations

import argparse
import ipaddress
import multiprocessing
import random
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WORDS = ("la boulangerie dupont lance une nouvelle gamme de croissants au beurre et les clients "
         "saluent la qualité mais trouvent le prix élevé pour un produit de quartier alors que "
         "la concurrence propose des offres moins chères avec une livraison rapide en ville et "
         "un service client attentif qui répond aux questions des lecteurs chaque matin").split()


def page(rng: random.Random, n: int) -> str:
    paragraphs = "\n".join(
        "<p>" + " ".join(rng.choice(WORDS) for _ in range(rng.randint(60, 140))) + ".</p>"
        for _ in range(rng.randint(6, 14)))
    menu = " | ".join(f'<a href="/rubrique/{i}">Rubrique {i}</a>' for i in range(30))
    return (f"<!DOCTYPE html><html lang='fr'><head><title>Article {n}</title>"
            f"<meta name='author' content='Auteur {n % 17}'></head><body><nav>{menu}</nav>"
            f"<article><h1>Article {n}</h1>{paragraphs}</article>"
            f"<footer>{menu} — mentions légales, cookies, contact</footer></body></html>")


def feed(host: str, k: int, links: list[str]) -> str:
    items = "".join(
        f"<item><title>Entrée {k}-{i}</title><link>{url}</link><guid>{url}</guid>"
        f"<pubDate>Mon, 01 Jun 2026 {i % 24:02d}:00:00 GMT</pubDate>"
        f"<description>&lt;p&gt;Résumé de l'entrée {i} du flux {k}.&lt;/p&gt;</description></item>"
        for i, url in enumerate(links))
    return (f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
            f"<title>Flux {k}</title><link>http://{host}/</link><description>d</description>"
            f"{items}</channel></rss>")


def serve(hosts: int, pages: int, feeds: int, queue, stop) -> None:
    """Child process: one LocalServer per 127.0.0.x host, pages and feeds spread over them."""
    from tests.localserver import LocalServer

    rng = random.Random(7)
    servers = [LocalServer(host=f"127.0.0.{h + 1}").start() for h in range(hosts)]
    urls: list[str] = []
    for n in range(pages):
        srv = servers[n % hosts]
        body = page(rng, n).encode("utf-8")
        srv.routes[f"/p/{n}"] = (200, {"Content-Type": "text/html; charset=utf-8"}, body)
        urls.append(srv.url(f"/p/{n}"))
    feed_urls = []
    for k in range(feeds):
        srv = servers[k % hosts]
        links = [urls[(k * 40 + i) % pages] for i in range(40)]
        srv.routes[f"/feed/{k}.xml"] = (200, {"Content-Type": "application/rss+xml"},
                                        feed(srv.netloc, k, links))
        feed_urls.append(srv.url(f"/feed/{k}.xml"))
    queue.put((urls, feed_urls))
    stop.wait()
    for srv in servers:
        srv.stop()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--hosts", type=int, default=4)
    parser.add_argument("--feeds", type=int, default=50)
    parser.add_argument("--delay", type=float, default=0.0, help="per_host_delay in seconds")
    args = parser.parse_args()

    import trafilatura

    from collectors.base import Context
    from collectors.feeds import FeedsCollector
    from collectors.http import Fetcher, FetchError
    from config.watch import CollectSettings

    queue, stop = multiprocessing.Queue(), multiprocessing.Event()
    child = multiprocessing.Process(target=serve, daemon=True,
                                    args=(args.hosts, args.pages, args.feeds, queue, stop))
    child.start()
    urls, feed_urls = queue.get(timeout=120)
    settings = CollectSettings(per_host_delay=args.delay, timeout=20.0,
                               allow_networks=[ipaddress.ip_network("127.0.0.0/8")])
    base_mb = peak_mb()
    try:
        with Fetcher(settings) as http:
            started = time.perf_counter()
            fetched = sum(1 for _, r in http.get_many(urls) if not isinstance(r, FetchError))
            fetch_s = time.perf_counter() - started
            fetch_mb = peak_mb()

        with Fetcher(settings) as http:
            started = time.perf_counter()
            extracted = chars = 0
            for _, result in http.get_many(urls):
                if isinstance(result, FetchError):
                    continue
                text = trafilatura.extract(result.text, url=result.url)
                extracted += bool(text)
                chars += len(text or "")
            extract_s = time.perf_counter() - started
            extract_mb = peak_mb()

        with Fetcher(settings) as http:
            ctx = Context(state={}, collect=settings, http=http, warn=lambda m: None)
            collector = FeedsCollector("bench", {"urls": feed_urls, "full_text": False,
                                                 "max_entries": 200})
            started = time.perf_counter()
            items = sum(1 for _ in collector.collect(ctx))
            feeds_s = time.perf_counter() - started
            started = time.perf_counter()
            again = sum(1 for _ in collector.collect(ctx))  # second poll: all seen
            repoll_s = time.perf_counter() - started
            feeds_mb = peak_mb()
    finally:
        stop.set()
        child.join(timeout=10)

    print(f"hosts: {args.hosts}, per_host_delay: {args.delay} s, pages: {len(urls):,}")
    print(f"fetch only (get_many): {fetched:,} pages in {fetch_s:.1f} s = "
          f"{fetched / fetch_s:,.0f} pages/s; peak RSS {fetch_mb:,.0f} MB "
          f"(start {base_mb:,.0f} MB)")
    print(f"fetch + trafilatura.extract: {extracted:,} texts ({chars / max(extracted, 1):,.0f} "
          f"chars avg) in {extract_s:.1f} s = {len(urls) / extract_s:,.1f} pages/s; "
          f"peak RSS {extract_mb:,.0f} MB")
    print(f"feeds collector: {len(feed_urls)} feeds, {items:,} items in {feeds_s:.2f} s = "
          f"{items / feeds_s:,.0f} items/s; second poll {again} items in {repoll_s:.2f} s; "
          f"peak RSS {feeds_mb:,.0f} MB")


if __name__ == "__main__":
    main()
