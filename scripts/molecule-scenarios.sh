#!/usr/bin/env bash
# The Molecule scenarios `make test` runs, in dependency order: each role before the scenarios
# that build on it, and the lab, which uses them all, last.
set -euo pipefail
cd "$(dirname "$0")/../molecule"
order=(nodejs common pm2 app health caddy)
last=(lab)
for s in "${order[@]}"; do
  [ -f "$s/molecule.yml" ] && echo "$s"
done
for d in */molecule.yml; do
  s=${d%/molecule.yml}
  [[ " ${order[*]} ${last[*]} " == *" $s "* ]] || echo "$s"
done
for s in "${last[@]}"; do
  [ -f "$s/molecule.yml" ] && echo "$s"
done
