"""Both hosts: routing, the health path on :80 and :443, redirects, headers, logs, admin API."""

import json
import shlex

import pytest

testinfra_hosts = ["ansible://caddy_hosts"]

CA_FILES = {
    # tls internal: Caddy's own root, kept in its state directory
    "caddy-internal": "/var/lib/caddy/.local/share/caddy/pki/authorities/local/root.crt",
    # certificate mode: the self-signed certificate is its own trust anchor
    "caddy-certificate": "/etc/caddy/tls/site.crt",
}


def https(host, path, *curl_args):
    """GET https://agentc2.test<path> through Caddy on loopback, verifying its certificate."""
    ca_file = CA_FILES[host.backend.get_hostname()]
    command = [
        "curl", "-sS", "--max-time", "5", "--cacert", ca_file,
        "--resolve", "agentc2.test:443:127.0.0.1", "-w", "\\n%{http_code}", *curl_args,
        f"https://agentc2.test{path}",
    ]
    return host.run(" ".join(shlex.quote(arg) for arg in command))


def split(result):
    assert result.rc == 0, result.stderr
    body, _unused, code = result.stdout.rpartition("\n")
    return int(code), body


@pytest.mark.parametrize(
    "path, upstream",
    [
        ("/api/health", "health"),
        ("/api/agents/42", "agent"),
        ("/api", "frontend"),
        ("/", "frontend"),
        ("/dashboard?tab=1", "frontend"),
    ],
)
def test_https_routes_each_path_to_its_upstream(host, path, upstream):
    code, body = split(https(host, path))
    assert code == 200
    assert body.strip() == f"{upstream} {path}"


def test_health_is_answered_on_http_without_redirect(host):
    for host_header in ("agentc2.test", "203.0.113.7"):  # the load balancer checks by IP
        result = host.run(
            "curl -sS --max-time 5 -H 'Host: %s' -w '\\n%%{http_code}' http://127.0.0.1/api/health",
            host_header,
        )
        code, body = split(result)
        assert (code, body.strip()) == (200, "health /api/health")


def test_other_http_paths_redirect_to_https(host):
    result = host.run(
        "curl -sS --max-time 5 -o /dev/null -H 'Host: agentc2.test' "
        "-w '%{http_code} %{redirect_url}' http://127.0.0.1/api/agents?x=1"
    )
    assert result.stdout == "308 https://agentc2.test/api/agents?x=1"


def test_security_headers_on_https(host):
    result = https(host, "/", "-D", "-", "-o", "/dev/null")
    headers = {
        name.strip().lower(): value.strip()
        for name, _unused, value in (line.partition(":") for line in result.stdout.splitlines())
    }
    assert headers["strict-transport-security"] == "max-age=31536000; includeSubDomains"
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    assert "server" not in headers


@pytest.mark.parametrize("encoding", ["gzip", "zstd"])
def test_responses_are_compressed(host, encoding):
    result = https(host, "/big", "-H", f"Accept-Encoding: {encoding}", "-D", "-", "-o", "/dev/null")
    assert f"content-encoding: {encoding}" in result.stdout.lower()


def test_access_log_is_json_and_records_requests(host):
    split(https(host, "/logged-request"))
    log = host.file("/var/log/caddy/access.log")
    assert log.user == "caddy"
    entries = [json.loads(line) for line in log.content_string.splitlines()]
    assert any(entry["request"]["uri"] == "/logged-request" for entry in entries)


def test_admin_api_listens_on_loopback_only(host):
    listeners = host.check_output("ss -Htlnp 'sport = :2019'").splitlines()
    addresses = {line.split()[3].rsplit(":", 1)[0] for line in listeners}
    assert listeners and addresses <= {"127.0.0.1", "[::1]"}, listeners


def test_caddyfile_is_root_owned_and_caddy_readable(host):
    caddyfile = host.file("/etc/caddy/Caddyfile")
    assert (caddyfile.user, caddyfile.group, caddyfile.mode) == ("root", "caddy", 0o640)
