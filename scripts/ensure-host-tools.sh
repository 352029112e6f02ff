#!/usr/bin/env bash
# Host packages the images, the tests and the benchmarks need: debootstrap (base images),
# apt-cacher-ng (a cache of the Debian mirror for the containers), wrk (load figures), and
# PostgreSQL and Redis servers (the reference app's tests start their own instances).
# Installed from Debian's packages when missing and we are root.
set -euo pipefail

missing=()
command -v debootstrap >/dev/null || missing+=(debootstrap)
[ -x /usr/sbin/apt-cacher-ng ] || missing+=(apt-cacher-ng)
command -v wrk >/dev/null || missing+=(wrk)
command -v redis-server >/dev/null || missing+=(redis-server)
compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null || missing+=(postgresql)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "missing host packages: ${missing[*]} (install them, or run as root)" >&2
  exit 1
fi
echo "installing ${missing[*]}"
apt-get update -qq
# Keep the packages' own daemons stopped: apt-cacher-ng's would use Debian's remaps (ours is
# started by scripts/ensure-apt-cache.sh), and the tests start PostgreSQL and Redis themselves.
policy=/usr/sbin/policy-rc.d
created_policy=false
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod +x "$policy" && created_policy=true
fi
status=0
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null || status=$?
"$created_policy" && rm -f "$policy"
exit "$status"
