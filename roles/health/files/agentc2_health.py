# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""agentc2-health: the droplet's local health service and its drain switch.

  agentc2-health serve      the HTTP service on 127.0.0.1:3002 (run by systemd as the service user)
  agentc2-health drain      make /api/health answer 503 (run as root by the deploy)
  agentc2-health undrain    let /api/health answer 200 again when the droplet can serve
  agentc2-health status     print the service's JSON answer
  agentc2-health check-config --config FILE   validate a configuration file

Probes run in a background thread and are cached, so a request only reads the cache and the drain
flag: the load balancer's checks cost microseconds and never wait for PM2 or the network.
Python 3 standard library only, since python3 is on every droplet.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import datetime
import http.client
import http.server
import json
import logging
import os
import re
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.parse

DEFAULT_CONFIG_FILE = "/etc/agentc2/health.json"

DEFAULTS = {
    "bind": "127.0.0.1",
    "port": 3002,
    "droplet": "",
    "probe_interval": 1.0,
    "probe_timeout": 2.0,
    "pm2_timeout": 5.0,
    "stale_after": 10.0,
    "pm2_method": "rpc",
    "pm2_bin": "/usr/local/bin/pm2",
    "pm2_home": "/srv/agentc2/.pm2",
    "min_instances": {"agent": 4, "frontend": 2},
    "agent_url": "http://127.0.0.1:3001/api/health",
    "frontend_urls": ["http://127.0.0.1:3000/healthz", "http://127.0.0.1:3000/"],
    "env_file": "/etc/agentc2/agent.env",
    "postgres": "",
    "redis": "",
    "fail_on_dependencies": False,
    "drain_file": "/var/lib/agentc2-health/drain",
    "release_file": "/srv/agentc2/app/current/RELEASE",
}

# Checks that decide 200/503; the dependencies join them only with fail_on_dependencies, because an
# outage of the shared PostgreSQL or Redis must not take every droplet out of the load balancer.
SERVING_CHECKS = ("pm2", "agent", "frontend")
DEPENDENCY_CHECKS = {"postgres": ("DATABASE_URL", 5432), "redis": ("REDIS_URL", 6379)}
HEALTH_PATHS = ("/", "/api/health")
MAX_DETAIL = 200

log = logging.getLogger("agentc2-health")


class ConfigError(Exception):
    """The configuration file cannot be used."""


class ProbeFailure(Exception):
    """A probe's target is not in the expected state; the message goes into the body."""


def load_config(path):
    """The defaults overlaid with the JSON file at path (when it exists); unknown keys are errors."""
    config = dict(DEFAULTS)
    try:
        with open(path, encoding="utf-8") as handle:
            overrides = json.load(handle)
    except FileNotFoundError:
        return config
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    if not isinstance(overrides, dict):
        raise ConfigError(f"{path}: expected a JSON object")
    unknown = sorted(set(overrides) - set(DEFAULTS))
    if unknown:
        raise ConfigError(f"{path}: unknown keys {', '.join(unknown)}")
    config.update(overrides)
    validate_config(config, path)
    return config


def validate_config(config, path):
    """Refuse values the service could only fail on later, with the key in the message."""
    problems = []
    for key in ("port",):
        if not isinstance(config[key], int) or not 0 < config[key] < 65536:
            problems.append(f"{key} must be a port number")
    for key in ("probe_interval", "probe_timeout", "pm2_timeout", "stale_after"):
        if not isinstance(config[key], (int, float)) or isinstance(config[key], bool) or config[key] <= 0:
            problems.append(f"{key} must be a positive number")
    if config["pm2_method"] not in PM2_METHODS:
        problems.append(f"pm2_method must be one of {', '.join(sorted(PM2_METHODS))}")
    minimums = config["min_instances"]
    if not isinstance(minimums, dict) or not all(
            isinstance(count, int) and not isinstance(count, bool) and count >= 0
            for count in minimums.values()):
        problems.append("min_instances must map app names to counts >= 0")
    urls = [config["agent_url"]] + list(config["frontend_urls"] or [])
    if not config["frontend_urls"] or not all(str(url).startswith("http://") for url in urls):
        problems.append("agent_url and frontend_urls (at least one) must be http:// URLs")
    if problems:
        raise ConfigError(f"{path}: {'; '.join(problems)}")


def redact(text):
    """One line of text without credentials in URLs, short enough for the body."""
    line = str(text).strip().splitlines()[0] if str(text).strip() else ""
    line = re.sub(r"([A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]*@", r"\1***@", line)
    return line[:MAX_DETAIL]


def elapsed_ms(started):
    return round((time.monotonic() - started) * 1000, 1)


def run_probe(name, probe, config):
    """Run one probe and turn its outcome, whatever it is, into a check result with its timing."""
    started = time.monotonic()
    try:
        result = probe(config)
    except Exception as exc:  # pylint: disable=broad-exception-caught
        # Any failure of a probe is a failed check, never a crash of the prober thread.
        detail = str(exc) if isinstance(exc, ProbeFailure) else f"{type(exc).__name__}: {exc}"
        result = {"ok": False, "detail": redact(detail)}
    result["ms"] = elapsed_ms(started)
    return name, result


# --- PM2 -------------------------------------------------------------------------------------------

def pm2_daemon_running(pm2_home):
    """Whether the PM2 daemon of pm2_home is alive; `pm2 jlist` would otherwise spawn one here."""
    try:
        with open(os.path.join(pm2_home, "pm2.pid"), encoding="ascii") as handle:
            pid = int(handle.read().strip())
        os.kill(pid, 0)
    except (OSError, ValueError):
        return False
    return True


def parse_jlist(output):
    """The process list from `pm2 jlist`, which may print notices before its JSON line."""
    for line in reversed(output.splitlines()):
        if line.startswith("["):
            processes = json.loads(line)
            if isinstance(processes, list):
                return processes
    raise ProbeFailure("pm2 jlist printed no process list")


def count_online(processes):
    counts = {}
    for process in processes:
        env = process.get("pm2_env") or {}
        if env.get("status") == "online":
            name = process.get("name")
            counts[name] = counts.get(name, 0) + 1
    return counts


def amp_encode(args):
    """One message of PM2's RPC transport (axon over amp): a version/argc byte, then each argument
    length-prefixed, JSON ones tagged `j:` and strings `s:`."""
    message = bytes([(1 << 4) | len(args)])
    for arg in args:
        data = b"s:" + arg.encode("utf-8") if isinstance(arg, str) else b"j:" + json.dumps(arg).encode("utf-8")
        message += struct.pack(">I", len(data)) + data
    return message


def amp_decode(buffer):
    """The arguments of the first complete message in buffer, or None while it is incomplete."""
    if not buffer:
        return None
    offset, args = 1, []
    for _unused in range(buffer[0] & 0x0F):
        if len(buffer) < offset + 4:
            return None
        (length,) = struct.unpack(">I", buffer[offset:offset + 4])
        data = buffer[offset + 4:offset + 4 + length]
        if len(data) < length:
            return None
        offset += 4 + length
        if data[:2] == b"j:":
            args.append(json.loads(data[2:]))
        else:
            args.append(data[2:].decode("utf-8") if data[:2] == b"s:" else data)
    return args


def pm2_processes_by_rpc(config):
    """The process list from the daemon's own RPC socket, as `pm2 jlist` asks for it, without the
    cost of starting Node.js and PM2's CLI (about 0.4 s of CPU) on every probe cycle."""
    path = os.path.join(config["pm2_home"], "rpc.sock")
    request = {"type": "call", "method": "getMonitorData", "args": [{}]}
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(config["pm2_timeout"])
        try:
            sock.connect(path)
        except OSError as exc:
            raise ProbeFailure(f"PM2 daemon not answering on {path}: {exc.strerror or exc}") from exc
        sock.sendall(amp_encode([request, "agentc2-health:1"]))
        buffer, reply = b"", None
        while reply is None:
            chunk = sock.recv(65536)
            if not chunk:
                raise ProbeFailure("PM2 closed the RPC connection without an answer")
            buffer += chunk
            reply = amp_decode(buffer)
    answer = reply[0] if reply and isinstance(reply[0], dict) else {}
    if "error" in answer:
        raise ProbeFailure(f"PM2 answered an error: {redact(answer['error'])}")
    processes = (answer.get("args") or [None])[0]
    if not isinstance(processes, list):
        raise ProbeFailure("PM2 answered without a process list")
    return processes


def pm2_processes_by_jlist(config):
    if not pm2_daemon_running(config["pm2_home"]):
        raise ProbeFailure(f"PM2 daemon not running (PM2_HOME {config['pm2_home']})")
    env = dict(os.environ, PM2_HOME=config["pm2_home"])
    try:
        completed = subprocess.run(
            [config["pm2_bin"], "jlist"], env=env, capture_output=True, text=True,
            timeout=config["pm2_timeout"], check=False,
        )
    except FileNotFoundError as exc:
        raise ProbeFailure(f"pm2 not found at {config['pm2_bin']}") from exc
    except subprocess.TimeoutExpired as exc:
        raise ProbeFailure(f"pm2 jlist timed out after {config['pm2_timeout']} s") from exc
    if completed.returncode != 0:
        raise ProbeFailure(f"pm2 jlist exited {completed.returncode}: {redact(completed.stderr)}")
    try:
        return parse_jlist(completed.stdout)
    except ValueError as exc:
        raise ProbeFailure(f"pm2 jlist printed invalid JSON: {exc}") from exc


PM2_METHODS = {"rpc": pm2_processes_by_rpc, "jlist": pm2_processes_by_jlist}


def probe_pm2(config):
    try:
        online = count_online(PM2_METHODS[config["pm2_method"]](config))
    except socket.timeout as exc:
        raise ProbeFailure(f"PM2 did not answer within {config['pm2_timeout']} s") from exc
    except ValueError as exc:
        raise ProbeFailure(f"PM2 answered invalid JSON: {exc}") from exc
    instances = {
        name: {"online": online.get(name, 0), "min": minimum}
        for name, minimum in config["min_instances"].items()
    }
    below_minimum = [name for name, count in instances.items() if count["online"] < count["min"]]
    detail = ", ".join(f"{name} {c['online']}/{c['min']} online" for name, c in instances.items())
    return {"ok": not below_minimum, "detail": detail, "instances": instances}


# --- HTTP and TCP ----------------------------------------------------------------------------------

def http_status(url, timeout):
    """The status code of a GET to url, redirects not followed (a 3xx is an answer)."""
    parts = urllib.parse.urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    try:
        connection.request("GET", parts.path or "/", headers={"User-Agent": "agentc2-health"})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def probe_agent(config):
    status = http_status(config["agent_url"], config["probe_timeout"])
    if status != 200:
        raise ProbeFailure(f"HTTP {status} from {config['agent_url']}")
    return {"ok": True, "detail": "HTTP 200"}


def probe_frontend(config):
    """Pass on the first URL that answers 2xx/3xx; /healthz may not exist, so `/` follows it."""
    answers = []
    for url in config["frontend_urls"]:
        status = http_status(url, config["probe_timeout"])
        if 200 <= status < 400:
            return {"ok": True, "detail": f"HTTP {status} from {url}"}
        answers.append(f"HTTP {status} from {url}")
    raise ProbeFailure("; ".join(answers) or "no frontend_urls configured")


def read_env_file(path):
    """KEY=value lines of the app's env file (comments, blanks and quotes handled)."""
    values = {}
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith("#") or "=" not in line:
                continue
            key, value = line.split("=", 1)
            key = key.strip()
            if key.startswith("export "):
                key = key[len("export "):].strip()
            values[key] = value.strip().strip("'\"")
    return values


def dependency_target(config, name):
    """(host, port) of a dependency: the configured host:port, else the host in the app's URL."""
    variable, default_port = DEPENDENCY_CHECKS[name]
    if config[name]:
        url = "tcp://" + config[name]
    else:
        try:
            url = read_env_file(config["env_file"]).get(variable, "")
        except OSError as exc:
            raise ProbeFailure(f"cannot read {config['env_file']}: {exc.strerror}") from exc
        if not url:
            raise ProbeFailure(f"not configured ({variable} not in {config['env_file']})")
    try:
        parts = urllib.parse.urlsplit(url)
        host, port = parts.hostname, parts.port or default_port
    except ValueError as exc:
        raise ProbeFailure(f"cannot parse the {name} address") from exc
    if not host:
        raise ProbeFailure(f"no host in the {name} address")
    return host, port


def probe_dependency(name):
    def probe(config):
        host, port = dependency_target(config, name)
        try:
            with socket.create_connection((host, port), timeout=config["probe_timeout"]):
                pass
        except OSError as exc:
            raise ProbeFailure(f"{host}:{port} unreachable: {exc.strerror or exc}") from exc
        return {"ok": True, "detail": f"{host}:{port} accepts connections"}
    return probe


PROBES = {
    "pm2": probe_pm2,
    "agent": probe_agent,
    "frontend": probe_frontend,
    "postgres": probe_dependency("postgres"),
    "redis": probe_dependency("redis"),
}


def read_release(path):
    try:
        with open(path, encoding="utf-8") as handle:
            return handle.read().strip()[:128] or None
    except OSError:
        return None


# --- the cached state and the answer -------------------------------------------------------------

class Snapshot:
    """One probe cycle's results; immutable once published."""

    def __init__(self, checks, release, failing, taken_at):
        self.checks = checks
        self.release = release
        self.failing = failing
        self.taken_at = taken_at  # time.monotonic()
        self.taken_at_utc = datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def failing_checks(checks, config):
    """'name: detail' for each check that decides the answer and did not pass."""
    deciding = list(SERVING_CHECKS)
    if config["fail_on_dependencies"]:
        deciding += list(DEPENDENCY_CHECKS)
    return [f"{name}: {checks[name]['detail']}" for name in deciding if not checks[name]["ok"]]


class HealthState:
    """The probe loop and the answer built from its latest snapshot."""

    def __init__(self, config):
        self.config = config
        self.droplet = config["droplet"] or socket.gethostname()
        self.snapshot = None
        self._stop = threading.Event()
        self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=len(PROBES))

    def probe_once(self):
        config = self.config  # one consistent config per cycle, even across a reload
        futures = [self._pool.submit(run_probe, name, probe, config) for name, probe in PROBES.items()]
        checks = dict(future.result() for future in futures)
        for name in DEPENDENCY_CHECKS:
            checks[name]["critical"] = bool(config["fail_on_dependencies"])
        snapshot = Snapshot(checks, read_release(config["release_file"]),
                            failing_checks(checks, config), time.monotonic())
        self._log_transition(snapshot)
        self.snapshot = snapshot  # a single reference swap: readers never see half a cycle

    def _log_transition(self, snapshot):
        before = self.snapshot.failing if self.snapshot else None
        if snapshot.failing != before:
            if snapshot.failing:
                log.warning("not serving: %s", "; ".join(snapshot.failing))
            else:
                log.info("serving: all checks pass")

    def run(self):
        while not self._stop.is_set():
            started = time.monotonic()
            self.probe_once()
            self._stop.wait(max(0.0, self.config["probe_interval"] - (time.monotonic() - started)))

    def start(self):
        threading.Thread(target=self.run, name="prober", daemon=True).start()

    def stop(self):
        self._stop.set()
        self._pool.shutdown(wait=False)

    def report(self):
        """(HTTP status, body) from the cached snapshot and the drain flag, read on every request."""
        draining = os.path.exists(self.config["drain_file"])
        snapshot = self.snapshot
        if snapshot is None:
            failing, checks, release, age_ms, checked_at = ["probes: no results yet"], {}, None, None, None
        else:
            age = time.monotonic() - snapshot.taken_at
            failing = list(snapshot.failing)
            if age > self.config["stale_after"]:
                failing.append(f"probes: results are {age:.0f} s old")
            checks, release = snapshot.checks, snapshot.release
            age_ms, checked_at = round(age * 1000), snapshot.taken_at_utc
        status = "draining" if draining else ("unhealthy" if failing else "ok")
        body = {
            "status": status,
            "droplet": self.droplet,
            "release": release,
            "draining": draining,
            "failing": failing,
            "checked_at": checked_at,
            "age_ms": age_ms,
            "instances": (checks.get("pm2") or {}).get("instances", {}),
            "checks": checks,
        }
        return (200 if status == "ok" else 503), body


class HealthHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive for Caddy's pooled upstream connections
    # Headers and body leave in two writes: with Nagle's algorithm the body would wait for the
    # client's delayed ACK, 40 ms on every keep-alive request.
    disable_nagle_algorithm = True
    server_version = "agentc2-health"
    sys_version = ""

    def do_GET(self):  # noqa: N802 (the name http.server dispatches to)
        self._answer(send_body=True)

    def do_HEAD(self):  # noqa: N802
        self._answer(send_body=False)

    def _answer(self, send_body):
        if urllib.parse.urlsplit(self.path).path not in HEALTH_PATHS:
            code, body = 404, {"error": "not found", "paths": list(HEALTH_PATHS)}
        else:
            code, body = self.server.health.report()
        payload = json.dumps(body, separators=(",", ":")).encode("utf-8")
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-store")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        if send_body:
            self.wfile.write(payload)

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """No access log: the load balancer's checks would flood the journal."""


class HealthServer(http.server.ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128

    def __init__(self, health, address):
        self.health = health
        super().__init__(address, HealthHandler)


def serve(config_file):
    config = load_config(config_file)
    health = HealthState(config)
    server = HealthServer(health, (config["bind"], int(config["port"])))

    def reload_config(_signum, _frame):
        # Everything but the listening address applies from the next probe cycle.
        try:
            health.config = load_config(config_file)
            log.info("configuration reloaded from %s", config_file)
        except ConfigError as exc:
            log.error("configuration not reloaded: %s", exc)

    signal.signal(signal.SIGHUP, reload_config)
    health.start()
    log.info("listening on %s:%s", config["bind"], config["port"])
    server.serve_forever()
    return 0


# --- the commands run by the deploy --------------------------------------------------------------

def drain(config):
    path = config["drain_file"]
    if os.path.exists(path):
        print("already drained")
        return 0
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds") + "\n")
    print("drained")
    return 0


def undrain(config):
    try:
        os.remove(config["drain_file"])
    except FileNotFoundError:
        print("not drained")
        return 0
    print("undrained")
    return 0


def status(config):
    """Print the service's answer; exit 0 on 200, 1 on 503, 2 when the service does not answer."""
    host = "127.0.0.1" if config["bind"] in ("", "0.0.0.0") else config["bind"]
    connection = http.client.HTTPConnection(host, int(config["port"]), timeout=5)
    try:
        connection.request("GET", "/api/health")
        response = connection.getresponse()
        body = response.read().decode("utf-8")
    except OSError as exc:
        print(f"agentc2-health: no answer from {host}:{config['port']}: {exc}", file=sys.stderr)
        return 2
    finally:
        connection.close()
    print(json.dumps(json.loads(body), indent=2, sort_keys=True))
    return {200: 0, 503: 1}.get(response.status, 2)


def check_config(config):
    """Used by Ansible's `validate:` before a new configuration file replaces the live one."""
    print(f"configuration valid: {config['bind']}:{config['port']}")
    return 0


COMMANDS = {"drain": drain, "undrain": undrain, "status": status, "check-config": check_config}


def main(argv=None):
    parser = argparse.ArgumentParser(prog="agentc2-health", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["serve", *COMMANDS])
    parser.add_argument("--config", default=DEFAULT_CONFIG_FILE,
                        help=f"JSON configuration file (default {DEFAULT_CONFIG_FILE})")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    try:
        if args.command == "serve":
            return serve(args.config)
        return COMMANDS[args.command](load_config(args.config))
    except (ConfigError, OSError) as exc:
        print(f"agentc2-health {args.command}: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
