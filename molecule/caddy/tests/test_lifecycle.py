"""caddy-internal: the unit's sandbox, shutdown, reload on change, and refused changes."""

import re
import time

import pytest

testinfra_hosts = ["ansible://internal"]

APPLY_ROLE = """
- hosts: internal
  become: true
  roles:
    - role: agentc2.platform.caddy
"""


def health_over_http(host):
    return host.run(
        "curl -s --max-time 5 -o /dev/null -w '%{http_code}' http://127.0.0.1/api/health"
    ).stdout


def main_pid(host):
    return host.check_output("systemctl show -P MainPID caddy")


def caddyfile_checksum(host):
    return host.file("/etc/caddy/Caddyfile").sha256sum


def exposure(output):
    return float(re.search(r"Overall exposure level for \S+: ([0-9.]+)", output).group(1))


def recap_changed(run):
    return [int(n) for n in re.findall(r"changed=(\d+)", run.output)]


def test_hardened_unit_scores_better_than_the_packaged_one(host):
    ours = exposure(host.check_output("systemd-analyze security caddy.service"))
    packaged = exposure(
        host.check_output("systemd-analyze security --offline=yes /lib/systemd/system/caddy.service")
    )
    assert ours < packaged
    assert ours < 2.0, ours  # systemd rates 2.0 and above no better than "MEDIUM"


@pytest.mark.parametrize(
    "prop, value",
    [
        ("User", "caddy"),
        ("NoNewPrivileges", "yes"),
        ("CapabilityBoundingSet", "cap_net_bind_service"),
        ("AmbientCapabilities", "cap_net_bind_service"),
        ("ProtectSystem", "strict"),
        ("ProtectHome", "yes"),
        ("PrivateTmp", "yes"),
        ("LockPersonality", "yes"),
        ("RestrictAddressFamilies", "AF_INET AF_INET6 AF_UNIX"),
    ],
)
def test_unit_sandbox_property(host, prop, value):
    assert host.check_output(f"systemctl show -P {prop} caddy") == value


def test_caddy_sees_the_system_read_only_and_its_state_writable(host):
    # The mount table of caddy's own namespace; a later mount of the same point hides earlier ones.
    mounts = {}
    for line in host.file(f"/proc/{main_pid(host)}/mountinfo").content_string.splitlines():
        fields = line.split()
        mounts[fields[4]] = fields[5].split(",")
    assert "ro" in mounts["/"]
    assert "rw" in mounts["/var/lib/caddy"]
    assert "rw" in mounts["/var/log/caddy"]


def test_valid_change_reloads_without_restart(host, run_playbook):
    pid = main_pid(host)
    run = run_playbook(
        APPLY_ROLE, "-e", '{"caddy_extra_config": ":8088 {\\n\\trespond \\"extra site\\"\\n}"}'
    )
    assert run.rc == 0, run
    assert "RUNNING HANDLER [agentc2.platform.caddy : Reload caddy]" in run.output
    assert host.check_output("curl -s --max-time 5 http://127.0.0.1:8088/") == "extra site"
    assert main_pid(host) == pid

    restored = run_playbook(APPLY_ROLE)
    assert restored.rc == 0, restored
    assert host.run("curl -s --max-time 5 http://127.0.0.1:8088/").rc != 0
    assert main_pid(host) == pid


def test_invalid_extra_config_fails_and_the_old_config_keeps_serving(host, run_playbook):
    before, pid = caddyfile_checksum(host), main_pid(host)
    run = run_playbook(APPLY_ROLE, "-e", '{"caddy_extra_config": "this is { not a caddyfile"}')
    assert run.rc != 0, run
    assert "Write the Caddyfile after caddy validated it" in run.output
    assert "failed to validate" in run.output
    assert caddyfile_checksum(host) == before
    assert main_pid(host) == pid
    assert health_over_http(host) == "200"


@pytest.mark.parametrize(
    "extra_vars, message",
    [
        ('{"caddy_tls_mode": "selfsigned"}', "caddy_tls_mode"),
        ('{"caddy_tls_mode": "acme", "caddy_acme_email": ""}', "needs caddy_acme_email"),
        ('{"caddy_grace_period_seconds": 45}', "caddy_grace_period_seconds must be"),
        (
            '{"caddy_tls_mode": "certificate",'
            ' "caddy_tls_certificate": "{{ lookup(\'file\', scenario_pki_dir + \'/site.crt\') }}",'
            ' "caddy_tls_private_key": "{{ lookup(\'file\', scenario_pki_dir + \'/other.key\') }}"}',
            "does not match the public key",
        ),
    ],
)
def test_bad_input_fails_before_any_change(host, run_playbook, extra_vars, message):
    before = caddyfile_checksum(host)
    run = run_playbook(APPLY_ROLE, "-e", extra_vars)
    assert run.rc != 0, run
    assert message in run.output, run
    assert recap_changed(run) == [0], run
    assert caddyfile_checksum(host) == before


def test_health_says_shutting_down_before_caddy_stops(host):
    host.check_output("systemctl stop --no-block caddy")
    try:
        time.sleep(1)
        assert host.check_output("systemctl is-active caddy || true") == "deactivating"
        answer = host.run("curl -s --max-time 5 -w ' %{http_code}' http://127.0.0.1/api/health")
        assert answer.stdout == "shutting down 503"
        https_answer = host.run(
            "curl -s --max-time 5 -k --resolve agentc2.test:443:127.0.0.1 -o /dev/null "
            "-w '%{http_code}' https://agentc2.test/api/health"
        )
        assert https_answer.stdout == "503"
    finally:
        host.check_output("timeout 30 sh -c 'while systemctl -q is-active caddy; do sleep 0.5; done'")
        host.check_output("systemctl start caddy")
    assert health_over_http(host) == "200"
