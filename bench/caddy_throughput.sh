#!/usr/bin/env bash
# Requests/s through Caddy as the caddy role configures it, on loopback, inside a throw-away
# Debian 13 container: the health path over http (the load balancer's check) and https, and an
# agent path over https. The upstreams are Caddy's own static responders on 3001/3002, fast
# enough that the figure is Caddy's (TLS, routing, headers, compression check, JSON access log),
# not a stub's; the same responders hit directly give the baseline without the proxy hop.
# usage: bench/caddy_throughput.sh [duration_s] [connections]    (run from the repository root,
#        with the venv on PATH and ANSIBLE_COLLECTIONS_PATH set, as `make` does)
set -euo pipefail

duration=${1:-10}
connections=${2:-64}
name=caddy-bench-$$
work=$(mktemp -d)

cleanup() {
  docker rm -f "$name" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

docker run -d --name "$name" --cap-add SYS_ADMIN --cgroupns host \
  -v /sys/fs/cgroup:/sys/fs/cgroup:rw --tmpfs /run --tmpfs /run/lock --tmpfs /tmp \
  agentc2/debian:trixie /lib/systemd/systemd >/dev/null

cat >"$work/inventory.yml" <<YAML
all:
  hosts:
    $name:
      ansible_connection: community.docker.docker
YAML

cat >"$work/setup.yml" <<'YAML'
- name: Caddy as the role configures it, with fast loopback upstreams
  hosts: all
  gather_facts: false
  tasks:
    - name: Wait for systemd
      ansible.builtin.command: systemctl is-system-running --wait
      register: state
      changed_when: false
      failed_when: state.stdout not in ['running', 'degraded']

    - name: Install wrk
      ansible.builtin.apt:
        name: wrk
        update_cache: true

    - name: Resolve the site name to loopback
      ansible.builtin.lineinfile:
        path: /etc/hosts
        line: 127.0.0.1 agentc2.test
        unsafe_writes: true  # /etc/hosts is a bind mount in a container

    - name: Apply the caddy role
      ansible.builtin.include_role:
        name: agentc2.platform.caddy
      vars:
        caddy_install_method: distro
        caddy_tls_mode: internal
        caddy_site_addresses: [agentc2.test]
        caddy_extra_config: |
          :3001 {
          	bind 127.0.0.1
          	respond "agent ok"
          }
          :3002 {
          	bind 127.0.0.1
          	respond "health ok"
          }
YAML

echo "setting up $name (Debian 13, caddy role, distro package, tls internal) ..." >&2
ansible-playbook -i "$work/inventory.yml" "$work/setup.yml" >"$work/setup.log" 2>&1 ||
  { tail -40 "$work/setup.log"; exit 1; }

requests_per_second() {
  docker exec "$name" wrk -t2 -c"$connections" -d"${duration}s" --latency "$1" |
    awk '/Requests\/sec/ {rps=$2} /^ +99%/ {p99=$2} /Non-2xx/ {bad=$NF}
         END {printf "%10.0f req/s   p99 %-9s non-2xx %s\n", rps, p99, (bad == "" ? 0 : bad)}'
}

exposure() {
  docker exec "$name" systemd-analyze security "$@" 2>/dev/null | sed -n 's/.*Overall exposure level for [^:]*: //p'
}
echo "systemd-analyze security: role's caddy.service $(exposure caddy.service), packaged unit $(exposure --offline=yes /lib/systemd/system/caddy.service)"
echo "caddy $(docker exec "$name" caddy version | cut -d' ' -f1), wrk -t2 -c$connections -d${duration}s, $(nproc) cores on this machine, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-44s' "http  :80  /api/health (LB check)"; requests_per_second http://127.0.0.1/api/health
printf '%-44s' "https :443 /api/health"; requests_per_second https://agentc2.test/api/health
printf '%-44s' "https :443 /api/agents (agent upstream)"; requests_per_second https://agentc2.test/api/agents
printf '%-44s' "direct 127.0.0.1:3001 (baseline, no proxy)"; requests_per_second http://127.0.0.1:3001/api/agents
