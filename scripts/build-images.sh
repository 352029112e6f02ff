#!/usr/bin/env bash
# Build the Debian base images that Molecule and the lab run, without any container registry:
# debootstrap a root file system (systemd as PID 1, python3 for Ansible, the machine's CA bundle),
# then `docker import` it. Each image is tagged with a hash of its recipe (this file, the release
# and the CA bundle) and rebuilt only when that hash changes; `agentc2/debian:<release>` always
# points at the current build.
#
# usage: scripts/build-images.sh [release ...]      (default: trixie bookworm)
set -euo pipefail

readonly repo=agentc2/debian
readonly mirror_host=deb.debian.org
readonly ca_bundle=/etc/ssl/certs/ca-certificates.crt
# python3-apt lets Ansible's apt module run without installing it first; sudo lets roles
# become their unprivileged service users; curl and iproute2 serve the verifiers.
readonly packages=systemd,systemd-sysv,dbus,python3,python3-apt,sudo,ca-certificates,curl,iproute2,procps,gnupg,locales

here=$(cd "$(dirname "$0")" && pwd)
releases=("$@")
[ ${#releases[@]} -gt 0 ] || releases=(trixie bookworm)

recipe_hash() {
  local release=$1
  { cat "$0" "$here/image-files/apt-proxy-detect"; echo "$release"; cat "$ca_bundle"; } |
    sha256sum | cut -c1-12
}

mirror_url() {
  # Go through the local apt cache when it runs (scripts/ensure-apt-cache.sh), straight otherwise.
  if curl -fsS -o /dev/null --max-time 2 "http://127.0.0.1:3142/$mirror_host/debian/dists/bookworm/Release"; then
    echo "http://127.0.0.1:3142/$mirror_host/debian"
  else
    echo "http://$mirror_host/debian"
  fi
}

configure_rootfs() {
  local root=$1
  install -D -m 0644 "$ca_bundle" "$root/usr/local/share/ca-certificates/agentc2-host-bundle.crt"
  chroot "$root" update-ca-certificates >/dev/null 2>&1
  install -D -m 0755 "$here/image-files/apt-proxy-detect" "$root/usr/local/bin/apt-proxy-detect"
  echo 'Acquire::http::Proxy-Auto-Detect "/usr/local/bin/apt-proxy-detect";' \
    >"$root/etc/apt/apt.conf.d/01agentc2-proxy"
  echo 'APT::Install-Recommends "false";' >"$root/etc/apt/apt.conf.d/02agentc2-no-recommends"
  printf 'deb http://%s/debian %s main\ndeb http://%s/debian %s-updates main\ndeb http://%s/debian-security %s-security main\n' \
    "$mirror_host" "$release" "$mirror_host" "$release" "$mirror_host" "$release" >"$root/etc/apt/sources.list"
  sed -i 's/^# *en_US.UTF-8/en_US.UTF-8/' "$root/etc/locale.gen"
  chroot "$root" locale-gen >/dev/null
  # A container has no consoles, udev or kernel modules to manage.
  for unit in getty.target console-getty.service systemd-udevd.service systemd-udev-trigger.service \
    systemd-modules-load.service sys-kernel-config.mount sys-kernel-debug.mount systemd-remount-fs.service \
    systemd-firstboot.service; do
    ln -sf /dev/null "$root/etc/systemd/system/$unit"
  done
  : >"$root/etc/machine-id"
  # Package lists stay in the image, as on a fresh droplet: check mode on a new host can then
  # tell what apt would install.
  chroot "$root" apt-get -o APT::Sandbox::User=root update -qq
  rm -rf "$root"/var/cache/apt/*.bin "$root"/var/cache/apt/archives/*.deb
}

build_image() {
  local release=$1 tag root
  tag="$repo:$release-$(recipe_hash "$release")"
  if docker image inspect "$tag" >/dev/null 2>&1; then
    echo "image $tag is current"
  else
    root=$(mktemp -d "/var/tmp/agentc2-rootfs-$release.XXXXXX")
    echo "building $tag (debootstrap $release)"
    debootstrap --variant=minbase --include="$packages" "$release" "$root" "$(mirror_url)" >"$root.log" 2>&1 ||
      { tail -20 "$root.log"; return 1; }
    rm -f "$root.log"
    configure_rootfs "$root"
    tar -C "$root" -c . | docker import \
      --change 'ENV container=docker' \
      --change 'CMD ["/lib/systemd/systemd"]' \
      - "$tag" >/dev/null
    rm -rf "$root"
  fi
  docker tag "$tag" "$repo:$release"
  remove_stale_builds "$release" "$tag"
}

# Builds of an older recipe only take disk space; one still used by a container stays.
remove_stale_builds() {
  local release=$1 current=$2 old
  for old in $(docker image ls --format '{{.Repository}}:{{.Tag}}' "$repo"); do
    [[ $old == "$repo:$release-"* && $old != "$current" ]] || continue
    docker rmi "$old" >/dev/null 2>&1 || true
  done
}

command -v debootstrap >/dev/null || { echo "debootstrap is missing: apt-get install debootstrap" >&2; exit 1; }
for release in "${releases[@]}"; do
  build_image "$release"
done
