#!/usr/bin/env bash
# Host packages the images, the lab and the benchmarks need: debootstrap (base images),
# apt-cacher-ng (a cache of the Debian mirror for the containers) and wrk (load figures).
# Installed from Debian's packages when missing and we are root.
set -euo pipefail

missing=()
command -v debootstrap >/dev/null || missing+=(debootstrap)
[ -x /usr/sbin/apt-cacher-ng ] || missing+=(apt-cacher-ng)
command -v wrk >/dev/null || missing+=(wrk)
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  echo "missing host packages: ${missing[*]} (install them, or run as root)" >&2
  exit 1
fi
echo "installing ${missing[*]}"
apt-get update -qq
# apt-cacher-ng's postinst would start its own daemon with Debian's remaps; ours is started by
# scripts/ensure-apt-cache.sh with the repository's configuration.
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
