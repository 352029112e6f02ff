"""Role app: a release of the reference app served by PM2, its data in PostgreSQL and Redis,
a second release and a rollback, and the bad inputs (a failing build, a release that never
becomes ready, a missing secret) leaving the serving release alone.

The tests run in file order: later ones deploy releases on top of the converged one.
"""

import json
import os
import shutil
import uuid
from pathlib import Path

import pytest
import testinfra

testinfra_hosts = ["ansible://app-node"]

REFERENCE_APP = Path(__file__).resolve().parents[3] / "examples" / "agentc2-reference"
DEPLOY = """
- name: Deploy
  hosts: droplets
  roles:
    - role: agentc2.platform.app
"""


@pytest.fixture(scope="module")
def services():
    inventory = os.environ["MOLECULE_INVENTORY_FILE"]
    return testinfra.get_host(f"ansible://app-services?ansible_inventory={inventory}")


def headers(host, url, method="GET", body=None):
    """Status and response headers (lower-cased names) of one request on the droplet's loopback."""
    data = f"-H 'Content-Type: application/json' --data '{body}'" if body else ""
    out = host.check_output(f"curl -sS -o /dev/null -D - -X {method} {data} {url}")
    lines = out.splitlines()
    status = int(lines[0].split()[1])
    fields = dict(line.split(":", 1) for line in lines[1:] if ":" in line)
    return status, {k.strip().lower(): v.strip() for k, v in fields.items()}


def serving_release(host):
    status, fields = headers(host, "http://127.0.0.1:3001/api/info")
    assert status == 200
    return fields["x-release"]


def current_release(host):
    return Path(host.file("/srv/agentc2/app/current").linked_to).name


def broken_copy(tmp_path, name, breakage):
    """A copy of the reference app (without node_modules) that `breakage` then spoils."""
    target = tmp_path / name
    shutil.copytree(REFERENCE_APP, target, ignore=shutil.ignore_patterns("node_modules", ".git"))
    breakage(target)
    return target


def test_the_first_release_is_current_and_serving(host):
    assert current_release(host) == "1.0.0"
    assert host.file("/srv/agentc2/app/releases/1.0.0/RELEASE").content_string == "1.0.0\n"
    assert host.file("/srv/agentc2/app/releases/1.0.0/node_modules/pg").is_directory
    assert serving_release(host) == "1.0.0"


def test_responses_name_the_droplet(host):
    status, fields = headers(host, "http://127.0.0.1:3000/")
    assert status == 200
    assert fields["x-droplet"] == "app-node"
    assert fields["x-release"] == "1.0.0"


@pytest.mark.parametrize("app", ["agent", "frontend"])
def test_env_files_hold_the_secrets_readable_by_the_service_group_only(host, app):
    env = host.file(f"/etc/agentc2/{app}.env")
    assert (env.user, env.group, env.mode) == ("root", "agentc2", 0o640)
    assert "DATABASE_URL=postgres://agentc2:molecule-db-secret@app-services:5432/agentc2" in env.content_string
    assert "REDIS_URL=redis://:molecule-redis-secret@app-services:6379/0" in env.content_string


def test_the_app_code_is_not_writable_by_the_service_user(host):
    result = host.run("runuser -u agentc2 -- touch /srv/agentc2/app/current/agent/server.js")
    assert result.rc != 0


def test_health_reports_both_dependencies_reachable(host):
    body = json.loads(host.check_output("curl -sS http://127.0.0.1:3001/api/health"))
    assert body["status"] == "ok"
    assert body["dependencies"]["postgres"]["reachable"] is True
    assert body["dependencies"]["redis"]["reachable"] is True


def test_a_note_posted_to_the_api_lands_in_postgresql(host, services):
    text = f"molecule-{uuid.uuid4()}"
    status, fields = headers(host, "http://127.0.0.1:3001/api/notes", "POST", json.dumps({"text": text}))
    assert status == 201
    note_id = fields["location"].rsplit("/", 1)[1]
    stored = services.check_output(
        f"runuser -u postgres -- psql -d agentc2 -tAc \"SELECT body FROM notes WHERE id = {int(note_id)}\"")
    assert stored == text


def test_visits_counted_by_the_api_land_in_redis(host, services):
    read = "redis-cli -a molecule-redis-secret --no-auth-warning GET agentc2:visits"
    before = int(services.check_output(read) or 0)
    for _unused in range(3):
        assert headers(host, "http://127.0.0.1:3001/api/visits", "POST")[0] == 200
    assert int(services.check_output(read)) == before + 3


def test_a_second_release_is_deployed_and_served(host, run_playbook):
    run = run_playbook(DEPLOY, "-e", "app_version=2.0.0")
    assert run.rc == 0, run
    assert current_release(host) == "2.0.0"
    assert serving_release(host) == "2.0.0"
    assert headers(host, "http://127.0.0.1:3000/")[1]["x-release"] == "2.0.0"


def test_a_second_deploy_of_the_same_release_changes_nothing(host, run_playbook):
    run = run_playbook(DEPLOY, "-e", "app_version=2.0.0")
    assert run.rc == 0, run
    assert "changed=0" in run.output, run
    assert serving_release(host) == "2.0.0"


def test_rollback_switches_back_to_the_previous_release(host, run_playbook):
    run = run_playbook(DEPLOY, "-e", "app_version=2.0.0", "-e", "app_rollback=true")
    assert run.rc == 0, run
    assert current_release(host) == "1.0.0"
    assert serving_release(host) == "1.0.0"
    # Release 2.0.0 stays on the host for a roll forward, and a second rollback changes nothing.
    assert host.file("/srv/agentc2/app/releases/2.0.0/RELEASE").exists
    again = run_playbook(DEPLOY, "-e", "app_version=2.0.0", "-e", "app_rollback=true")
    assert again.rc == 0 and "changed=0" in again.output, again
    assert serving_release(host) == "1.0.0"


def test_a_release_whose_npm_ci_fails_leaves_the_previous_one_serving(host, run_playbook, tmp_path):
    def unsync_lockfile(folder):
        package = json.loads((folder / "package.json").read_text())
        package["dependencies"]["left-pad"] = "1.3.0"  # not in package-lock.json: npm ci refuses
        (folder / "package.json").write_text(json.dumps(package))

    folder = broken_copy(tmp_path, "unsynced", unsync_lockfile)
    run = run_playbook(DEPLOY, "-e", "app_version=3.0.0-broken", "-e", f"app_release_folder={folder}")
    assert run.rc != 0
    assert "Release 3.0.0-broken failed at step 'Install dependencies (npm ci)'" in run.output, run
    assert not host.file("/srv/agentc2/app/releases/3.0.0-broken").exists
    assert not host.file("/srv/agentc2/app/releases/.3.0.0-broken.staging").exists
    assert current_release(host) == "1.0.0"
    assert serving_release(host) == "1.0.0"


def test_a_release_that_never_gets_ready_is_rolled_back(host, run_playbook, tmp_path):
    def never_listen(folder):
        # Starts, never listens, never sends ready: PM2 gives up waiting after listen_timeout.
        (folder / "agent" / "server.js").write_text("setInterval(() => {}, 1000);\n")

    folder = broken_copy(tmp_path, "never-ready", never_listen)
    run = run_playbook(DEPLOY, "-e", "app_version=4.0.0-never-ready", "-e", f"app_release_folder={folder}",
                       "-e", "pm2_reload_timeout=20")
    assert run.rc != 0
    # Caught either as instances that never count as online or as an agent that never answers.
    assert "Release 4.0.0-never-ready failed at step 'Wait until" in run.output, run
    assert "current points again at release 1.0.0" in run.output, run
    assert current_release(host) == "1.0.0"
    assert serving_release(host) == "1.0.0"
    status = json.loads(host.check_output("agentc2-pm2-status --expect agent=4 --expect frontend=2"))
    assert status["ready"], status


def test_a_missing_secret_fails_before_any_change(host, run_playbook):
    env_before = host.file("/etc/agentc2/agent.env").sha256sum
    run = run_playbook(DEPLOY, "-e", "app_version=5.0.0",
                       "-e", '{"app_secrets": {"DATABASE_URL": "postgres://x@y/z"}}')
    assert run.rc != 0
    assert "app_secrets lacks REDIS_URL" in run.output, run
    assert "postgres://x@y/z" not in run.output
    assert "changed=0" in run.output, run
    assert not host.file("/srv/agentc2/app/releases/5.0.0").exists
    assert host.file("/etc/agentc2/agent.env").sha256sum == env_before
    assert serving_release(host) == "1.0.0"


def test_old_releases_beyond_the_kept_number_are_removed(host, run_playbook):
    for version in ("6.0.0", "7.0.0"):
        run = run_playbook(DEPLOY, "-e", f"app_version={version}", "-e", "app_keep_releases=2")
        assert run.rc == 0, run
    # 1.0.0 and 2.0.0 are older than the last two to go live; 4.0.0-never-ready never served.
    releases = host.check_output("ls /srv/agentc2/app/releases").split()
    assert releases == ["6.0.0", "7.0.0"]
    assert serving_release(host) == "7.0.0"
