"""Helpers of the rolling deploy tests: an open-loop load through the load balancer that records
every answer's status and X-Release, and runs of playbooks/deploy.yml against the lab."""

import http.client
import json
import os
import re
import shutil
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import lab

RECAP_LINE = re.compile(r"^(\S+)\s*:\s*((?:\w+=\d+\s*)+)$", re.MULTILINE)
DEPLOY_PLAYBOOK = lab.REPO_ROOT / "playbooks" / "deploy.yml"
REFERENCE_APP = lab.REPO_ROOT / "examples" / "agentc2-reference"
APP_CURRENT = "/srv/agentc2/app/current"


@dataclass
class Answer:
    started: float
    status: int  # 0: no HTTP answer (connection refused, reset, timeout)
    release: str
    droplet: str
    error: str = ""

    @property
    def ok(self):
        # An answer without X-Release did not come from the app (e.g. Caddy matching no site).
        return 200 <= self.status < 300 and bool(self.release)


def get(path, timeout=5.0):
    """GET through the load balancer on a new connection, as a new client would."""
    started = time.monotonic()
    conn = http.client.HTTPSConnection(lab.LB_HOST, lab.LB_HTTPS_PORT, context=lab._TLS, timeout=timeout)  # pylint: disable=protected-access
    try:
        # Caddy serves the site by its name: the published port in Host would match no site.
        conn.request("GET", path, headers={"Host": "localhost", "Connection": "close"})
        response = conn.getresponse()
        response.read()
        return Answer(started, response.status, response.getheader("X-Release", ""), response.getheader("X-Droplet", ""))
    except (OSError, http.client.HTTPException) as exc:
        return Answer(started, 0, "", "", f"{type(exc).__name__}: {exc}")
    finally:
        conn.close()


@dataclass
class OpenLoopLoad:
    """`rate` requests a second, sent on schedule whatever the answers take (open loop), so that
    the rate holds during the deploy; each on a new connection, which the load balancer balances."""

    rate: float = 60.0
    path: str = "/api/info"
    answers: list = field(default_factory=list)
    _stop: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def _send(self):
        answer = get(self.path)
        with self._lock:
            self.answers.append(answer)

    def _schedule(self):
        with ThreadPoolExecutor(max_workers=64) as pool:
            start = time.monotonic()
            sent = 0
            while not self._stop.is_set():
                due = start + sent / self.rate
                delay = due - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                pool.submit(self._send)
                sent += 1

    def __enter__(self):
        self.started = time.monotonic()
        self._thread = threading.Thread(target=self._schedule, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.stopped = time.monotonic()

    def failures(self):
        return [a for a in self.answers if not a.ok]

    def achieved_rate(self):
        return len(self.answers) / (self.stopped - self.started)

    def releases_after(self, moment):
        return {a.release for a in self.answers if a.started >= moment}


@dataclass
class DeployRun:
    returncode: int
    output: str
    started: float
    finished: float

    @property
    def duration(self):
        return self.finished - self.started


def lb_check_vars(settings):
    """The load balancer's check settings as deploy.yml reads them (inventory/group_vars/all.yml)."""
    return {
        "agentc2_health_check_interval": settings["interval"],
        "agentc2_health_check_timeout": settings["timeout"],
        "agentc2_healthy_threshold": settings["rise"],
        "agentc2_unhealthy_threshold": settings["fall"],
    }


def deploy_environment():
    """ansible-playbook's environment for a deploy: plain output, and pipelining (one connection per
    task instead of three or four), as a real inventory would configure it for SSH."""
    return {**os.environ, "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0", "ANSIBLE_PIPELINING": "True"}


def run_deploy(version, settings, *options, **extra_vars):
    """ansible-playbook playbooks/deploy.yml against the lab; returns its output and duration."""
    extra = {"app_version": version, **lb_check_vars(settings), **extra_vars}
    command = ["ansible-playbook", "-i", lab.lab_inventory(), str(DEPLOY_PLAYBOOK),
               "-e", json.dumps(extra), *options]
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=deploy_environment())
    return DeployRun(result.returncode, result.stdout + result.stderr, started, time.monotonic())


def recap(output):
    """{host: {ok: n, changed: n, failed: n, ...}} from the PLAY RECAP of a run."""
    hosts = {}
    for host, counts in RECAP_LINE.findall(output.split("PLAY RECAP")[-1]):
        hosts[host] = {key: int(value) for key, value in (item.split("=") for item in counts.split())}
    return hosts


def served_release(droplet):
    """The release `current` points to on a droplet."""
    return lab.docker("exec", droplet, "readlink", APP_CURRENT).strip().rsplit("/", 1)[-1]


def release_exists(droplet, release):
    return subprocess.run(["docker", "exec", droplet, "test", "-e", f"/srv/agentc2/app/releases/{release}"],
                          check=False).returncode == 0


def unique_version(label):
    return f"{label}-{time.strftime('%Y%m%d%H%M%S')}"


def broken_copy(destination):
    """A copy of the reference app whose agent answers 503 on /api/health forever: PM2 starts it,
    but it never becomes healthy."""
    shutil.copytree(REFERENCE_APP, destination, ignore=shutil.ignore_patterns("node_modules", ".git"))
    server = destination / "agent" / "server.js"
    source = server.read_text()
    healthy_status = "lifecycle.shuttingDown ? 503 : 200"
    assert healthy_status in source, "the reference agent's health answer changed: update broken_copy()"
    server.write_text(source.replace(healthy_status, "503"))
    return destination


def wait_all_up(timeout=120):
    for droplet in lab.DROPLETS:
        lab.wait_for_state(droplet, lab.is_up, timeout=timeout)
