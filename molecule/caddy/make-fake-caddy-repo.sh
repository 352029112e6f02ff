#!/usr/bin/env bash
# Build a signed apt repository at $1 laid out like Caddy's (dists/any-version/main) that holds
# Debian's caddy re-versioned as $2. The signing key is published as $1/gpg.key.
set -euo pipefail
root=$1 version=$2
arch=$(dpkg --print-architecture)
work=$(mktemp -d)
export GNUPGHOME="$work/gnupg"
mkdir -m 0700 "$GNUPGHOME"
mkdir -p "$root/pool" "$root/dists/any-version/main/binary-$arch"

cd "$work"
apt-get download caddy
dpkg-deb -R caddy_*.deb unpacked
sed -i "s/^Version: .*/Version: $version/" unpacked/DEBIAN/control
dpkg-deb -Zgzip -z1 -b unpacked "$root/pool/caddy_${version}_${arch}.deb"

cd "$root"
apt-ftparchive packages pool >"dists/any-version/main/binary-$arch/Packages"
apt-ftparchive \
  -o APT::FTPArchive::Release::Suite=any-version \
  -o APT::FTPArchive::Release::Codename=any-version \
  -o APT::FTPArchive::Release::Components=main \
  -o "APT::FTPArchive::Release::Architectures=$arch" \
  release dists/any-version >"$work/Release"
mv "$work/Release" dists/any-version/Release

gpg --batch --passphrase '' --quick-gen-key 'AgentC2 test <test@example.invalid>' default default never
gpg --armor --export >gpg.key
gpg --batch --yes --clearsign -o dists/any-version/InRelease dists/any-version/Release
rm -rf "$work"
