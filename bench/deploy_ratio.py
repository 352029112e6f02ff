# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""How close the rolling deploy comes to the floor its load balancer imposes.

Runs playbooks/deploy.yml once and prints one JSON line: the deploy's duration, the floor
(droplets x (drain wait + re-admission wait), with drain wait = unhealthy threshold x interval +
timeout and re-admission wait = healthy threshold x interval) and their ratio. The target is a ratio
of at most 1.25 with the architecture's 10 s / 3 / 3 checks. Prints; asserts nothing.

  python3 bench/deploy_ratio.py -i INVENTORY --version 1.4.2 [--droplets 2] [-e KEY=VALUE ...]

The check settings come from inventory/group_vars/all.yml unless given with -e (the same variables
deploy.yml reads), so the floor is computed from what the deploy waited for.
"""

from __future__ import annotations

import argparse
import json
import pathlib
import subprocess
import sys
import time

import yaml

REPO_ROOT = pathlib.Path(__file__).resolve().parent.parent
CHECK_VARIABLES = ("agentc2_health_check_interval", "agentc2_health_check_timeout",
                   "agentc2_healthy_threshold", "agentc2_unhealthy_threshold")


def check_settings(extra_vars):
    settings = yaml.safe_load((REPO_ROOT / "inventory" / "group_vars" / "all.yml").read_text())
    settings = {name: settings[name] for name in CHECK_VARIABLES}
    settings.update({k: float(v) for k, v in extra_vars.items() if k in CHECK_VARIABLES})
    return settings


def floor_seconds(settings, droplets):
    """What the load balancer's thresholds alone make a rolling deploy of `droplets` last."""
    interval = float(settings["agentc2_health_check_interval"])
    drain = float(settings["agentc2_unhealthy_threshold"]) * interval + float(settings["agentc2_health_check_timeout"])
    admission = float(settings["agentc2_healthy_threshold"]) * interval
    return droplets * (drain + admission), drain, admission


def parse_extra(pairs):
    extra = {}
    for pair in pairs:
        key, _unused, value = pair.partition("=")
        extra[key] = value
    return extra


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-i", "--inventory", required=True)
    parser.add_argument("--version", required=True, help="app_version to deploy")
    parser.add_argument("--droplets", type=int, default=2, help="droplets the deploy goes through")
    parser.add_argument("-e", "--extra", action="append", default=[], metavar="KEY=VALUE")
    args = parser.parse_args(argv)

    extra = {"app_version": args.version, **parse_extra(args.extra)}
    command = ["ansible-playbook", "-i", args.inventory, str(REPO_ROOT / "playbooks" / "deploy.yml"),
               "-e", json.dumps(extra)]
    started = time.monotonic()
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    duration = time.monotonic() - started
    if result.returncode != 0:
        sys.stderr.write(result.stdout[-4000:] + result.stderr[-4000:])

    settings = check_settings(extra)
    floor, drain, admission = floor_seconds(settings, args.droplets)
    print(json.dumps({
        "deploy_rc": result.returncode,
        "droplets": args.droplets,
        "check": settings,
        "drain_wait_s": drain,
        "admission_wait_s": admission,
        "floor_s": round(floor, 1),
        "deploy_s": round(duration, 1),
        "ratio": round(duration / floor, 3),
        "target_ratio": 1.25,
    }))
    return result.returncode


if __name__ == "__main__":
    sys.exit(main())
