#!/usr/bin/env bash
# `make test`: every stage of the suite, each timed; a failing stage does not stop the others.
# Ends with a per-stage timing table and one closing line `N passed, N failed`, where N counts
# pytest tests (unit and testinfra) plus one check for each stage that is not pytest.
# usage: scripts/test-all.sh SCENARIO...
set -uo pipefail

cd "$(dirname "$0")/.." || exit 1
results=.build/test-results
rm -rf "$results"
mkdir -p "$results"
export JUNIT_DIR=$PWD/$results

stages=()
declare -A stage_status stage_seconds

run_stage() {
  local name=$1 start status
  shift
  echo
  echo "=== stage: $name"
  start=$(date +%s)
  "$@"
  status=$?
  stage_seconds[$name]=$(($(date +%s) - start))
  stage_status[$name]=$status
  stages+=("$name")
  echo "=== stage: $name $([ "$status" -eq 0 ] && echo passed || echo FAILED) in ${stage_seconds[$name]}s"
}

run_stage lint ansible-lint --profile production --nocolor
run_stage changelog antsibull-changelog lint
run_stage sanity scripts/sanity.sh
run_stage build scripts/check-build.sh
run_stage unit pytest tests/unit --junitxml="$results/unit.xml" -q
run_stage e2e-double pytest tests/e2e_double --junitxml="$results/e2e-double.xml" -q
run_stage reference-app examples/agentc2-reference/scripts/test-with-services.sh
for scenario in "$@"; do
  run_stage "molecule:$scenario" scripts/molecule-scenario.sh "$scenario"
done

echo
echo "=== summary"
total=0
for name in "${stages[@]}"; do
  printf '  %-24s %-7s %5ss\n' "$name" "$([ "${stage_status[$name]}" -eq 0 ] && echo passed || echo FAILED)" "${stage_seconds[$name]}"
  total=$((total + stage_seconds[$name]))
done
printf '  %-24s %-7s %5ss\n' total "" "$total"
failed_stages=0
for name in "${stages[@]}"; do [ "${stage_status[$name]}" -eq 0 ] || failed_stages=$((failed_stages + 1)); done
python3 scripts/count-results.py "$results" "${#stages[@]}" "$failed_stages"
[ "$failed_stages" -eq 0 ]
