"""Role pm2: the daemon under systemd as agentc2, 4 agent + 2 frontend workers in cluster mode,
and the way they come back after a restart of the unit or the death of a worker."""

import json
import time

import pytest

testinfra_hosts = ["ansible://pm2-node"]

EXPECTED = {"agent": 4, "frontend": 2}
STATUS = "agentc2-pm2-status " + " ".join(f"--expect {name}={count}" for name, count in EXPECTED.items())


def pm2_status(host):
    return json.loads(host.check_output(STATUS))


def wait_until_ready(host, timeout=90):
    deadline = time.monotonic() + timeout
    while True:
        result = host.run(STATUS)
        status = json.loads(result.stdout) if result.rc == 0 else {"ready": False}
        if status["ready"] or time.monotonic() > deadline:
            return status
        time.sleep(2)


def agent_answers(host):
    return host.run("curl -fsS -o /dev/null -w '%{http_code}' http://127.0.0.1:3001/api/health").stdout == "200"


@pytest.mark.parametrize("app,count", EXPECTED.items())
def test_instances_online_in_cluster_mode_as_the_service_user(host, app, count):
    instances = pm2_status(host)["apps"][app]["instances"]
    assert len(instances) == count
    for instance in instances:
        assert instance["status"] == "online"
        assert instance["exec_mode"] == "cluster_mode"
        assert host.check_output(f"ps -o user= -p {instance['pid']}") == "agentc2"
        # Started from the `current` path, so that a reload follows the symlink to a new release.
        assert instance["cwd"] == "/srv/agentc2/app/current"


def test_pm2_is_the_pinned_version_from_its_own_prefix(host):
    assert host.file("/opt/pm2/6.0.9/lib/node_modules/pm2/package.json").contains('"version": "6.0.9"')
    assert host.check_output("agentc2-pm2 --version").splitlines()[-1] == "6.0.9"


def test_the_daemon_is_a_sandboxed_systemd_service_of_the_service_user(host):
    service = host.service("pm2-agentc2")
    assert service.is_running and service.is_enabled
    props = dict(line.split("=", 1) for line in host.check_output(
        "systemctl show pm2-agentc2 -p User -p Restart -p NoNewPrivileges -p ProtectSystem -p PrivateTmp"
        " -p MemoryDenyWriteExecute -p Environment").splitlines())
    assert props["User"] == "agentc2"
    assert props["Restart"] == "on-failure"
    assert props["NoNewPrivileges"] == "yes"
    assert props["ProtectSystem"] == "strict"
    assert props["PrivateTmp"] == "yes"
    assert props["MemoryDenyWriteExecute"] == "no"
    assert "PM2_HOME=/srv/agentc2/.pm2" in props["Environment"]
    assert "PATH=/opt/pm2/6.0.9/bin:" in props["Environment"]
    daemon_pid = host.file("/srv/agentc2/.pm2/pm2.pid").content_string.strip()
    assert host.check_output(f"ps -o user= -p {daemon_pid}") == "agentc2"


def test_the_unit_names_the_node_version_it_was_written_for(host):
    node_version = host.check_output("node --version")
    assert host.file("/etc/systemd/system/pm2-agentc2.service").contains(f"on Node.js {node_version}:")


def test_the_ecosystem_runs_apps_from_current_with_graceful_settings(host):
    ecosystem = host.file("/etc/agentc2/ecosystem.config.js")
    assert (ecosystem.user, ecosystem.group, ecosystem.mode) == ("root", "agentc2", 0o640)
    loaded = json.loads(host.check_output(
        "runuser -u agentc2 -- node -e 'console.log(JSON.stringify(require(\"/etc/agentc2/ecosystem.config.js\")))'"))
    apps = {app["name"]: app for app in loaded["apps"]}
    assert apps["agent"]["script"] == "/srv/agentc2/app/current/agent/server.js"
    assert apps["agent"]["instances"] == 4 and apps["frontend"]["instances"] == 2
    for app in apps.values():
        assert app["wait_ready"] is True
        assert app["kill_timeout"] > 8000  # the reference app's own shutdown deadline
        assert app["exp_backoff_restart_delay"] > 0 and app["max_memory_restart"]
        assert app["env"]["DATABASE_URL"].startswith("postgres://")  # from the env file
    assert apps["agent"]["env"]["PORT"] == "3001" and apps["frontend"]["env"]["PORT"] == "3000"


def test_the_wrapper_refuses_to_start_a_daemon_outside_systemd(host):
    # Only the service's own daemon may exist: a stray `pm2` call would spawn another one.
    host.run("systemctl stop pm2-agentc2")
    try:
        result = host.run("agentc2-pm2 ls")
        assert result.rc == 3 and "is not running" in result.stderr
        assert host.run("pgrep -u agentc2 -f 'PM2 v'").rc == 1
    finally:
        host.run("systemctl start pm2-agentc2")
    assert wait_until_ready(host)["ready"]


def test_apps_come_back_after_a_restart_of_the_unit(host):
    before = {i["pid"] for i in pm2_status(host)["apps"]["agent"]["instances"]}
    assert host.run("systemctl restart pm2-agentc2").rc == 0
    status = wait_until_ready(host)
    assert status["ready"], status
    after = {i["pid"] for i in status["apps"]["agent"]["instances"]}
    assert not before & after  # really new processes
    assert agent_answers(host)


def test_a_killed_worker_is_replaced(host):
    victim = pm2_status(host)["apps"]["agent"]["instances"][0]
    host.run(f"kill -9 {victim['pid']}")
    time.sleep(1)
    status = wait_until_ready(host)
    assert status["ready"], status
    replaced = next(i for i in status["apps"]["agent"]["instances"] if i["pm_id"] == victim["pm_id"])
    assert replaced["pid"] != victim["pid"] and replaced["restarts"] >= 1
    assert agent_answers(host)


def test_a_lost_process_list_is_restored_by_the_role(host, run_playbook):
    # Someone deleted an app by hand: the next converge starts it again, without touching the other.
    assert host.run("agentc2-pm2 delete frontend").rc == 0
    run = run_playbook("""
        - name: Converge pm2
          hosts: droplets
          roles:
            - role: agentc2.platform.pm2
    """)
    assert run.rc == 0, run
    assert pm2_status(host)["ready"]


def test_the_log_rotation_configuration_is_valid_and_copies_then_truncates(host):
    config = host.file("/etc/logrotate.d/pm2-agentc2")
    assert config.contains("copytruncate") and config.contains("/var/log/agentc2/\\*.log")
    assert host.run("logrotate --debug /etc/logrotate.d/pm2-agentc2").rc == 0
    assert host.file("/var/log/agentc2/agent.out.log").user == "agentc2"
    assert not host.file("/srv/agentc2/.pm2/modules/pm2-logrotate").exists
