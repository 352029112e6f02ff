#!/usr/bin/python
# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: load_balancer
short_description: A DigitalOcean load balancer, created or updated in place
version_added: 0.1.0
description:
  - Creates, updates in place or deletes a DigitalOcean load balancer, found by its unique name.
  - Round robin, a health check, forwarding rules (TLS passthrough on 443 included) and droplets
    targeted by tag, so droplets added later with the tag join without a change here.
  - Defaults follow the AgentC2 architecture (GET /api/health every 10 s, 3 successes healthy,
    3 failures unhealthy, TLS passthrough). Note the API's own default unhealthy threshold is 5.
  - Every value is checked before any call that changes something; thresholds outside the API's
    ranges, a health-check path without a leading slash or an unknown region fail with a clear message.
extends_documentation_fragment:
  - agentc2.platform.api
attributes:
  check_mode:
    support: full
    description: Reports C(changed=true) when a run would create, update or delete.
  diff_mode:
    support: full
    description: Shows the load balancer's settings before and after.
options:
  name:
    description: The load balancer's name; unique among the account's load balancers.
    type: str
    required: true
  state:
    description: Whether the load balancer exists.
    type: str
    choices: [present, absent]
    default: present
  region:
    description: Region slug, such as C(fra1). Required when O(state=present). Cannot change in place.
    type: str
  size_unit:
    description: Number of nodes (1-100); each adds capacity.
    type: int
    default: 1
  algorithm:
    description: Balancing algorithm. The architecture is stateless, so round robin with no session affinity.
    type: str
    choices: [round_robin, least_connections]
    default: round_robin
  tag:
    description:
      - Target every droplet carrying this tag. Mutually exclusive with O(droplet_ids).
    type: str
  droplet_ids:
    description: Target these droplets. Mutually exclusive with O(tag).
    type: list
    elements: int
  vpc_uuid:
    description: The VPC to place the load balancer in. Only used at creation; a different VPC fails.
    type: str
  forwarding_rules:
    description:
      - How traffic is forwarded. Order does not matter.
      - The default forwards HTTP 80 to 80 and passes TLS on 443 through to the droplets.
    type: list
    elements: dict
    default:
      - {entry_protocol: http, entry_port: 80, target_protocol: http, target_port: 80, tls_passthrough: false}
      - {entry_protocol: https, entry_port: 443, target_protocol: https, target_port: 443, tls_passthrough: true}
    suboptions:
      entry_protocol:
        description: Protocol of incoming traffic.
        type: str
        required: true
        choices: [http, https, http2, http3, tcp, udp]
      entry_port:
        description: Port of incoming traffic.
        type: int
        required: true
      target_protocol:
        description: Protocol towards the droplets.
        type: str
        required: true
        choices: [http, https, http2, tcp, udp]
      target_port:
        description: Port on the droplets.
        type: int
        required: true
      tls_passthrough:
        description: Pass encrypted traffic through; the droplets terminate TLS (Caddy). Needs https on both sides.
        type: bool
        default: false
      certificate_id:
        description: Certificate for TLS termination at the load balancer; not with O(forwarding_rules[].tls_passthrough).
        type: str
  health_check:
    description: How the load balancer decides that a droplet may receive traffic.
    type: dict
    default: {}
    suboptions:
      protocol:
        description: Health check protocol.
        type: str
        choices: [http, https, tcp]
        default: http
      port:
        description: Port on the droplet.
        type: int
        default: 80
      path:
        description: Path requested; must start with C(/). Ignored for tcp.
        type: str
        default: /api/health
      check_interval_seconds:
        description: Seconds between two checks (3-300).
        type: int
        default: 10
      response_timeout_seconds:
        description: Seconds to wait for an answer (3-300).
        type: int
        default: 5
      healthy_threshold:
        description: Consecutive successes before a droplet receives traffic (2-10).
        type: int
        default: 3
      unhealthy_threshold:
        description: Consecutive failures before a droplet stops receiving traffic (2-10).
        type: int
        default: 3
  redirect_http_to_https:
    description: Redirect HTTP to HTTPS at the load balancer. Off, since Caddy decides and /api/health must not be redirected.
    type: bool
    default: false
  enable_proxy_protocol:
    description: Send the PROXY protocol header to the droplets.
    type: bool
    default: false
  enable_backend_keepalive:
    description: Keep connections to the droplets open.
    type: bool
    default: false
  wait:
    description: Wait until the load balancer is C(active) after creating or updating it.
    type: bool
    default: true
  wait_timeout:
    description: Seconds to wait for C(active).
    type: int
    default: 600
author:
  - AgentC2 platform team (@agentc2)
"""

EXAMPLES = r"""
- name: The AgentC2 load balancer, with the architecture's values
  agentc2.platform.load_balancer:
    name: agentc2-lb
    region: fra1
    tag: agentc2-lb
    algorithm: round_robin
    forwarding_rules:
      - {entry_protocol: http, entry_port: 80, target_protocol: http, target_port: 80}
      - {entry_protocol: https, entry_port: 443, target_protocol: https, target_port: 443, tls_passthrough: true}
    health_check:
      protocol: http
      port: 80
      path: /api/health
      check_interval_seconds: 10
      response_timeout_seconds: 5
      healthy_threshold: 3
      unhealthy_threshold: 3
  register: lb

- name: Remove it
  agentc2.platform.load_balancer:
    name: agentc2-lb
    state: absent
"""

RETURN = r"""
load_balancer:
  description: The load balancer as the API returns it; empty after deletion or when absent.
  returned: always
  type: dict
  sample:
    id: 4de7ac8b-495b-4884-9a69-1050c6793cd6
    name: agentc2-lb
    ip: 104.131.186.241
    status: active
    algorithm: round_robin
    tag: agentc2-lb
    health_check: {protocol: http, port: 80, path: /api/health, check_interval_seconds: 10}
"""

import time

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.agentc2.platform.plugins.module_utils._api import (
    DigitalOceanError,
    api_argument_spec,
)
from ansible_collections.agentc2.platform.plugins.module_utils._resource import (
    canonical,
    find_unique,
    range_error,
    reconcile,
)

# Seconds between two polls of an asynchronous state.
POLL_SECONDS = 2
HEALTH_RANGES = {
    "check_interval_seconds": (3, 300),
    "response_timeout_seconds": (3, 300),
    "healthy_threshold": (2, 10),
    "unhealthy_threshold": (2, 10),
}
HEALTH_DEFAULTS = {
    "protocol": "http",
    "port": 80,
    "path": "/api/health",
    "check_interval_seconds": 10,
    "response_timeout_seconds": 5,
    "healthy_threshold": 3,
    "unhealthy_threshold": 3,
}
RULE_KEYS = ("entry_protocol", "entry_port", "target_protocol", "target_port", "tls_passthrough", "certificate_id")
COMPARED_SETTINGS = (
    "algorithm", "size_unit", "redirect_http_to_https", "enable_proxy_protocol", "enable_backend_keepalive",
)


def health_check_of(params):
    """The health check the user asked for, defaults filled in."""
    check = dict(HEALTH_DEFAULTS)
    check.update({key: value for key, value in (params.get("health_check") or {}).items() if value is not None})
    return check


def rule_of(rule):
    """A forwarding rule in the API's form: tls_passthrough explicit, certificate_id only when set."""
    result = {key: rule.get(key) for key in RULE_KEYS if key != "certificate_id"}
    result["tls_passthrough"] = bool(result.get("tls_passthrough"))
    if rule.get("certificate_id"):
        result["certificate_id"] = rule["certificate_id"]
    return result


def forwarding_rule_errors(rules):
    errors = []
    if not rules:
        errors.append("forwarding_rules must hold at least one rule")
    seen_ports = set()
    for rule in rules:
        label = "forwarding rule %s:%s" % (rule.get("entry_protocol"), rule.get("entry_port"))
        for key in ("entry_port", "target_port"):
            errors.append(range_error("%s %s" % (label, key), rule.get(key), 1, 65535))
        if rule.get("entry_port") in seen_ports:
            errors.append("%s: entry port %s is used by two rules" % (label, rule.get("entry_port")))
        seen_ports.add(rule.get("entry_port"))
        if rule.get("tls_passthrough"):
            if rule.get("entry_protocol") != "https" or rule.get("target_protocol") != "https":
                errors.append("%s: tls_passthrough needs entry_protocol and target_protocol https" % label)
            if rule.get("certificate_id"):
                errors.append("%s: tls_passthrough and certificate_id exclude each other" % label)
        elif rule.get("entry_protocol") in ("https", "http2", "http3") and not rule.get("certificate_id"):
            errors.append("%s: an %s entry needs certificate_id or tls_passthrough" % (label, rule.get("entry_protocol")))
    return errors


def health_check_errors(check):
    errors = [range_error("health_check.%s" % key, check.get(key), low, high) for key, (low, high) in HEALTH_RANGES.items()]
    errors.append(range_error("health_check.port", check.get("port"), 1, 65535))
    if check["protocol"] != "tcp" and not str(check.get("path") or "").startswith("/"):
        errors.append("health_check.path must start with '/', got %r" % check.get("path"))
    return errors


def input_errors(params):
    """Every problem with the options that can be found without the API."""
    if params["state"] == "absent":
        return []
    errors = []
    if not params.get("region"):
        errors.append("region is required when state is present")
    if not params.get("tag") and not params.get("droplet_ids"):
        errors.append("one of tag or droplet_ids is required when state is present")
    errors.append(range_error("size_unit", params.get("size_unit"), 1, 100))
    errors.extend(forwarding_rule_errors(params.get("forwarding_rules") or []))
    errors.extend(health_check_errors(health_check_of(params)))
    return [error for error in errors if error]


def desired_body(params):
    """The request body for POST and PUT, which both take the whole load balancer."""
    body = {
        "name": params["name"],
        "region": params["region"],
        "size_unit": params["size_unit"],
        "algorithm": params["algorithm"],
        "forwarding_rules": [rule_of(rule) for rule in params["forwarding_rules"]],
        "health_check": health_check_of(params),
        "sticky_sessions": {"type": "none"},
        "redirect_http_to_https": params["redirect_http_to_https"],
        "enable_proxy_protocol": params["enable_proxy_protocol"],
        "enable_backend_keepalive": params["enable_backend_keepalive"],
    }
    if params.get("tag"):
        body["tag"] = params["tag"]
    else:
        body["droplet_ids"] = sorted(params["droplet_ids"])
    if params.get("vpc_uuid"):
        body["vpc_uuid"] = params["vpc_uuid"]
    return body


def comparable(lb):
    """The settings this module manages, from either an API object or a request body, order-free."""
    region = lb.get("region")
    view = {
        "name": lb.get("name"),
        "region": region.get("slug") if isinstance(region, dict) else region,
        "forwarding_rules": [rule_of(rule) for rule in lb.get("forwarding_rules") or []],
        "health_check": {key: (lb.get("health_check") or {}).get(key) for key in HEALTH_DEFAULTS},
        "sticky_sessions": (lb.get("sticky_sessions") or {}).get("type", "none"),
    }
    for key in COMPARED_SETTINGS:
        view[key] = lb.get(key)
    if view["health_check"].get("protocol") == "tcp":
        view["health_check"]["path"] = None
    if lb.get("tag"):
        view["tag"] = lb["tag"]
    else:
        view["droplet_ids"] = sorted(lb.get("droplet_ids") or [])
    return canonical(view)


def immutable_errors(current, body):
    errors = []
    current_region = (current.get("region") or {}).get("slug")
    if current_region != body["region"]:
        errors.append("load balancer %r is in region %s; a load balancer cannot move to %s"
                      % (body["name"], current_region, body["region"]))
    if body.get("vpc_uuid") and current.get("vpc_uuid") and current["vpc_uuid"] != body["vpc_uuid"]:
        errors.append("load balancer %r is in VPC %s; it cannot move to %s"
                      % (body["name"], current["vpc_uuid"], body["vpc_uuid"]))
    return errors


def wait_until_active(client, lb, timeout):
    deadline = time.monotonic() + timeout
    while lb.get("status") != "active":
        if lb.get("status") == "errored":
            raise DigitalOceanError("load balancer %r entered status errored" % lb.get("name"))
        if time.monotonic() > deadline:
            raise DigitalOceanError("load balancer %r not active after %d s (status %s)"
                                    % (lb.get("name"), timeout, lb.get("status")))
        time.sleep(POLL_SECONDS)
        lb = client.get("load_balancers/%s" % lb["id"])["load_balancer"]
    return lb


def region_errors(client, region):
    regions = client.list_all("regions", "regions")
    available = sorted(item["slug"] for item in regions if item.get("available", True))
    if region not in available:
        return ["unknown or unavailable region %r; available: %s" % (region, ", ".join(available))]
    return []


def ensure(module, client):
    params = module.params
    lbs = client.list_all("load_balancers", "load_balancers")
    current = find_unique(lbs, "name", params["name"], "load balancer")
    if params["state"] == "absent":
        if current and not module.check_mode:
            client.delete("load_balancers/%s" % current["id"])
        return bool(current), {}, (comparable(current) if current else {}), {}

    errors = region_errors(client, params["region"])
    body = desired_body(params)
    if current:
        errors.extend(immutable_errors(current, body))
    if errors:
        module.fail_json(msg="; ".join(errors))
    before = comparable(current) if current else {}
    after = comparable(body)
    if current and current.get("size_unit") is None:
        # Older load balancers have a size slug instead of size units; size_unit cannot apply to them.
        before.pop("size_unit", None)
        after.pop("size_unit", None)
    if before == after:
        return False, current, before, after
    if module.check_mode:
        return True, current or {}, before, after
    if current:
        result = client.put("load_balancers/%s" % current["id"], body)["load_balancer"]
    else:
        result = client.post("load_balancers", body)["load_balancer"]
    if params["wait"]:
        result = wait_until_active(client, result, params["wait_timeout"])
    return True, result, before, after


def main():
    argument_spec = api_argument_spec()
    argument_spec.update(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        region=dict(type="str"),
        size_unit=dict(type="int", default=1),
        algorithm=dict(type="str", choices=["round_robin", "least_connections"], default="round_robin"),
        tag=dict(type="str"),
        droplet_ids=dict(type="list", elements="int"),
        vpc_uuid=dict(type="str"),
        forwarding_rules=dict(
            type="list", elements="dict",
            default=[
                dict(entry_protocol="http", entry_port=80, target_protocol="http", target_port=80, tls_passthrough=False),
                dict(entry_protocol="https", entry_port=443, target_protocol="https", target_port=443, tls_passthrough=True),
            ],
            options=dict(
                entry_protocol=dict(type="str", required=True, choices=["http", "https", "http2", "http3", "tcp", "udp"]),
                entry_port=dict(type="int", required=True),
                target_protocol=dict(type="str", required=True, choices=["http", "https", "http2", "tcp", "udp"]),
                target_port=dict(type="int", required=True),
                tls_passthrough=dict(type="bool", default=False),
                certificate_id=dict(type="str"),
            ),
        ),
        health_check=dict(
            type="dict", default={},
            options=dict(
                protocol=dict(type="str", choices=["http", "https", "tcp"], default="http"),
                port=dict(type="int", default=80),
                path=dict(type="str", default="/api/health"),
                check_interval_seconds=dict(type="int", default=10),
                response_timeout_seconds=dict(type="int", default=5),
                healthy_threshold=dict(type="int", default=3),
                unhealthy_threshold=dict(type="int", default=3),
            ),
        ),
        redirect_http_to_https=dict(type="bool", default=False),
        enable_proxy_protocol=dict(type="bool", default=False),
        enable_backend_keepalive=dict(type="bool", default=False),
        wait=dict(type="bool", default=True),
        wait_timeout=dict(type="int", default=600),
    )
    module = AnsibleModule(
        argument_spec=argument_spec,
        mutually_exclusive=[("tag", "droplet_ids")],
        supports_check_mode=True,
    )
    changed, lb, before, after = reconcile(module, "load balancer %r" % module.params["name"], input_errors, ensure)
    module.exit_json(changed=changed, load_balancer=lb, diff=dict(before=before, after=after))


if __name__ == "__main__":
    main()
