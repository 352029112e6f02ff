# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The program as systemd and the deploy run it: `serve` in its own process, and the commands."""

from __future__ import annotations

import http.client
import json
import signal
import subprocess
import sys
import time

import pytest


def get(port, path="/api/health", method="GET"):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        connection.close()


def wait_for(port, predicate, timeout=10.0):
    """The last (status, body) once predicate(status, body) holds; fails after timeout."""
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        try:
            code, _unused, payload = get(port)
            last = (code, json.loads(payload))
            if predicate(*last):
                return last
        except ConnectionRefusedError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"condition not met within {timeout} s; last answer {last}")


def run_command(droplet, command):
    return subprocess.run([sys.executable, str(droplet.program), command, "--config", str(droplet.config_file)],
                          capture_output=True, text=True, timeout=30, check=False)


@pytest.fixture
def service(droplet):
    process = subprocess.Popen([sys.executable, str(droplet.program), "serve", "--config", str(droplet.config_file)],
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    yield process
    process.terminate()
    process.wait(timeout=10)


def test_serve_answers_200_then_503_when_an_app_stops(droplet, service):
    port = droplet.config["port"]
    wait_for(port, lambda code, body: code == 200 and body["status"] == "ok")
    droplet.pm2.set_processes({"agent": 4}, stopped={"frontend": 2})
    code, body = wait_for(port, lambda code, body: code == 503)
    assert body["failing"] == ["pm2: agent 4/4 online, frontend 0/2 online"]
    droplet.pm2.set_processes({"agent": 4, "frontend": 2})
    wait_for(port, lambda code, body: code == 200)


def test_serve_answers_json_on_both_paths_head_and_404_elsewhere(droplet, service):
    port = droplet.config["port"]
    wait_for(port, lambda code, body: code == 200)
    code, content_type, payload = get(port, "/")
    assert (code, content_type, json.loads(payload)["status"]) == (200, "application/json", "ok")
    assert get(port, "/api/health?probe=lb", "HEAD")[::2] == (200, b"")
    assert get(port, "/api/other")[0] == 404


def test_sighup_reloads_the_configuration(droplet, service):
    port = droplet.config["port"]
    wait_for(port, lambda code, body: code == 200)
    droplet.write_config(min_instances={"agent": 6, "frontend": 2})
    service.send_signal(signal.SIGHUP)
    _unused, body = wait_for(port, lambda code, body: code == 503)
    assert body["instances"]["agent"] == {"online": 4, "min": 6}


def test_drain_and_undrain_commands_are_idempotent_and_say_what_they_did(droplet, service):
    port = droplet.config["port"]
    wait_for(port, lambda code, body: code == 200)
    outputs = [run_command(droplet, command) for command in ("drain", "drain", "undrain", "undrain")]
    assert [(p.returncode, p.stdout) for p in outputs] == [
        (0, "drained\n"), (0, "already drained\n"), (0, "undrained\n"), (0, "not drained\n")]
    run_command(droplet, "drain")
    code, body = get(port)[::2]
    assert (code, json.loads(body)["status"]) == (503, "draining")


def test_status_exit_codes(droplet, service):
    port = droplet.config["port"]
    wait_for(port, lambda code, body: code == 200)
    ok = run_command(droplet, "status")
    assert (ok.returncode, json.loads(ok.stdout)["status"]) == (0, "ok")
    run_command(droplet, "drain")
    drained = run_command(droplet, "status")
    assert (drained.returncode, json.loads(drained.stdout)["status"]) == (1, "draining")


def test_status_without_a_service_exits_2(droplet):
    result = run_command(droplet, "status")
    assert result.returncode == 2
    assert "no answer from 127.0.0.1" in result.stderr


def test_unknown_configuration_key_is_an_error(droplet):
    droplet.config_file.write_text(json.dumps({"prot": 3002}))
    result = run_command(droplet, "drain")
    assert result.returncode == 2
    assert "unknown keys prot" in result.stderr


def test_drain_without_permission_exits_2(droplet, tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the drain directory should be")
    droplet.write_config(drain_file=str(blocked / "drain"))
    result = run_command(droplet, "drain")
    assert result.returncode == 2
    assert result.stdout == ""


@pytest.mark.parametrize("changes, message", [
    ({"port": "3002"}, "port must be a port number"),
    ({"pm2_method": "socket"}, "pm2_method must be one of jlist, rpc"),
    ({"probe_interval": 0}, "probe_interval must be a positive number"),
    ({"min_instances": {"agent": -1}}, "min_instances must map app names to counts >= 0"),
    ({"frontend_urls": []}, "agent_url and frontend_urls (at least one) must be http:// URLs"),
    ({"agent_url": "https://127.0.0.1:3001/api/health"}, "must be http:// URLs"),
])
def test_check_config_refuses_bad_values(droplet, changes, message):
    droplet.write_config(**changes)
    result = run_command(droplet, "check-config")
    assert result.returncode == 2
    assert message in result.stderr


def test_check_config_accepts_the_droplet_configuration(droplet):
    result = run_command(droplet, "check-config")
    assert (result.returncode, result.stdout) == (0, f"configuration valid: 127.0.0.1:{droplet.config['port']}\n")
