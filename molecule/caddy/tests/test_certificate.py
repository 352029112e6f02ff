"""caddy-certificate: the certificate from the controller, and the apt_repo install method."""

import os
from pathlib import Path

testinfra_hosts = ["ansible://certificate"]

PKI = Path(os.environ.get("MOLECULE_EPHEMERAL_DIRECTORY", "/nonexistent")) / "pki"


def test_serves_the_certificate_made_on_the_controller(host):
    served = host.check_output(
        "openssl s_client -connect 127.0.0.1:443 -servername agentc2.test </dev/null 2>/dev/null"
        " | openssl x509 -outform PEM"
    )
    assert served.strip() == (PKI / "site.crt").read_text().strip()


def test_key_and_certificate_files_are_readable_by_caddy_only(host):
    tls_dir = host.file("/etc/caddy/tls")
    assert (tls_dir.user, tls_dir.group, tls_dir.mode) == ("root", "caddy", 0o750)
    for name in ("site.crt", "site.key"):
        installed = host.file(f"/etc/caddy/tls/{name}")
        assert (installed.user, installed.group, installed.mode) == ("root", "caddy", 0o640)
    assert host.file("/etc/caddy/tls/site.key").content_string == (PKI / "site.key").read_text()


def test_caddy_comes_from_the_repository_at_the_pinned_version(host):
    # apt installs from a source only when its InRelease verifies with the Signed-By key.
    assert host.package("caddy").version == "2.6.2-99agentc2test"
    policy = host.check_output("apt-cache policy caddy")
    assert "*** 2.6.2-99agentc2test 1001" in policy
    assert "http://127.0.0.1:8081 any-version/main" in policy


def test_caddy_is_held(host):
    assert host.check_output("dpkg --get-selections caddy").split() == ["caddy", "hold"]


def test_pin_file(host):
    pin = host.file("/etc/apt/preferences.d/caddy").content_string
    assert "Package: caddy\nPin: version 2.6.2-99*\nPin-Priority: 1001\n" in pin


def test_deb822_source_names_the_downloaded_key(host):
    source = host.file("/etc/apt/sources.list.d/caddy-stable.sources").content_string
    fields = dict(line.split(": ", 1) for line in source.splitlines() if ": " in line)
    assert fields["Types"] == "deb"
    assert fields["URIs"] == "http://127.0.0.1:8081"
    assert fields["Suites"] == "any-version"
    assert fields["Components"] == "main"
    keyring = host.file(fields["Signed-By"])
    assert keyring.content_string == host.file("/srv/fake-caddy-repo/gpg.key").content_string
