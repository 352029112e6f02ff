#!/usr/bin/env bash
# The Molecule scenarios `make test` runs, in dependency order: each role before the scenarios
# that build on it, the whole lab last.
set -euo pipefail
cd "$(dirname "$0")/../molecule"
order=(nodejs common pm2 app health caddy lab)
for s in "${order[@]}"; do
  [ -f "$s/molecule.yml" ] && echo "$s"
done
for d in */molecule.yml; do
  s=${d%/molecule.yml}
  [[ " ${order[*]} " == *" $s "* ]] || echo "$s"
done
