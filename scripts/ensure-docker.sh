#!/usr/bin/env bash
# Make sure a Docker engine answers. These machines ship only the docker client: as root on
# Debian, install Debian's docker.io and start dockerd in the background. Elsewhere, say what
# is missing instead of guessing.
set -euo pipefail

docker info >/dev/null 2>&1 && exit 0

if [ "$(id -u)" -ne 0 ] || [ ! -f /etc/debian_version ]; then
  echo "No Docker engine answers 'docker info'. Start one (or run as root on Debian to install docker.io)." >&2
  exit 1
fi

if ! command -v dockerd >/dev/null; then
  echo "installing Debian's docker.io"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io >/dev/null
fi

echo "starting dockerd"
nohup dockerd >/var/log/agentc2-dockerd.log 2>&1 &
for _ in $(seq 1 60); do
  docker info >/dev/null 2>&1 && exit 0
  sleep 1
done
echo "dockerd did not answer within 60 s; see /var/log/agentc2-dockerd.log" >&2
exit 1
