#!/usr/bin/python
# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: firewall
short_description: A DigitalOcean cloud firewall, created or updated in place
version_added: 0.1.0
description:
  - Creates, updates in place or deletes a DigitalOcean cloud firewall, found by its unique name.
  - The rules are compared as a set, so their order, and the order of their sources, never causes a change.
  - A rule without sources (or destinations), a malformed port range or address fails before any API call.
  - The AgentC2 shape is inbound 80/443 only from the load balancer, SSH only from listed addresses,
    outbound as configured (see the examples).
extends_documentation_fragment:
  - agentc2.platform.api
attributes:
  check_mode:
    support: full
    description: Reports C(changed=true) when a run would create, update or delete.
  diff_mode:
    support: full
    description: Shows the rules before and after.
options:
  name:
    description: The firewall's name; unique among the account's firewalls.
    type: str
    required: true
  state:
    description: Whether the firewall exists.
    type: str
    choices: [present, absent]
    default: present
  inbound_rules:
    description: Traffic allowed in; everything else is dropped.
    type: list
    elements: dict
    default: []
    suboptions:
      protocol:
        description: Protocol.
        type: str
        required: true
        choices: [tcp, udp, icmp]
      ports:
        description: C(all), a port such as C(443) or a range such as C(8000-9000). Ignored for icmp.
        type: str
        default: all
      sources:
        description: Where traffic may come from; at least one entry in one of the lists.
        type: dict
        required: true
        suboptions:
          addresses:
            description: IPv4/IPv6 addresses or CIDR ranges.
            type: list
            elements: str
          droplet_ids:
            description: Droplet ids.
            type: list
            elements: int
          load_balancer_uids:
            description: Load balancer ids.
            type: list
            elements: str
          kubernetes_ids:
            description: Kubernetes cluster ids.
            type: list
            elements: str
          tags:
            description: Droplet tags.
            type: list
            elements: str
  outbound_rules:
    description: Traffic allowed out.
    type: list
    elements: dict
    default: []
    suboptions:
      protocol:
        description: Protocol.
        type: str
        required: true
        choices: [tcp, udp, icmp]
      ports:
        description: C(all), a port or a range. Ignored for icmp.
        type: str
        default: all
      destinations:
        description: Where traffic may go; at least one entry in one of the lists.
        type: dict
        required: true
        suboptions:
          addresses:
            description: IPv4/IPv6 addresses or CIDR ranges.
            type: list
            elements: str
          droplet_ids:
            description: Droplet ids.
            type: list
            elements: int
          load_balancer_uids:
            description: Load balancer ids.
            type: list
            elements: str
          kubernetes_ids:
            description: Kubernetes cluster ids.
            type: list
            elements: str
          tags:
            description: Droplet tags.
            type: list
            elements: str
  tags:
    description: Apply the firewall to droplets with these tags.
    type: list
    elements: str
    default: []
  droplet_ids:
    description: Apply the firewall to these droplets.
    type: list
    elements: int
    default: []
author:
  - AgentC2 platform team (@agentc2)
"""

EXAMPLES = r"""
- name: Web from the load balancer only, SSH from the office, any outbound
  agentc2.platform.firewall:
    name: agentc2-web
    tags: [agentc2]
    inbound_rules:
      - {protocol: tcp, ports: "80", sources: {load_balancer_uids: ["{{ lb.load_balancer.id }}"]}}
      - {protocol: tcp, ports: "443", sources: {load_balancer_uids: ["{{ lb.load_balancer.id }}"]}}
      - {protocol: tcp, ports: "22", sources: {addresses: [203.0.113.0/24]}}
    outbound_rules:
      - {protocol: tcp, ports: all, destinations: {addresses: [0.0.0.0/0, "::/0"]}}
      - {protocol: udp, ports: all, destinations: {addresses: [0.0.0.0/0, "::/0"]}}
      - {protocol: icmp, destinations: {addresses: [0.0.0.0/0, "::/0"]}}
"""

RETURN = r"""
firewall:
  description: The firewall as the API returns it; empty after deletion or when absent.
  returned: always
  type: dict
  sample:
    id: bb4b2611-3d72-467b-8602-280330ecd65c
    name: agentc2-web
    status: succeeded
    tags: [agentc2]
    inbound_rules: [{protocol: tcp, ports: "22", sources: {addresses: [203.0.113.0/24]}}]
"""

import ipaddress
import re

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.agentc2.platform.plugins.module_utils._api import (
    api_argument_spec,
)
from ansible_collections.agentc2.platform.plugins.module_utils._resource import (
    canonical,
    find_unique,
    reconcile,
)

TARGET_KEYS = ("addresses", "droplet_ids", "load_balancer_uids", "kubernetes_ids", "tags")
PORTS_PATTERN = re.compile(r"^(\d+)(?:-(\d+))?$")
ALL_PORTS = ("all", "0", "", "1-65535")


def normal_ports(protocol, ports):
    """One spelling per meaning: the API answers "0" for "all", and icmp has no ports."""
    if protocol == "icmp" or ports is None or str(ports) in ALL_PORTS:
        return "all"
    return str(ports)


def normal_targets(targets):
    """Only the non-empty lists, addresses in canonical form, sorted."""
    result = {}
    for key in TARGET_KEYS:
        values = (targets or {}).get(key) or []
        if key == "addresses":
            values = [canonical_address(value) for value in values]
        if values:
            result[key] = sorted(set(values), key=str)
    return result


def canonical_address(value):
    try:
        return str(ipaddress.ip_network(value, strict=False))
    except ValueError:
        return value


def normal_rule(rule, side):
    return {
        "protocol": rule["protocol"],
        "ports": normal_ports(rule["protocol"], rule.get("ports")),
        side: normal_targets(rule.get(side)),
    }


def ports_error(label, ports):
    if str(ports) in ALL_PORTS:
        return None
    match = PORTS_PATTERN.match(str(ports))
    if not match:
        return "%s: ports must be 'all', a port or a range like 8000-9000, got %r" % (label, ports)
    low, high = int(match.group(1)), int(match.group(2) or match.group(1))
    if not 1 <= low <= high <= 65535:
        return "%s: ports %r are outside 1-65535 or reversed" % (label, ports)
    return None


def address_errors(label, addresses):
    errors = []
    for address in addresses or []:
        try:
            ipaddress.ip_network(address, strict=False)
        except ValueError:
            errors.append("%s: %r is not an IP address or CIDR range" % (label, address))
    return errors


def rule_errors(rules, direction, side):
    errors = []
    for index, rule in enumerate(rules):
        label = "%s rule %d (%s %s)" % (direction, index + 1, rule.get("protocol"), rule.get("ports") or "all")
        targets = rule.get(side) or {}
        if not any(targets.get(key) for key in TARGET_KEYS):
            errors.append("%s has no %s: name at least one address, droplet, load balancer, cluster or tag" % (label, side))
        if rule.get("protocol") != "icmp":
            errors.append(ports_error(label, rule.get("ports")))
        errors.extend(address_errors(label, targets.get("addresses")))
    return errors


def input_errors(params):
    if params["state"] == "absent":
        return []
    errors = rule_errors(params["inbound_rules"], "inbound", "sources")
    errors += rule_errors(params["outbound_rules"], "outbound", "destinations")
    if not params["inbound_rules"] and not params["outbound_rules"]:
        errors.append("a firewall needs at least one inbound or outbound rule")
    return [error for error in errors if error]


def api_rule(rule, side):
    """A rule as the API takes it: icmp carries no ports, and only non-empty target lists."""
    body = {"protocol": rule["protocol"], side: normal_targets(rule.get(side))}
    if rule["protocol"] != "icmp":
        body["ports"] = "0" if normal_ports(rule["protocol"], rule.get("ports")) == "all" else str(rule["ports"])
    return body


def desired_body(params):
    return {
        "name": params["name"],
        "inbound_rules": [api_rule(rule, "sources") for rule in params["inbound_rules"]],
        "outbound_rules": [api_rule(rule, "destinations") for rule in params["outbound_rules"]],
        "tags": sorted(set(params["tags"])),
        "droplet_ids": sorted(set(params["droplet_ids"])),
    }


def comparable(firewall):
    """What the module manages, order-free: rules as sets, targets as sorted sets."""
    return canonical({
        "name": firewall.get("name"),
        "inbound_rules": [normal_rule(rule, "sources") for rule in firewall.get("inbound_rules") or []],
        "outbound_rules": [normal_rule(rule, "destinations") for rule in firewall.get("outbound_rules") or []],
        "tags": sorted(set(firewall.get("tags") or [])),
        "droplet_ids": sorted(set(firewall.get("droplet_ids") or [])),
    })


def ensure(module, client):
    params = module.params
    firewalls = client.list_all("firewalls", "firewalls")
    current = find_unique(firewalls, "name", params["name"], "firewall")
    if params["state"] == "absent":
        if current and not module.check_mode:
            client.delete("firewalls/%s" % current["id"])
        return bool(current), {}, (comparable(current) if current else {}), {}
    body = desired_body(params)
    before = comparable(current) if current else {}
    after = comparable(body)
    if before == after:
        return False, current, before, after
    if module.check_mode:
        return True, current or {}, before, after
    if current:
        result = client.put("firewalls/%s" % current["id"], body)["firewall"]
    else:
        result = client.post("firewalls", body)["firewall"]
    return True, result, before, after


def targets_spec():
    return dict(
        addresses=dict(type="list", elements="str"),
        droplet_ids=dict(type="list", elements="int"),
        load_balancer_uids=dict(type="list", elements="str"),
        kubernetes_ids=dict(type="list", elements="str"),
        tags=dict(type="list", elements="str"),
    )


def rule_spec(side):
    return dict(
        protocol=dict(type="str", required=True, choices=["tcp", "udp", "icmp"]),
        ports=dict(type="str", default="all"),
        **{side: dict(type="dict", required=True, options=targets_spec())}
    )


def main():
    argument_spec = api_argument_spec()
    argument_spec.update(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        inbound_rules=dict(type="list", elements="dict", default=[], options=rule_spec("sources")),
        outbound_rules=dict(type="list", elements="dict", default=[], options=rule_spec("destinations")),
        tags=dict(type="list", elements="str", default=[]),
        droplet_ids=dict(type="list", elements="int", default=[]),
    )
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    changed, firewall, before, after = reconcile(module, "firewall %r" % module.params["name"], input_errors, ensure)
    module.exit_json(changed=changed, firewall=firewall, diff=dict(before=before, after=after))


if __name__ == "__main__":
    main()
