"""The lab seen from outside: HTTPS requests through the load balancer, the load balancer's own
view of its backends (HAProxy's stats socket), and the containers' life cycle."""

import csv
import http.client
import io
import json
import os
import ssl
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

SCENARIO_DIR = Path(__file__).resolve().parent.parent
REPO_ROOT = SCENARIO_DIR.parent.parent
LB_HOST = "127.0.0.1"
# The site name Caddy serves in the lab (https://localhost:8443); connecting to 127.0.0.1 keeps
# localhost's IPv6 address out of the way (the port is published on IPv4 loopback only).
SITE_NAME = "localhost"
LB_HTTPS_PORT = int(os.environ.get("AGENTC2_LAB_HTTPS_PORT", "8443"))
LB_CONTAINER = "lab-lb"
DROPLETS = ("lab-droplet-1", "lab-droplet-2")
# Caddy's internal CA differs per droplet: the tests, like `curl -k`, do not verify it.
_TLS = ssl._create_unverified_context()  # noqa: S323  # pylint: disable=protected-access


@dataclass
class Response:
    status: int
    droplet: str
    body: str

    def json(self):
        return json.loads(self.body)


def request(method, path, body=None, timeout=5.0):
    """One request on a new connection (the load balancer balances connections)."""
    conn = http.client.HTTPSConnection(LB_HOST, LB_HTTPS_PORT, context=_TLS, timeout=timeout)
    try:
        headers = {"Connection": "close", "Host": f"{SITE_NAME}:{LB_HTTPS_PORT}"}
        if body is not None:
            headers["Content-Type"] = "application/json"
            body = json.dumps(body)
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return Response(response.status, response.getheader("X-Droplet", ""), response.read().decode())
    finally:
        conn.close()


def docker(*args):
    return subprocess.run(["docker", *args], capture_output=True, text=True, check=True).stdout


def lb_states():
    """{droplet: status} of the health-checked backend, e.g. 'UP', 'DOWN', 'DOWN 1/3', 'UP 1/3'."""
    raw = docker("exec", LB_CONTAINER, "sh", "-c", "echo 'show stat' | socat stdio /run/haproxy/admin.sock")
    rows = csv.DictReader(io.StringIO(raw.lstrip("# ")))
    return {row["svname"]: row["status"] for row in rows if row["pxname"] == "droplets_http" and row["svname"] in DROPLETS}


def wait_for_state(droplet, predicate, timeout, poll=0.1):
    """Poll the load balancer until predicate(status) holds; return the time it first held."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = lb_states().get(droplet, "")
        if predicate(status):
            return time.monotonic()
        time.sleep(poll)
    raise AssertionError(f"{droplet} did not reach the expected state within {timeout} s: {lb_states()}")


def is_up(status):
    return status == "UP"


def is_down(status):
    return status.startswith("DOWN") or status.startswith("MAINT")


def lab_inventory():
    """Molecule's inventory directory: its own hosts file beside the links to inventory/lab
    (MOLECULE_INVENTORY_FILE alone holds only Molecule's host list, without the groups)."""
    return str(Path(os.environ["MOLECULE_INVENTORY_FILE"]).parent)


def configure_lb(interval, timeout, rise, fall):
    """Re-render the load balancer's configuration with other check settings, and reload it."""
    extra = json.dumps(
        {"lab_lb_check_interval": interval, "lab_lb_check_timeout": timeout, "lab_lb_rise": rise, "lab_lb_fall": fall}
    )
    result = subprocess.run(
        ["ansible-playbook", "-i", lab_inventory(), str(SCENARIO_DIR / "lb.yml"), "-e", extra],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    for droplet in DROPLETS:
        wait_for_state(droplet, is_up, timeout=rise * interval + 3 * interval + 10)


@dataclass
class Sample:
    started: float
    finished: float
    ok: bool
    droplet: str


@dataclass
class SteadyLoad:
    """Clients sending requests back to back, each on a new connection, until stopped."""

    clients: int = 4
    path: str = "/api/info"
    timeout: float = 5.0
    samples: list = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _threads: list = field(default_factory=list)

    def _client(self):
        while not self._stop.is_set():
            started = time.monotonic()
            try:
                response = request("GET", self.path, timeout=self.timeout)
                ok, droplet = response.status == 200, response.droplet
            except (OSError, http.client.HTTPException):
                ok, droplet = False, ""
            self.samples.append(Sample(started, time.monotonic(), ok, droplet))
            time.sleep(0.05)

    def __enter__(self):
        self._threads = [threading.Thread(target=self._client, daemon=True) for _unused in range(self.clients)]
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for thread in self._threads:
            thread.join()

    def failed_between(self, start, end):
        return [s for s in self.samples if not s.ok and start <= s.started < end]

    def served_by(self, droplet, after):
        return [s for s in self.samples if s.ok and s.droplet == droplet and s.started >= after]


FIGURES = []


def record_figure(scenario, name, value, unit):
    FIGURES.append((scenario, name, value, unit))


def figures_table():
    lines = [f"{'measurement':<52} {'figure':>10}  unit", "-" * 72]
    lines += [f"{scenario + ': ' + name:<52} {value:>10}  {unit}" for scenario, name, value, unit in FIGURES]
    return "\n".join(lines)


def write_figures():
    if not FIGURES:
        return
    table = figures_table()
    out = REPO_ROOT / ".build" / "lab-figures.txt"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(table + "\n")
    print("\n" + table + f"\n(written to {out})")
