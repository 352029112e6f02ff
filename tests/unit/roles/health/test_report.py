# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The answer of the health service from real probes against the stand-ins of conftest.py."""

from __future__ import annotations

import json
import time

import pytest


def probed(state):
    state.probe_once()
    return state.report()


def test_all_online_answers_200_with_every_field(health):
    code, body = probed(health())
    assert code == 200
    assert body["status"] == "ok"
    assert body["droplet"] == "droplet-test"
    assert body["release"] == "20261204T153000"
    assert body["draining"] is False
    assert body["failing"] == []
    assert body["instances"] == {"agent": {"online": 4, "min": 4}, "frontend": {"online": 2, "min": 2}}
    assert set(body["checks"]) == {"pm2", "agent", "frontend", "postgres", "redis"}
    for check in body["checks"].values():
        assert check["ok"] is True
        assert isinstance(check["ms"], float) and check["ms"] >= 0
    assert body["checks"]["postgres"]["critical"] is False


def test_body_holds_no_secret(health, droplet):
    droplet.pm2.set_output("", exit_code=1, stderr="connect to redis://:redis-s3cret@10.0.0.5:6379 failed\n")
    _unused, body = probed(health(pm2_method="jlist"))
    text = json.dumps(body)
    for secret in ("pg-s3cret", "redis-s3cret", "s3cr3t"):
        assert secret not in text
    assert "redis://***@10.0.0.5:6379" in body["checks"]["pm2"]["detail"]


@pytest.mark.parametrize("pm2_method", ["rpc", "jlist"])
def test_a_stopped_frontend_instance_answers_503(health, droplet, pm2_method):
    droplet.pm2.set_processes({"agent": 4, "frontend": 1}, stopped={"frontend": 1})
    code, body = probed(health(pm2_method=pm2_method))
    assert code == 503
    assert body["status"] == "unhealthy"
    assert body["instances"]["frontend"] == {"online": 1, "min": 2}
    assert body["failing"] == ["pm2: agent 4/4 online, frontend 1/2 online"]


@pytest.mark.parametrize("pm2_method", ["rpc", "jlist"])
def test_minimums_are_configurable(health, droplet, pm2_method):
    droplet.pm2.set_processes({"agent": 2, "frontend": 1})
    code, body = probed(health(min_instances={"agent": 2, "frontend": 1}, pm2_method=pm2_method))
    assert code == 200
    assert body["instances"] == {"agent": {"online": 2, "min": 2}, "frontend": {"online": 1, "min": 1}}


def test_notices_before_the_jlist_json_are_skipped(health, droplet):
    droplet.pm2.set_processes({"agent": 4, "frontend": 2},
                              notice=">>>> In-memory PM2 is out-of-date, do:\n>>>> $ pm2 update\n")
    assert probed(health(pm2_method="jlist"))[0] == 200


def test_no_pm2_daemon_fails_without_running_pm2(health, droplet):
    # `pm2 jlist` would spawn a daemon inside the health service's sandbox: it must not be called.
    droplet.pm2.daemon_dead()
    code, body = probed(health(pm2_method="jlist"))
    assert code == 503
    assert body["checks"]["pm2"]["detail"].startswith("PM2 daemon not running")
    assert droplet.pm2.call_count() == 0


def test_missing_pm2_binary_answers_503_with_the_reason(health, tmp_path):
    code, body = probed(health(pm2_method="jlist", pm2_bin=str(tmp_path / "no-such-pm2")))
    assert code == 503
    assert body["checks"]["pm2"]["detail"] == f"pm2 not found at {tmp_path / 'no-such-pm2'}"


@pytest.mark.parametrize("stdout, exit_code, reason", [
    ("", 1, "pm2 jlist exited 1: boom"),
    ("no json here\n", 0, "pm2 jlist printed no process list"),
    ("[{broken\n", 0, "pm2 jlist printed invalid JSON"),
])
def test_failing_pm2_answers_503_with_the_reason(health, droplet, stdout, exit_code, reason):
    droplet.pm2.set_output(stdout, exit_code=exit_code, stderr="boom\n")
    code, body = probed(health(pm2_method="jlist"))
    assert code == 503
    assert body["checks"]["pm2"]["detail"].startswith(reason)


def test_jlist_method_runs_pm2_jlist(health, droplet):
    probed(health(pm2_method="jlist"))
    assert droplet.pm2.calls.read_text() == "jlist\n"
    assert droplet.pm2.daemon.requests == []


def test_rpc_method_asks_the_daemon_without_running_pm2(health, droplet):
    code, _unused = probed(health())
    assert code == 200
    assert droplet.pm2.call_count() == 0
    [(call, message_id)] = droplet.pm2.daemon.requests
    assert call == {"type": "call", "method": "getMonitorData", "args": [{}]}
    assert message_id == "agentc2-health:1"


def test_rpc_without_a_daemon_answers_503_with_the_reason(health, droplet):
    droplet.pm2.daemon.close()
    (droplet.pm2.home / "rpc.sock").unlink()
    code, body = probed(health())
    assert code == 503
    assert body["checks"]["pm2"]["detail"].startswith(f"PM2 daemon not answering on {droplet.pm2.home / 'rpc.sock'}")


def test_amp_messages_round_trip_even_when_split(program):
    message = program.amp_encode([{"args": [[{"name": "agent"}]]}, "id:7"])
    assert program.amp_decode(message[:-1]) is None
    assert program.amp_decode(message) == [{"args": [[{"name": "agent"}]]}, "id:7"]


def test_agent_error_answers_503(health, droplet):
    droplet.agent.routes["/api/health"] = 500
    code, body = probed(health())
    assert code == 503
    assert body["failing"] == [f"agent: HTTP 500 from {droplet.agent.url('/api/health')}"]


def test_agent_down_answers_503(health, droplet):
    droplet.agent.close()
    code, body = probed(health())
    assert code == 503
    assert body["checks"]["agent"]["detail"].startswith("ConnectionRefusedError")


def test_frontend_without_healthz_passes_on_a_redirect_from_root(health, droplet):
    del droplet.frontend.routes["/healthz"]
    droplet.frontend.routes["/"] = 302
    code, body = probed(health())
    assert code == 200
    assert body["checks"]["frontend"]["detail"] == f"HTTP 302 from {droplet.frontend.url('/')}"


def test_frontend_answering_404_everywhere_answers_503(health, droplet):
    del droplet.frontend.routes["/healthz"]
    code, body = probed(health())
    assert code == 503
    assert body["checks"]["frontend"]["detail"] == (
        f"HTTP 404 from {droplet.frontend.url('/healthz')}; HTTP 404 from {droplet.frontend.url('/')}")


def test_dependency_down_is_reported_but_does_not_fail_by_default(health, droplet):
    droplet.redis.close()
    code, body = probed(health())
    assert code == 200
    assert body["checks"]["redis"]["ok"] is False
    assert body["checks"]["redis"]["detail"].startswith(f"127.0.0.1:{droplet.redis.port} unreachable")
    assert body["checks"]["postgres"]["ok"] is True


def test_dependency_down_fails_with_fail_on_dependencies(health, droplet):
    droplet.postgres.close()
    code, body = probed(health(fail_on_dependencies=True))
    assert code == 503
    assert body["checks"]["postgres"]["critical"] is True
    assert body["failing"][0].startswith("postgres: 127.0.0.1:")


def test_dependency_address_from_variables_overrides_the_env_file(health, droplet):
    other = droplet.redis.port
    _unused, body = probed(health(postgres=f"127.0.0.1:{other}"))
    assert body["checks"]["postgres"]["detail"] == f"127.0.0.1:{other} accepts connections"


def test_dependency_missing_from_the_env_file_is_reported(health, droplet):
    droplet.env_file.write_text("PORT=3001\n")
    code, body = probed(health())
    assert code == 200
    assert body["checks"]["redis"] == {
        "ok": False, "detail": f"not configured (REDIS_URL not in {droplet.env_file})",
        "ms": body["checks"]["redis"]["ms"], "critical": False}


def test_drain_flag_is_read_on_each_request_not_each_probe(program, health, droplet):
    state = health()
    state.probe_once()
    config = program.load_config(str(droplet.config_file))
    assert program.drain(config) == 0
    code, body = state.report()
    assert (code, body["status"], body["draining"]) == (503, "draining", True)
    assert body["failing"] == []
    assert program.undrain(config) == 0
    assert state.report()[0] == 200


def test_draining_wins_over_unhealthy(program, health, droplet):
    droplet.agent.routes["/api/health"] = 503
    state = health()
    program.drain(program.load_config(str(droplet.config_file)))
    code, body = probed(state)
    assert (code, body["status"]) == (503, "draining")
    assert body["failing"] and body["failing"][0].startswith("agent:")


def test_no_probe_yet_answers_503(health):
    code, body = health().report()
    assert code == 503
    assert body["failing"] == ["probes: no results yet"]


def test_stale_results_answer_503(health):
    state = health(stale_after=0.001)
    state.probe_once()
    time.sleep(0.01)
    code, body = state.report()
    assert code == 503
    assert body["failing"][-1].startswith("probes: results are")


def test_missing_release_file_reports_null(health, droplet):
    droplet.release_file.unlink()
    code, body = probed(health())
    assert (code, body["release"]) == (200, None)


def test_probe_cycle_runs_probes_concurrently(health, droplet):
    # A slow pm2 must not add its time to the other probes'.
    droplet.pm2.bin.write_text(droplet.pm2.bin.read_text().replace(
        "import pathlib, sys\n", "import pathlib, sys, time\ntime.sleep(0.5)\n"))
    _unused, body = probed(health(pm2_method="jlist"))
    assert body["checks"]["pm2"]["ms"] >= 500
    assert body["checks"]["agent"]["ms"] < 400
