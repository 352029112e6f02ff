# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Latency of the health endpoint on loopback: N requests from C concurrent clients, then
p50/p95/p99/max and requests/s. Python 3 standard library only, so it runs on a droplet too.

  python3 bench/health_latency.py [--url http://127.0.0.1:3002/api/health] [-n 5000] [-c 8] [--new-connections]

Keep-alive clients are what Caddy does; --new-connections opens one connection per request, like a
load balancer's health checks. Prints figures; asserts nothing (the target is p99 < 50 ms).
"""

from __future__ import annotations

import argparse
import collections
import http.client
import json
import threading
import time
import urllib.parse


def client(url, count, new_connections, latencies, statuses, lock):
    parts = urllib.parse.urlsplit(url)
    path = parts.path or "/"
    connection = None
    mine, codes = [], collections.Counter()
    for _unused in range(count):
        if connection is None or new_connections:
            connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=10)
        started = time.perf_counter()
        try:
            connection.request("GET", path)
            response = connection.getresponse()
            response.read()
            codes[response.status] += 1
        except OSError as exc:
            codes[type(exc).__name__] += 1
            connection.close()
            connection = None
            continue
        finally:
            mine.append(time.perf_counter() - started)
        if new_connections:
            connection.close()
    with lock:
        latencies.extend(mine)
        statuses.update(codes)


def percentile(ordered, fraction):
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


def run(url, requests, concurrency, new_connections):
    latencies, statuses, lock = [], collections.Counter(), threading.Lock()
    share = [requests // concurrency + (1 if i < requests % concurrency else 0) for i in range(concurrency)]
    threads = [threading.Thread(target=client, args=(url, n, new_connections, latencies, statuses, lock))
               for n in share]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    ordered = sorted(latencies)
    return {
        "url": url,
        "requests": len(ordered),
        "concurrency": concurrency,
        "connections": "new per request" if new_connections else "keep-alive",
        "statuses": {str(code): count for code, count in sorted(statuses.items(), key=str)},
        "requests_per_s": round(len(ordered) / wall, 1),
        "p50_ms": round(percentile(ordered, 0.50) * 1000, 2),
        "p95_ms": round(percentile(ordered, 0.95) * 1000, 2),
        "p99_ms": round(percentile(ordered, 0.99) * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:3002/api/health")
    parser.add_argument("-n", "--requests", type=int, default=5000)
    parser.add_argument("-c", "--concurrency", type=int, default=8)
    parser.add_argument("--new-connections", action="store_true")
    parser.add_argument("--json", action="store_true", help="one JSON line instead of the table")
    args = parser.parse_args()
    result = run(args.url, args.requests, args.concurrency, args.new_connections)
    if args.json:
        print(json.dumps(result))
        return
    print(f"health latency: {result['requests']} requests, {result['concurrency']} clients, "
          f"{result['connections']}, {args.url}")
    print(f"  statuses {result['statuses']}  {result['requests_per_s']} req/s")
    print(f"  p50 {result['p50_ms']} ms  p95 {result['p95_ms']} ms  p99 {result['p99_ms']} ms  "
          f"max {result['max_ms']} ms  (target: p99 < 50 ms)")


if __name__ == "__main__":
    main()
