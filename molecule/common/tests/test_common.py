"""Role common: users, time sync, security upgrades, journal, limits and firewall."""

import re

import pytest
import testinfra

testinfra_hosts = ["ansible://all"]

ALLOWED_PORT = 443
BLOCKED_PORT = 8081


def test_service_user_is_a_locked_system_account(host):
    user = host.user("agentc2")
    assert user.uid < 1000
    assert user.group == "agentc2"
    assert user.home == "/srv/agentc2"
    assert user.shell == "/usr/sbin/nologin"
    home = host.file("/srv/agentc2")
    assert home.is_directory and home.user == "agentc2" and home.mode == 0o750


def test_deploy_user_has_its_key_and_passwordless_sudo(host):
    assert host.user("deploy").shell == "/bin/bash"
    keys = host.file("/home/deploy/.ssh/authorized_keys")
    assert keys.user == "deploy" and keys.mode == 0o600
    assert "molecule@common" in keys.content_string
    result = host.run("runuser -u deploy -- sudo -n id -u")
    assert result.rc == 0, result.stderr
    assert result.stdout.strip() == "0"


def test_service_user_cannot_sudo(host):
    assert host.run("runuser -u agentc2 -s /bin/sh -- -c 'sudo -n true'").rc != 0


def test_timesyncd_is_enabled_with_the_configured_servers(host):
    assert host.service("systemd-timesyncd").is_enabled
    config = host.check_output("systemd-analyze cat-config systemd/timesyncd.conf")
    assert "NTP=time.example.org" in config


def test_unattended_upgrades_allow_only_the_security_archive(host):
    periodic = host.check_output("apt-config dump APT::Periodic")
    assert 'APT::Periodic::Unattended-Upgrade "1";' in periodic
    assert 'APT::Periodic::Update-Package-Lists "1";' in periodic
    codename = host.system_info.codename
    # The origins are printed first; grep stops the (slow, downloading) dry run right there.
    dry_run = host.run("unattended-upgrade --dry-run --debug 2>&1 | grep -m1 'Allowed origins are:'")
    origins = re.search(r"Allowed origins are: (.*)", dry_run.stdout)
    assert origins, dry_run.stdout + dry_run.stderr
    assert origins.group(1).strip() == f"origin=Debian,codename={codename}-security,label=Debian-Security"


def test_journal_is_bounded(host):
    config = host.check_output("systemd-analyze cat-config systemd/journald.conf")
    assert "SystemMaxUse=500M" in config and "MaxRetentionSec=1month" in config
    # journald reports its effective limit when it (re)starts: proof that the restart happened.
    # systemd 252 (Debian 12) prints "max 500.0M", systemd 257 (Debian 13) "max 500M".
    log = host.check_output("journalctl -b -u systemd-journald --no-pager -o cat")
    assert re.search(r"System Journal .* max 500(\.0)?M,", log), log[-2000:]


def test_kernel_parameters_are_persisted(host):
    persisted = dict(
        (key.strip(), value.strip())
        for key, value in (
            line.split("=", 1)
            for line in host.file("/etc/sysctl.d/60-agentc2.conf").content_string.splitlines()
            if "=" in line and not line.startswith("#")
        )
    )
    assert persisted["net.core.somaxconn"] == "65535"
    assert persisted["net.ipv4.tcp_tw_reuse"] == "1"
    assert persisted["net.ipv4.ip_local_port_range"] == "1024 65535"
    assert persisted["fs.file-max"] == "2097152"


def test_systemd_gives_services_the_raised_open_file_limit(host):
    manager = host.check_output("systemctl show -p DefaultLimitNOFILE -p DefaultLimitNOFILESoft")
    assert "DefaultLimitNOFILE=524288" in manager
    assert "DefaultLimitNOFILESoft=65536" in manager
    limits = host.file("/etc/security/limits.d/60-agentc2-nofile.conf").content_string
    assert re.search(r"^\*\s+soft\s+nofile\s+65536$", limits, re.M)


def test_firewall_ruleset_is_loaded(host):
    assert host.service("nftables").is_enabled
    table = host.check_output("nft list table inet agentc2")
    assert "policy drop" in table
    assert re.search(r"tcp dport \{ 22, 80, 443 \} accept", table), table


@pytest.fixture(name="listeners")
def fixture_listeners(host):
    """Two throw-away HTTP listeners on the host: one on an allowed port, one on a blocked port."""
    units = []
    for port in (ALLOWED_PORT, BLOCKED_PORT):
        unit = f"molecule-listener-{port}"
        host.run(f"systemctl stop {unit}")
        host.check_output(f"systemd-run --unit {unit} python3 -m http.server {port} --directory /srv")
        units.append(unit)
    host.check_output(
        f"for i in $(seq 50); do ss -ltn | grep -q ':{BLOCKED_PORT} ' && ss -ltn | grep -q ':{ALLOWED_PORT} ' && exit 0; sleep 0.1; done; exit 1"
    )
    yield
    for unit in units:
        host.run(f"systemctl stop {unit}")


def test_firewall_accepts_allowed_ports_and_drops_the_rest(host, listeners):
    address = host.interface("eth0").addresses[0]
    name = host.backend.get_hostname()
    peer = "common-bookworm" if name == "common-trixie" else "common-trixie"
    client = testinfra.get_host(f"docker://{peer}")
    allowed = client.run(f"curl -sS -o /dev/null -w '%{{http_code}}' --max-time 3 http://{address}:{ALLOWED_PORT}/")
    blocked = client.run(f"curl -sS -o /dev/null --max-time 3 http://{address}:{BLOCKED_PORT}/")
    assert allowed.stdout == "200", allowed.stderr
    # Dropped, not refused: the client waits until its timeout.
    assert blocked.rc == 28, (blocked.rc, blocked.stderr)


def test_unsupported_distribution_fails_before_any_change(run_playbook):
    run = run_playbook(
        """
        - hosts: common-trixie
          tasks:
            - name: Pretend to be another distribution
              ansible.builtin.set_fact:
                ansible_distribution: Alpine
                ansible_os_family: Alpine
                cacheable: true
            - name: Apply role common
              ansible.builtin.include_role:
                name: agentc2.platform.common
        """
    )
    assert run.rc != 0, run.output
    assert "role common supports Debian and Ubuntu only" in run.output, run.output
    assert "runs Alpine" in run.output, run.output
    assert re.search(r"common-trixie\s*:.*changed=0", run.output), run.output
