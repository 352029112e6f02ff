#!/usr/bin/python
# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: droplet
short_description: A DigitalOcean droplet, by unique name, with its tags reconciled
version_added: 0.1.0
description:
  - Creates or deletes a DigitalOcean droplet found by its name, which this module treats as unique;
    several droplets with the name fail the task instead of acting on one of them.
  - Waits until a new droplet is C(active) and returns its addresses.
  - On an existing droplet the tags are reconciled (added and removed), and the size is changed
    when O(allow_resize=true) (the droplet is powered off for it). Region and VPC cannot change in
    place and fail clearly; image, SSH keys and user data only apply at creation.
  - The region and size are checked against the API before anything is created.
extends_documentation_fragment:
  - agentc2.platform.api
attributes:
  check_mode:
    support: full
    description: Reports C(changed=true) when a run would create, delete, retag or resize.
  diff_mode:
    support: full
    description: Shows size, region and tags before and after.
options:
  name:
    description: The droplet's name and hostname.
    type: str
    required: true
  state:
    description: Whether the droplet exists.
    type: str
    choices: [present, absent]
    default: present
  region:
    description: Region slug, such as C(fra1). Required when O(state=present).
    type: str
  size:
    description: Size slug, such as C(s-2vcpu-4gb). Required when O(state=present).
    type: str
  image:
    description: Image slug or id used at creation. Required when O(state=present).
    type: str
  vpc_uuid:
    description: The VPC for the private network; the region's default VPC when unset.
    type: str
  ssh_keys:
    description: SSH key ids or fingerprints installed at creation.
    type: list
    elements: str
    default: []
  user_data:
    description: Cloud-init user data, used at creation.
    type: str
  monitoring:
    description: Install the DigitalOcean monitoring agent, which the CPU and memory alert policies need.
    type: bool
    default: true
  ipv6:
    description: Enable IPv6 at creation.
    type: bool
    default: false
  tags:
    description: The droplet's tags, exactly; tags not listed are removed.
    type: list
    elements: str
    default: []
  allow_resize:
    description: Change the size of an existing droplet (power off, resize, power on); otherwise a different size fails.
    type: bool
    default: false
  wait:
    description: Wait until the droplet is C(active).
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for C(active) and for each action.
    type: int
    default: 300
author:
  - AgentC2 platform team (@agentc2)
"""

EXAMPLES = r"""
- name: An AgentC2 web droplet, found by the inventory plugin through its tag
  agentc2.platform.droplet:
    name: agentc2-web-01
    region: fra1
    size: s-2vcpu-4gb
    image: debian-13-x64
    ssh_keys: ["{{ deploy_key_fingerprint }}"]
    tags: [agentc2, agentc2-lb]
  register: web

- name: Use its address
  ansible.builtin.debug:
    msg: "{{ web.public_ipv4 }}"
"""

RETURN = r"""
droplet:
  description: The droplet as the API returns it; empty after deletion or when absent.
  returned: always
  type: dict
  sample: {id: 3164444, name: agentc2-web-01, status: active, size_slug: s-2vcpu-4gb, tags: [agentc2]}
public_ipv4:
  description: The public IPv4 address, when there is one.
  returned: when present
  type: str
  sample: 104.236.32.182
private_ipv4:
  description: The private (VPC) IPv4 address, when there is one.
  returned: when present
  type: str
  sample: 10.128.192.124
public_ipv6:
  description: The public IPv6 address, when there is one.
  returned: when present
  type: str
  sample: 2604:a880:0:1010::18a:a001
"""

import re
import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.agentc2.platform.plugins.module_utils._api import (
    DigitalOceanError,
    api_argument_spec,
)
from ansible_collections.agentc2.platform.plugins.module_utils._resource import (
    find_unique,
    reconcile,
)

# Seconds between two polls of an asynchronous state; the API's objects change within seconds.
POLL_SECONDS = 2
HOSTNAME = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$")
TAG_NAME = re.compile(r"^[A-Za-z0-9:_-]{1,255}$")


def input_errors(params):
    errors = []
    if not HOSTNAME.match(params["name"]):
        errors.append("name %r is not a valid hostname (letters, digits, dots, dashes)" % params["name"])
    for tag in params["tags"]:
        if not TAG_NAME.match(tag):
            errors.append("tag %r may only hold letters, digits, colons, dashes and underscores" % tag)
    if params["state"] == "present":
        for key in ("region", "size", "image"):
            if not params.get(key):
                errors.append("%s is required when state is present" % key)
    return errors


def catalogue_errors(params, regions, sizes):
    """Region and size checked against GET /v2/regions and /v2/sizes."""
    available_regions = sorted(region["slug"] for region in regions if region.get("available", True))
    if params["region"] not in available_regions:
        return ["unknown or unavailable region %r; available: %s" % (params["region"], ", ".join(available_regions))]
    size = next((item for item in sizes if item["slug"] == params["size"]), None)
    if size is None:
        return ["unknown size %r; known sizes include: %s" % (params["size"], ", ".join(sorted(item["slug"] for item in sizes)[:20]))]
    if not size.get("available", True) or params["region"] not in size.get("regions", [params["region"]]):
        return ["size %r is not available in region %s" % (params["size"], params["region"])]
    return []


def create_body(params):
    body = {
        "name": params["name"],
        "region": params["region"],
        "size": params["size"],
        "image": int(params["image"]) if str(params["image"]).isdigit() else params["image"],
        "ssh_keys": params["ssh_keys"],
        "monitoring": params["monitoring"],
        "ipv6": params["ipv6"],
        "tags": sorted(set(params["tags"])),
    }
    for key in ("vpc_uuid", "user_data"):
        if params.get(key):
            body[key] = params[key]
    return body


def addresses(droplet):
    """public_ipv4, private_ipv4 and public_ipv6 from the droplet's networks, where present."""
    result = {}
    networks = droplet.get("networks") or {}
    for version in ("v4", "v6"):
        for network in networks.get(version) or []:
            key = "%s_ip%s" % (network.get("type"), version)
            result.setdefault(key, network.get("ip_address"))
    return {key: value for key, value in result.items() if key in ("public_ipv4", "private_ipv4", "public_ipv6")}


def summary(droplet):
    """What the diff shows: the reconciled and the fixed attributes."""
    if not droplet:
        return {}
    region = droplet.get("region")
    return {
        "name": droplet.get("name"),
        "region": region.get("slug") if isinstance(region, dict) else region,
        "size": droplet.get("size_slug") or droplet.get("size"),
        "tags": sorted(set(droplet.get("tags") or [])),
    }


def immutable_errors(droplet, params):
    errors = []
    current = summary(droplet)
    if current["region"] != params["region"]:
        errors.append("droplet %r is in region %s, not %s; a droplet cannot move region"
                      % (params["name"], current["region"], params["region"]))
    if params.get("vpc_uuid") and droplet.get("vpc_uuid") != params["vpc_uuid"]:
        errors.append("droplet %r is in VPC %s, not %s; a droplet cannot change VPC"
                      % (params["name"], droplet.get("vpc_uuid"), params["vpc_uuid"]))
    if current["size"] != params["size"] and not params["allow_resize"]:
        errors.append("droplet %r has size %s, not %s; set allow_resize to resize it (it is powered off meanwhile)"
                      % (params["name"], current["size"], params["size"]))
    return errors


def creation_only_warnings(droplet, params):
    warnings = []
    image = droplet.get("image") or {}
    if str(params["image"]) not in (str(image.get("slug")), str(image.get("id"))):
        warnings.append("droplet %r runs image %s, not %s; the image is only used at creation"
                        % (params["name"], image.get("slug") or image.get("id"), params["image"]))
    if params["monitoring"] and "monitoring" not in (droplet.get("features") or []):
        warnings.append("droplet %r has no monitoring agent; alert policies for it stay silent" % params["name"])
    return warnings


def tag_plan(current_tags, desired_tags):
    current, desired = set(current_tags or []), set(desired_tags)
    return sorted(desired - current), sorted(current - desired)


def ensure_tag(client, tag):
    """Create the tag unless it exists; tagging a resource with an unknown tag fails."""
    try:
        client.get("tags/%s" % tag)
    except DigitalOceanError as error:
        if error.status != 404:
            raise
        client.post("tags", {"name": tag})


def retag(client, droplet_id, to_add, to_remove):
    resources = {"resources": [{"resource_id": str(droplet_id), "resource_type": "droplet"}]}
    for tag in to_add:
        ensure_tag(client, tag)
        client.post("tags/%s/resources" % tag, resources)
    for tag in to_remove:
        client.delete("tags/%s/resources" % tag, resources)


def wait_for(client, fetch, is_done, what, timeout):
    deadline = time.monotonic() + timeout
    item = fetch()
    while not is_done(item):
        if item.get("status") == "errored":
            raise DigitalOceanError("%s errored" % what)
        if time.monotonic() > deadline:
            raise DigitalOceanError("%s not done after %d s (status %s)" % (what, timeout, item.get("status")))
        time.sleep(POLL_SECONDS)
        item = fetch()
    return item


def run_action(client, droplet_id, body, timeout):
    action = client.post("droplets/%s/actions" % droplet_id, body)["action"]
    wait_for(client, lambda: client.get("actions/%s" % action["id"])["action"],
             lambda item: item.get("status") == "completed",
             "action %s on droplet %s" % (body["type"], droplet_id), timeout)


def resize(client, droplet, size, timeout):
    if droplet.get("status") != "off":
        run_action(client, droplet["id"], {"type": "power_off"}, timeout)
    run_action(client, droplet["id"], {"type": "resize", "size": size, "disk": False}, timeout)
    run_action(client, droplet["id"], {"type": "power_on"}, timeout)


def fetch_droplet(client, droplet_id):
    return client.get("droplets/%s" % droplet_id)["droplet"]


def wait_active(client, droplet, timeout):
    return wait_for(client, lambda: fetch_droplet(client, droplet["id"]),
                    lambda item: item.get("status") == "active", "droplet %r" % droplet.get("name"), timeout)


def wait_if_booting(client, droplet, params):
    """Wait for a droplet still being created; one powered off on purpose is left as it is."""
    if params["wait"] and droplet.get("status") == "new":
        return wait_active(client, droplet, params["wait_timeout"])
    return droplet


def ensure_present(module, client, current):
    params = module.params
    errors = catalogue_errors(params, client.list_all("regions", "regions"), client.list_all("sizes", "sizes"))
    if current:
        errors += immutable_errors(current, params)
    if errors:
        module.fail_json(msg="; ".join(errors))
    desired = {"name": params["name"], "region": params["region"], "size": params["size"], "tags": sorted(set(params["tags"]))}
    if current is None:
        if module.check_mode:
            return True, {}, desired
        droplet = client.post("droplets", create_body(params))["droplet"]
        if params["wait"]:
            droplet = wait_active(client, droplet, params["wait_timeout"])
        return True, droplet, desired
    for warning in creation_only_warnings(current, params):
        module.warn(warning)
    to_add, to_remove = tag_plan(current.get("tags"), params["tags"])
    needs_resize = summary(current)["size"] != params["size"]
    if not (to_add or to_remove or needs_resize):
        return False, wait_if_booting(client, current, params), desired
    if module.check_mode:
        return True, current, desired
    if needs_resize:
        resize(client, current, params["size"], params["wait_timeout"])
    retag(client, current["id"], to_add, to_remove)
    return True, wait_if_booting(client, fetch_droplet(client, current["id"]), params), desired


def ensure(module, client):
    params = module.params
    droplets = client.list_all("droplets", "droplets")
    current = find_unique(droplets, "name", params["name"], "droplet")
    before = summary(current)
    if params["state"] == "absent":
        if current and not module.check_mode:
            client.delete("droplets/%s" % current["id"])
        return bool(current), {}, before, {}
    changed, droplet, after = ensure_present(module, client, current)
    return changed, droplet, before, after


def main():
    argument_spec = api_argument_spec()
    argument_spec.update(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        region=dict(type="str"),
        size=dict(type="str"),
        image=dict(type="str"),
        vpc_uuid=dict(type="str"),
        ssh_keys=dict(type="list", elements="str", default=[], no_log=False),
        user_data=dict(type="str"),
        monitoring=dict(type="bool", default=True),
        ipv6=dict(type="bool", default=False),
        tags=dict(type="list", elements="str", default=[]),
        allow_resize=dict(type="bool", default=False),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=300),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    changed, droplet, before, after = reconcile(module, "droplet %r" % module.params["name"], input_errors, ensure)
    module.exit_json(changed=changed, droplet=droplet, diff=dict(before=before, after=after), **addresses(droplet))


if __name__ == "__main__":
    main()
