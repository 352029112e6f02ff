# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Zero-downtime PM2 reload, measured.

Runs a paced load (default 100 requests/s for 30 s, one new connection per request) against the
agent on the loopback of a droplet container, reloads the agent with PM2 the way the roles do
(`startOrReload <ecosystem> --only agent --update-env`: one instance at a time, each new worker
`ready` before an old one gets SIGINT) in the middle of it, and prints the total requests, the
failures (expected: 0), the latency and the worker pids before and after.

usage: python3 bench/pm2_reload.py [--container pm2-node] [--rate 100] [--duration 30]
Needs a converged droplet container, e.g. `molecule converge -s pm2`. Exit status 1 when a request
failed or the reload did not replace every worker.
"""

import argparse
import json
import subprocess
import sys
import time

# Runs inside the container (python3 is there for Ansible): the load stays on its loopback.
LOAD = r'''
import http.client, json, sys, threading, time
url_host, port, path, rate, duration = sys.argv[1], int(sys.argv[2]), sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
results, lock, start = [], threading.Lock(), time.monotonic() + 0.2
total = int(rate * duration)
next_index = iter(range(total))

def one_request():
    conn = http.client.HTTPConnection(url_host, port, timeout=10)
    try:
        began = time.monotonic()
        conn.request("GET", path, headers={"Connection": "close"})
        resp = conn.getresponse()
        body = resp.read()
        pid = json.loads(body).get("pid") if resp.status == 200 else None
        return resp.status, time.monotonic() - began, pid, None
    except Exception as err:  # any transport error is a failed request
        return None, time.monotonic() - began, None, f"{type(err).__name__}: {err}"
    finally:
        conn.close()

def worker():
    for i in next_index:
        delay = start + i / rate - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        outcome = one_request()
        with lock:
            results.append((time.monotonic() - start,) + outcome)

threads = [threading.Thread(target=worker) for _ in range(16)]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps(results))
'''


def docker_exec(container, *argv, stdin=None):
    return subprocess.run(["docker", "exec", "-i", container, *argv], input=stdin,
                          capture_output=True, text=True, check=False)


def agent_pids(container):
    done = docker_exec(container, "agentc2-pm2-status")
    if done.returncode != 0:
        sys.exit(f"cannot read PM2's state in {container}: {done.stderr.strip()}")
    return sorted(i["pid"] for i in json.loads(done.stdout)["apps"]["agent"]["instances"])


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else float("nan")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--container", default="pm2-node")
    parser.add_argument("--rate", type=float, default=100.0, help="requests per second")
    parser.add_argument("--duration", type=float, default=30.0, help="seconds of load")
    parser.add_argument("--reload-after", type=float, default=8.0, help="seconds into the load")
    parser.add_argument("--path", default="/api/info")
    parser.add_argument("--port", type=int, default=3001)
    args = parser.parse_args()

    pids_before = agent_pids(args.container)
    load = subprocess.Popen(
        ["docker", "exec", "-i", args.container, "python3", "-c", LOAD,
         "127.0.0.1", str(args.port), args.path, str(args.rate), str(args.duration)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    time.sleep(args.reload_after)
    reload_started = time.monotonic()
    reload = docker_exec(args.container, "agentc2-pm2", "startOrReload", "/etc/agentc2/ecosystem.config.js",
                         "--only", "agent", "--update-env")
    reload_seconds = time.monotonic() - reload_started
    out, err = load.communicate(timeout=args.duration + 120)
    if load.returncode != 0:
        sys.exit(f"load generator failed: {err.strip()}")
    pids_after = agent_pids(args.container)

    results = json.loads(out)
    failures = [r for r in results if r[1] != 200]
    elapsed = max(r[0] for r in results)
    latencies = [r[2] * 1000 for r in results if r[1] == 200]
    print(f"PM2 reload of the agent under load in {args.container} ({args.path} on 127.0.0.1:{args.port})")
    print(f"  requests:        {len(results)} in {elapsed:.1f} s ({len(results) / elapsed:.1f} req/s)")
    print(f"  failures:        {len(failures)}")
    print(f"  latency ms:      p50 {percentile(latencies, 0.5):.1f}  p99 {percentile(latencies, 0.99):.1f}"
          f"  max {max(latencies):.1f}")
    print(f"  reload:          {reload_seconds:.1f} s (rc {reload.returncode}), started {args.reload_after:.0f} s in")
    print(f"  agent pids:      before {pids_before}")
    print(f"                   after  {pids_after}")
    print(f"  workers serving: {len({r[3] for r in results if r[3]})} distinct pids answered")
    for failure in failures[:10]:
        print(f"  failed at {failure[0]:.2f} s: status {failure[1]} {failure[4] or ''}")
    replaced = not set(pids_before) & set(pids_after) and len(pids_after) == len(pids_before)
    if not replaced:
        print("  the reload did not replace every agent worker")
    return 0 if not failures and replaced and reload.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
