"""scale.yml with its configuration half (issue 8): the API side talks to the DigitalOcean API double,
and the droplet it creates is a lab container, reached and configured like a real droplet.

The double's fleet starts with agentc2-web-01 at lab-droplet-1's address; the droplet scale.yml
creates gets lab-droplet-2's address (the double's public_ipv4_pool). scale_host_vars tells
Ansible to reach agentc2-web-0N through `docker exec` on lab-droplet-N, where a real run uses SSH
to the public address. Scaling out runs site.yml on it and waits for its /api/health on the
public address before tagging it for the load balancer; scaling in drains it (its health answers
503) before untagging and deleting it."""

import json
import os
import subprocess
import urllib.error
import urllib.request

import pytest

import lab
from ansible_collections.agentc2.platform.tests.do_api import ApiDouble
from ansible_collections.agentc2.platform.tests.do_api.droplets import add, make_droplet

SCALE_PLAYBOOK = lab.REPO_ROOT / "playbooks" / "scale.yml"
FLEET_TAG, LB_TAG = "agentc2", "agentc2-lb"
SIZE = "s-2vcpu-4gb"
NEW_DROPLET, CONTAINER = "agentc2-web-02", "lab-droplet-2"
CONTAINER_ADDRESS = "172.30.77.12"
DRAIN_SECONDS = 3


def lab_droplet(droplet_id, name, address):
    """A droplet of the double, active, in the fleet and the load balancer, at a lab address."""
    droplet = make_droplet(droplet_id, name, region=("fra1", "Frankfurt 1"))
    droplet.update(tags=[FLEET_TAG, LB_TAG], size_slug=SIZE)
    for network in droplet["networks"]["v4"]:
        if network["type"] == "public":
            network["ip_address"] = address
    return droplet


@pytest.fixture(name="api")
def fixture_api():
    with ApiDouble() as double:
        add(double.store, [lab_droplet(1001, "agentc2-web-01", "172.30.77.11")])
        double.store.table("config")["public_ipv4_pool"] = [CONTAINER_ADDRESS]
        yield double


@pytest.fixture(name="scale_inventory")
def fixture_scale_inventory(tmp_path):
    """An inventory without hosts, with the lab's group variables: scale.yml adds the droplets."""
    group_vars = tmp_path / "group_vars"
    group_vars.mkdir()
    for group in ("all", "droplets"):
        (group_vars / group).symlink_to(lab.REPO_ROOT / "inventory" / "lab" / "group_vars" / group)
    (tmp_path / "hosts.yml").write_text("all:\n  children:\n    droplets: {}\n")
    return tmp_path


def run_scale(api, inventory, count):
    extra = {
        "droplet_count": count,
        "agentc2_region": "fra1",
        "agentc2_droplet_size": SIZE,
        "scale_drain_seconds": DRAIN_SECONDS,
        "scale_health_delay": 2,
        "scale_host_vars": {
            "ansible_connection": "community.docker.docker",
            "ansible_host": "lab-droplet-{{ inventory_hostname[-1] }}",
            "ansible_python_interpreter": "/usr/bin/python3",
            # The lab's droplets answer on their own address too (inventory/lab/group_vars).
            "lab_address": "172.30.77.1{{ inventory_hostname[-1] }}",
        },
    }
    env = {**os.environ, "DIGITALOCEAN_TOKEN": api.token, "DIGITALOCEAN_API_URL": api.url,
           "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0", "ANSIBLE_PIPELINING": "True"}
    result = subprocess.run(["ansible-playbook", "-i", str(inventory), str(SCALE_PLAYBOOK), "-e", json.dumps(extra)],
                            capture_output=True, text=True, check=False, env=env, timeout=900)
    output = result.stdout + result.stderr
    assert api.token not in output
    return result.returncode, output


def droplets_by_name(api):
    return {droplet["name"]: droplet for droplet in api.store.table("droplets").values()}


def history(api, name):
    return [event for event in api.store.table("history").values() if event["name"] == name]


def health_on_public_address():
    """(status, body) of /api/health through Caddy on the droplet's address, as scale.yml asks it."""
    try:
        with urllib.request.urlopen(f"http://{CONTAINER_ADDRESS}/api/health", timeout=5) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_scale_out_configures_the_new_droplet_then_scale_in_drains_it(api, scale_inventory):
    try:
        rc, output = run_scale(api, scale_inventory, 2)
        assert rc == 0, output[-6000:]
        # site.yml ran on the new droplet, through the connection scale_host_vars gave it.
        assert "PLAY [Configure the droplets]" in output, output[-6000:]
        assert NEW_DROPLET in output.split("PLAY RECAP")[-1], output[-3000:]
        droplets = droplets_by_name(api)
        assert sorted(droplets) == ["agentc2-web-01", NEW_DROPLET]
        assert sorted(droplets[NEW_DROPLET]["tags"]) == [FLEET_TAG, LB_TAG]
        assert [event["event"] for event in history(api, NEW_DROPLET)] == ["create", f"tag:{LB_TAG}"]
        # The droplet's health, through Caddy on its public address, as scale.yml waited for it.
        status, body = health_on_public_address()
        assert status == 200 and body["status"] == "ok", body

        rc, output = run_scale(api, scale_inventory, 1)
        assert rc == 0, output[-6000:]
        assert sorted(droplets_by_name(api)) == ["agentc2-web-01"]
        # Drained before it left: its health answers 503 "draining".
        status, body = health_on_public_address()
        assert status == 503 and body["draining"] is True, body
        events = history(api, NEW_DROPLET)
        untagged = [e for e in events if e["event"] == f"untag:{LB_TAG}"]
        (deleted,) = [e for e in events if e["event"] == "delete"]
        assert untagged and LB_TAG not in deleted["tags"]
        assert deleted["at"] - untagged[0]["at"] >= DRAIN_SECONDS
    finally:
        # The container lives on as the lab's droplet-2: back into the lab's load balancer.
        lab.docker("exec", CONTAINER, "/usr/local/bin/agentc2-health", "undrain")
        lab.wait_for_state(CONTAINER, lab.is_up, timeout=120)
