#!/usr/bin/env bash
# `make test`: every stage of the suite, each timed; a failing stage does not stop the others.
# Ends with a per-stage timing table and one closing line `N passed, N failed`, where N counts
# pytest tests (unit and testinfra) plus one check for each stage that is not pytest.
# Role scenarios run MOLECULE_JOBS (default 2) at a time: their containers are independent.
# The `lab` scenario runs alone at the end, since its failover and zero-failure figures need a
# machine that is not also converging other scenarios.
# usage: scripts/test-all.sh SCENARIO...
set -uo pipefail
suite_start=$(date +%s)

cd "$(dirname "$0")/.." || exit 1
results=.build/test-results
rm -rf "$results"
mkdir -p "$results"
export JUNIT_DIR=$PWD/$results

stages=()
declare -A stage_status stage_seconds

record_stage() {
  local name=$1 status=$2 seconds=$3
  stage_seconds[$name]=$seconds
  stage_status[$name]=$status
  stages+=("$name")
  echo "=== stage: $name $([ "$status" -eq 0 ] && echo passed || echo FAILED) in ${seconds}s"
}

run_stage() {
  local name=$1 start status
  shift
  echo
  echo "=== stage: $name"
  start=$(date +%s)
  "$@"
  status=$?
  record_stage "$name" "$status" $(($(date +%s) - start))
}

run_scenario_to_files() {
  local scenario=$1 start status
  start=$(date +%s)
  scripts/molecule-scenario.sh "$scenario" >"$results/molecule-$scenario.out" 2>&1
  status=$?
  echo "$status $(($(date +%s) - start))" >"$results/molecule-$scenario.status"
}

run_scenarios_in_parallel() {
  local jobs=${MOLECULE_JOBS:-2} running=0 scenario status seconds
  [ $# -gt 0 ] || return 0
  echo
  echo "=== stages: molecule $* ($jobs at a time)"
  for scenario in "$@"; do
    run_scenario_to_files "$scenario" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then
      wait -n
      running=$((running - 1))
    fi
  done
  wait
  for scenario in "$@"; do
    echo
    echo "=== stage: molecule:$scenario"
    cat "$results/molecule-$scenario.out"
    read -r status seconds <"$results/molecule-$scenario.status"
    record_stage "molecule:$scenario" "$status" "$seconds"
  done
}

run_stage lint ansible-lint --profile production --nocolor
run_stage changelog antsibull-changelog lint
run_stage sanity scripts/sanity.sh
run_stage build scripts/check-build.sh
run_stage unit pytest tests/unit --junitxml="$results/unit.xml" -q
run_stage e2e-double pytest tests/e2e_double --junitxml="$results/e2e-double.xml" -q
run_stage reference-app examples/agentc2-reference/scripts/test-with-services.sh
role_scenarios=()
for scenario in "$@"; do
  [ "$scenario" = lab ] || role_scenarios+=("$scenario")
done
run_scenarios_in_parallel "${role_scenarios[@]}"
for scenario in "$@"; do
  [ "$scenario" != lab ] || run_stage molecule:lab scripts/molecule-scenario.sh lab
done

echo
echo "=== summary"
for name in "${stages[@]}"; do
  printf '  %-24s %-7s %5ss\n' "$name" "$([ "${stage_status[$name]}" -eq 0 ] && echo passed || echo FAILED)" "${stage_seconds[$name]}"
done
printf '  %-24s %-7s %5ss  (wall clock; parallel stages overlap)\n' total "" $(($(date +%s) - suite_start))
failed_stages=0
for name in "${stages[@]}"; do [ "${stage_status[$name]}" -eq 0 ] || failed_stages=$((failed_stages + 1)); done
python3 scripts/count-results.py "$results" "${#stages[@]}" "$failed_stages"
[ "$failed_stages" -eq 0 ]
