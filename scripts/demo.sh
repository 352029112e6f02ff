#!/usr/bin/env bash
# The lab on this machine (docs/lab.md): two droplets configured by site.yml behind a load balancer
# that behaves like DigitalOcean's, with PostgreSQL and Redis.
#   scripts/demo.sh up     create the containers if needed, configure them, print where to look
#   scripts/demo.sh down   remove the lab's containers and network
# `make demo` / `make demo-down` set up the virtualenv, the collection link and the images first.
set -euo pipefail
cd "$(dirname "$0")/.."

readonly scenario=lab
readonly https_port=${AGENTC2_LAB_HTTPS_PORT:-8443}
readonly http_port=${AGENTC2_LAB_HTTP_PORT:-8080}
readonly log=.build/demo.log
readonly droplets=(lab-droplet-1 lab-droplet-2)

run() {
  echo "--- molecule $1 -s $scenario" | tee -a "$log"
  if ! molecule "$1" -s "$scenario" >>"$log" 2>&1; then
    echo "molecule $1 failed; last lines of $log:" >&2
    tail -40 "$log" >&2
    exit 1
  fi
}

# The recap lines of the last play, without Molecule's colours and frame, joined again where
# Molecule wrapped them.
last_recap() {
  sed -E 's/\x1b\[[0-9;]*m//g; s/^[[:space:]]*│ ?//' "$log" |
    awk '/PLAY RECAP/ {buf=""; on=1; next} on && /^[[:space:]]*[*]+[[:space:]]*$/ {next} on && !/[a-z]/ {on=0} on {buf=buf $0 "\n"} END {printf "%s", buf}' |
    awk '/^lab-/ {if (line) print line; line=$0; next} {line=line " " $0} END {if (line) print line}' |
    tr -s ' ' | sed 's/^/  /'
}

droplet_health() {
  local address
  address=$(docker inspect -f '{{(index .NetworkSettings.Networks "agentc2-lab").IPAddress}}' "$1")
  docker exec lab-lb curl -sS --max-time 5 "http://$address/api/health" || echo "(no answer)"
}

lb_states() {
  docker exec lab-lb sh -c "echo 'show servers state droplets_http' | socat stdio /run/haproxy/admin.sock" |
    awk 'NR > 2 && NF {print "  " $4 " " ($6 == 2 ? "UP" : "DOWN")}'
}

# A droplet joins the load balancer after `rise` healthy checks (3 x 10 s with the architecture's
# numbers): wait for that, as a client would, before showing the answer through it.
wait_for_lb() {
  local deadline=$((SECONDS + 90))
  echo "waiting for the load balancer to count both droplets healthy (3 checks, 10 s apart)..."
  while [ "$SECONDS" -lt "$deadline" ]; do
    lb_states | grep -q DOWN || return 0
    sleep 2
  done
}

up() {
  mkdir -p .build
  : >"$log"
  run create
  run prepare   # once per lab: Molecule remembers that lb, db and redis are set up
  run converge  # site.yml on the droplets; a second run reports changed=0
  echo
  echo "PLAY RECAP of site.yml:"
  last_recap
  echo
  echo "AgentC2 through the load balancer:  https://localhost:$https_port/   (http on localhost:$http_port)"
  echo "  Each droplet's Caddy signs with its own internal CA: use curl -k, or accept the browser warning."
  echo
  for droplet in "${droplets[@]}"; do
    echo "health of $droplet (port 80, as the load balancer checks it):"
    droplet_health "$droplet"
    echo
  done
  wait_for_lb
  echo "health through the load balancer:"
  curl -skS --max-time 5 --resolve "localhost:$https_port:127.0.0.1" "https://localhost:$https_port/api/health" ||
    echo "(no answer)"
  echo
  echo
  echo "load balancer's view:"
  lb_states
  echo
  echo "Stop the lab with: make demo-down"
}

down() {
  mkdir -p .build
  : >"$log"
  run destroy
  echo "lab removed"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  *) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
