#!/usr/bin/env bash
# Run one Molecule scenario the way `make test` does: create, prepare, check mode on the fresh
# hosts, converge, idempotence (changed=0), check mode on the converged hosts (must report
# changed=0 too, which `molecule check` alone does not assert), verify, destroy.
# usage: scripts/molecule-scenario.sh SCENARIO
set -euo pipefail

scenario=$1
log_dir=${MOLECULE_LOG_DIR:-.build/molecule-logs}
mkdir -p "$log_dir"
log="$log_dir/$scenario.log"
: >"$log"

step() {
  echo "--- molecule $1 -s $scenario" | tee -a "$log"
  molecule "$1" -s "$scenario" >>"$log" 2>&1
}

# `make test` counts the verifiers' tests from their JUnit files (scripts/count-results.py).
verify() {
  if [ -n "${JUNIT_DIR:-}" ]; then
    PYTEST_ADDOPTS="${PYTEST_ADDOPTS:-} --junitxml=$JUNIT_DIR/molecule-$scenario.xml" step verify
  else
    step verify
  fi
}

# The last PLAY RECAP in the log must show changed=0 and failed=0 for every host. Molecule
# frames playbook output with colours and box-drawing characters: strip them first.
assert_check_mode_unchanged() {
  local recap
  recap=$(sed -e 's/\x1b\[[0-9;]*m//g' -e 's/^[[:space:]]*│//' "$log" |
    awk '/PLAY RECAP/ {buf=""; on=1; next} on && NF==0 {on=0} on {buf=buf $0 "\n"} END {printf "%s", buf}')
  if [ -z "$recap" ] || grep -Eq 'changed=[1-9]|failed=[1-9]|unreachable=[1-9]' <<<"$recap"; then
    echo "check mode on converged hosts reported changes or failures:" | tee -a "$log"
    echo "$recap" | tee -a "$log"
    return 1
  fi
  echo "check mode on converged hosts: changed=0" | tee -a "$log"
}

trap 'molecule destroy -s "$scenario" >>"$log" 2>&1 || true' EXIT

status=0
{
  step destroy &&
    step create &&
    step prepare &&
    step check &&
    step converge &&
    step idempotence &&
    step check && assert_check_mode_unchanged &&
    verify
} || status=$?

if [ "$status" -ne 0 ]; then
  echo "scenario $scenario FAILED; last lines of $log:"
  tail -60 "$log"
else
  echo "scenario $scenario passed in ${SECONDS}s"
fi
exit "$status"
