#!/usr/bin/env bash
# Run apt-cacher-ng on port 3142 with the repository's configuration, so that every container's
# apt-get goes through one cache on the host (the images find it through apt-proxy-detect).
# A cache that cannot start is not fatal: the containers then go to the mirror directly.
set -uo pipefail

conf_dir=$(cd "$(dirname "$0")/../.config/apt-cacher-ng" && pwd)
if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:3142/deb.debian.org/debian/dists/trixie/Release" &&
  pgrep -f "apt-cacher-ng -c $conf_dir" >/dev/null; then
  exit 0
fi
pkill -x apt-cacher-ng 2>/dev/null && sleep 1
mkdir -p /var/cache/apt-cacher-ng /var/log/apt-cacher-ng
if ! /usr/sbin/apt-cacher-ng -c "$conf_dir" pidfile=/run/agentc2-apt-cacher-ng.pid foreground=0; then
  echo "warning: apt-cacher-ng did not start; containers will use the Debian mirror directly" >&2
fi
exit 0
