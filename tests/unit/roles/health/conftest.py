# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Stand-ins for a droplet, run on this host: real HTTP servers on loopback for the agent and the
frontend, TCP listeners for PostgreSQL and Redis, and a fake `pm2` executable whose `jlist` output
and exit status the test sets."""

from __future__ import annotations

import http.server
import importlib.util
import json
import os
import pathlib
import socket
import socketserver
import sys
import threading

import pytest

PROGRAM = pathlib.Path(__file__).resolve().parents[4] / "roles" / "health" / "files" / "agentc2_health.py"


def load_program():
    spec = importlib.util.spec_from_file_location("agentc2_health", PROGRAM)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def program():
    return load_program()


class StandIn:
    """An HTTP server that answers each path with the status code set in `routes` (404 otherwise)."""

    def __init__(self):
        self.routes = {}
        routes = self.routes

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                code = routes.get(self.path, 404)
                self.send_response(code)
                if 300 <= code < 400:
                    self.send_header("Location", "/somewhere-else")
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def url(self, path):
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class TcpListener:
    """A listening socket, like PostgreSQL or Redis as far as a TCP connect can tell."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]

    def close(self):
        self.sock.close()


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def pm2_process(name, status="online"):
    # The shape of one `pm2 jlist` entry, with an env holding a secret as the real one does.
    return {"name": name, "pm_id": 0, "pid": 1234,
            "pm2_env": {"status": status, "DATABASE_URL": "postgres://app:s3cr3t@db:5432/app"}}


class FakePm2Daemon:
    """PM2's RPC socket (axon over amp) answering getMonitorData with the fake's process list."""

    def __init__(self, path, fake, program):
        self.fake, self.program = fake, program
        self.requests = []
        self.server = socketserver.ThreadingUnixStreamServer(str(path), self._handler())
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def _handler(self):
        daemon = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self):
                buffer, request = b"", None
                while request is None:
                    chunk = self.request.recv(65536)
                    if not chunk:
                        return
                    buffer += chunk
                    request = daemon.program.amp_decode(buffer)
                daemon.requests.append(request)
                call, message_id = request
                if call["method"] != "getMonitorData":
                    reply = {"error": f"unknown method {call['method']}"}
                else:
                    reply = {"args": [daemon.fake.processes]}
                self.request.sendall(daemon.program.amp_encode([reply, message_id]))

        return Handler

    def close(self):
        self.server.shutdown()
        self.server.server_close()


class FakePm2:
    """An executable `pm2` that prints the process list as `pm2 jlist` (or fails as told) and records
    its calls, and a daemon RPC socket that answers with the same list."""

    def __init__(self, directory, program):
        self.directory = directory
        self.processes = []
        self.bin = directory / "pm2"
        self.calls = directory / "calls"
        self.home = directory / "pm2-home"
        self.home.mkdir()
        self.bin.write_text(
            f"#!{sys.executable}\n"
            "import pathlib, sys\n"
            f"here = pathlib.Path({str(directory)!r})\n"
            "with open(here / 'calls', 'a') as f: f.write(' '.join(sys.argv[1:]) + '\\n')\n"
            "if (here / 'stderr').exists(): sys.stderr.write((here / 'stderr').read_text())\n"
            "sys.stdout.write((here / 'stdout').read_text())\n"
            "sys.exit(int((here / 'exit').read_text()))\n"
        )
        self.bin.chmod(0o755)
        self.daemon_alive()
        self.set_processes({"agent": 4, "frontend": 2})
        self.daemon = FakePm2Daemon(self.home / "rpc.sock", self, program)

    def set_processes(self, online, stopped=None, notice=""):
        processes = [pm2_process(name) for name, count in online.items() for _unused in range(count)]
        processes += [pm2_process(name, "stopped") for name, count in (stopped or {}).items()
                      for _unused in range(count)]
        self.processes = processes
        self.set_output(notice + json.dumps(processes) + "\n")

    def set_output(self, stdout, exit_code=0, stderr=""):
        (self.directory / "stdout").write_text(stdout)
        (self.directory / "exit").write_text(str(exit_code))
        (self.directory / "stderr").write_text(stderr)

    def daemon_alive(self):
        (self.home / "pm2.pid").write_text(f"{os.getpid()}\n")

    def daemon_dead(self):
        (self.home / "pm2.pid").unlink()

    def call_count(self):
        return len(self.calls.read_text().splitlines()) if self.calls.exists() else 0


class Droplet:
    """A configuration for the program pointing at the stand-ins, and the stand-ins themselves."""

    program = PROGRAM

    def __init__(self, tmp_path, program):
        self.agent = StandIn()
        self.frontend = StandIn()
        self.postgres = TcpListener()
        self.redis = TcpListener()
        self.pm2 = FakePm2(tmp_path, program)
        self.agent.routes["/api/health"] = 200
        self.frontend.routes["/healthz"] = 200
        self.env_file = tmp_path / "agent.env"
        self.env_file.write_text(
            "PORT=3001\n"
            f"DATABASE_URL=postgres://agentc2:pg-s3cret@127.0.0.1:{self.postgres.port}/agentc2\n"
            f"REDIS_URL='redis://:redis-s3cret@127.0.0.1:{self.redis.port}/0'\n"
        )
        self.release_file = tmp_path / "RELEASE"
        self.release_file.write_text("20261204T153000\n")
        self.config = {
            "bind": "127.0.0.1",
            "port": free_port(),
            "droplet": "droplet-test",
            "probe_interval": 0.2,
            "probe_timeout": 1.0,
            "pm2_bin": str(self.pm2.bin),
            "pm2_home": str(self.pm2.home),
            "agent_url": self.agent.url("/api/health"),
            "frontend_urls": [self.frontend.url("/healthz"), self.frontend.url("/")],
            "env_file": str(self.env_file),
            "drain_file": str(tmp_path / "state" / "drain"),
            "release_file": str(self.release_file),
        }
        self.config_file = tmp_path / "health.json"
        self.write_config()

    def write_config(self, **changes):
        self.config.update(changes)
        self.config_file.write_text(json.dumps(self.config))

    def close(self):
        for stand_in in (self.agent, self.frontend, self.postgres, self.redis, self.pm2.daemon):
            stand_in.close()


@pytest.fixture
def droplet(tmp_path, program):
    stand_ins = Droplet(tmp_path, program)
    yield stand_ins
    stand_ins.close()


@pytest.fixture
def health(program, droplet):
    """A HealthState on the droplet's configuration; tests run probe cycles by hand."""
    def make(**changes):
        droplet.write_config(**changes)
        return program.HealthState(program.load_config(str(droplet.config_file)))
    return make
