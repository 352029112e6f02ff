#!/usr/bin/python
# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: monitoring_alert
short_description: A DigitalOcean monitoring alert policy, updated in place and never duplicated
version_added: 0.1.0
description:
  - Creates, updates in place or deletes a DigitalOcean monitoring alert policy, found by its
    description, which this module treats as the policy's unique name.
  - Policies left over with the same description (as other tools create) are merged into one,
    with a warning, so a run never leaves duplicates behind.
  - E-mail and Slack notifications are each optional; at least one of them is required.
extends_documentation_fragment:
  - agentc2.platform.api
attributes:
  check_mode:
    support: full
    description: Reports C(changed=true) when a run would create, update or delete.
  diff_mode:
    support: full
    description: Shows the policy before and after.
options:
  description:
    description: The policy's description, its unique name.
    type: str
    required: true
  state:
    description: Whether the policy exists.
    type: str
    choices: [present, absent]
    default: present
  type:
    description: The metric watched. Every type the API documents is accepted.
    type: str
    choices:
      - v1/insights/droplet/load_1
      - v1/insights/droplet/load_5
      - v1/insights/droplet/load_15
      - v1/insights/droplet/memory_utilization_percent
      - v1/insights/droplet/disk_utilization_percent
      - v1/insights/droplet/cpu
      - v1/insights/droplet/disk_read
      - v1/insights/droplet/disk_write
      - v1/insights/droplet/public_outbound_bandwidth
      - v1/insights/droplet/public_inbound_bandwidth
      - v1/insights/droplet/private_outbound_bandwidth
      - v1/insights/droplet/private_inbound_bandwidth
      - v1/insights/lbaas/avg_cpu_utilization_percent
      - v1/insights/lbaas/connection_utilization_percent
      - v1/insights/lbaas/droplet_health
      - v1/insights/lbaas/tls_connections_per_second_utilization_percent
      - v1/insights/lbaas/increase_in_http_error_rate_percentage_5xx
      - v1/insights/lbaas/increase_in_http_error_rate_percentage_4xx
      - v1/insights/lbaas/increase_in_http_error_rate_count_5xx
      - v1/insights/lbaas/increase_in_http_error_rate_count_4xx
      - v1/insights/lbaas/high_http_request_response_time
      - v1/insights/lbaas/high_http_request_response_time_50p
      - v1/insights/lbaas/high_http_request_response_time_95p
      - v1/insights/lbaas/high_http_request_response_time_99p
      - v1/dbaas/alerts/load_15_alerts
      - v1/dbaas/alerts/memory_utilization_alerts
      - v1/dbaas/alerts/disk_utilization_alerts
      - v1/dbaas/alerts/cpu_alerts
  compare:
    description: Alert when the metric is above or below O(value).
    type: str
    choices: [GreaterThan, LessThan]
    default: GreaterThan
  value:
    description: The threshold; a percentage (0-100) for the C(_percent) and C(cpu) types.
    type: float
  window:
    description: How long the condition must hold.
    type: str
    choices: [5m, 10m, 30m, 1h]
    default: 10m
  tags:
    description: Watch every droplet with these tags (new droplets with the tag are covered at once).
    type: list
    elements: str
    default: []
  entities:
    description: Watch these resources by id. With neither O(tags) nor O(entities) the policy covers every resource of its type.
    type: list
    elements: str
    default: []
  enabled:
    description: Whether the policy is active.
    type: bool
    default: true
  emails:
    description: Addresses to notify; they must be verified on the DigitalOcean account.
    type: list
    elements: str
    default: []
  slack:
    description: Slack channels to notify.
    type: list
    elements: dict
    default: []
    suboptions:
      channel:
        description: The channel, such as C(#ops).
        type: str
        required: true
      url:
        description: The channel's incoming webhook URL (https).
        type: str
        required: true
author:
  - AgentC2 platform team (@agentc2)
"""

EXAMPLES = r"""
- name: CPU above 70% for 10 minutes on any AgentC2 droplet
  agentc2.platform.monitoring_alert:
    description: agentc2 CPU above 70% for 10 minutes
    type: v1/insights/droplet/cpu
    compare: GreaterThan
    value: 70
    window: 10m
    tags: [agentc2]
    emails: [ops@example.com]

- name: Memory above 80% for 10 minutes, to Slack only
  agentc2.platform.monitoring_alert:
    description: agentc2 memory above 80% for 10 minutes
    type: v1/insights/droplet/memory_utilization_percent
    value: 80
    tags: [agentc2]
    slack:
      - channel: "#ops"
        url: "{{ vault_slack_webhook }}"
"""

RETURN = r"""
policy:
  description: The alert policy as the API returns it; empty after deletion or when absent.
  returned: always
  type: dict
  sample:
    uuid: 78b3da62-27e5-49ba-ac70-5db0b5935c64
    description: agentc2 CPU above 70% for 10 minutes
    type: v1/insights/droplet/cpu
    compare: GreaterThan
    value: 70
    window: 10m
    tags: [agentc2]
    entities: []
    enabled: true
    alerts: {email: [ops@example.com], slack: []}
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.agentc2.platform.plugins.module_utils._api import (
    api_argument_spec,
)
from ansible_collections.agentc2.platform.plugins.module_utils._resource import canonical, notification_argument_spec, reconcile

DOCUMENTED_TYPES = [
    "v1/insights/droplet/%s" % name for name in (
        "load_1", "load_5", "load_15", "memory_utilization_percent", "disk_utilization_percent", "cpu",
        "disk_read", "disk_write", "public_outbound_bandwidth", "public_inbound_bandwidth",
        "private_outbound_bandwidth", "private_inbound_bandwidth")
] + [
    "v1/insights/lbaas/%s" % name for name in (
        "avg_cpu_utilization_percent", "connection_utilization_percent", "droplet_health",
        "tls_connections_per_second_utilization_percent", "increase_in_http_error_rate_percentage_5xx",
        "increase_in_http_error_rate_percentage_4xx", "increase_in_http_error_rate_count_5xx",
        "increase_in_http_error_rate_count_4xx", "high_http_request_response_time",
        "high_http_request_response_time_50p", "high_http_request_response_time_95p",
        "high_http_request_response_time_99p")
] + [
    "v1/dbaas/alerts/%s" % name for name in (
        "load_15_alerts", "memory_utilization_alerts", "disk_utilization_alerts", "cpu_alerts")
]
PERCENT_TYPES = ("cpu", "_percent", "_percentage_5xx", "_percentage_4xx")
SLACK_MASK = "<slack webhook>"


def is_percentage(alert_type):
    return alert_type.endswith(PERCENT_TYPES)


def input_errors(params):
    if params["state"] == "absent":
        return []
    errors = []
    if params.get("type") is None:
        errors.append("type is required when state is present")
    if params.get("value") is None:
        errors.append("value is required when state is present")
    elif params.get("type") and is_percentage(params["type"]) and not 0 <= params["value"] <= 100:
        errors.append("value of a percentage type must be between 0 and 100, got %s" % params["value"])
    if not params["emails"] and not params["slack"]:
        errors.append("name at least one of emails or slack, or nobody hears the alert")
    for channel in params["slack"]:
        if not str(channel["url"]).startswith("https://"):
            errors.append("slack channel %s: the webhook url must be https" % channel["channel"])
    return errors


def desired_body(params):
    return {
        "description": params["description"],
        "type": params["type"],
        "compare": params["compare"],
        "value": float(params["value"]),
        "window": params["window"],
        "tags": sorted(set(params["tags"])),
        "entities": sorted(set(str(entity) for entity in params["entities"])),
        "enabled": params["enabled"],
        "alerts": {
            "email": sorted(set(params["emails"])),
            "slack": [{"channel": item["channel"], "url": item["url"]} for item in params["slack"]],
        },
    }


def comparable(policy):
    """The managed fields, order-free. Slack webhook URLs are secrets: compared, never shown."""
    alerts = policy.get("alerts") or {}
    view = {
        "description": policy.get("description"),
        "type": policy.get("type"),
        "compare": policy.get("compare"),
        "value": float(policy["value"]) if policy.get("value") is not None else None,
        "window": policy.get("window"),
        "tags": sorted(set(policy.get("tags") or [])),
        "entities": sorted(set(str(entity) for entity in policy.get("entities") or [])),
        "enabled": policy.get("enabled"),
        "email": sorted(set(alerts.get("email") or [])),
        "slack": [{"channel": item.get("channel"), "url": item.get("url")} for item in alerts.get("slack") or []],
    }
    return canonical(view)


def shown(view):
    """A comparable view fit for a diff or a result: webhook URLs masked."""
    if not view:
        return view
    masked = dict(view)
    masked["slack"] = [{"channel": item["channel"], "url": SLACK_MASK} for item in view.get("slack", [])]
    return masked


def masked_policy(policy):
    if not policy:
        return {}
    result = dict(policy)
    alerts = dict(result.get("alerts") or {})
    alerts["slack"] = [dict(item, url=SLACK_MASK) for item in alerts.get("slack") or []]
    result["alerts"] = alerts
    return result


def ensure(module, client):
    params = module.params
    policies = client.list_all("monitoring/alerts", "policies")
    matches = [policy for policy in policies if policy.get("description") == params["description"]]
    current, duplicates = (matches[0], matches[1:]) if matches else (None, [])
    if duplicates:
        module.warn("%d alert policies share the description %r; keeping %s and deleting %s" % (
            len(matches), params["description"], current["uuid"], ", ".join(item["uuid"] for item in duplicates)))
    if params["state"] == "absent":
        if not module.check_mode:
            for policy in matches:
                client.delete("monitoring/alerts/%s" % policy["uuid"])
        return bool(matches), {}, (comparable(current) if current else {}), {}
    body = desired_body(params)
    before = comparable(current) if current else {}
    after = comparable(body)
    if before == after and not duplicates:
        return False, current, before, after
    if module.check_mode:
        return True, current or {}, before, after
    for policy in duplicates:
        client.delete("monitoring/alerts/%s" % policy["uuid"])
    if current is None:
        result = client.post("monitoring/alerts", body)["policy"]
    elif before != after:
        result = client.put("monitoring/alerts/%s" % current["uuid"], body)["policy"]
    else:
        result = current
    return True, result, before, after


def main():
    argument_spec = api_argument_spec()
    argument_spec.update(
        description=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        type=dict(type="str", choices=DOCUMENTED_TYPES),
        compare=dict(type="str", choices=["GreaterThan", "LessThan"], default="GreaterThan"),
        value=dict(type="float"),
        window=dict(type="str", choices=["5m", "10m", "30m", "1h"], default="10m"),
        tags=dict(type="list", elements="str", default=[]),
        entities=dict(type="list", elements="str", default=[]),
        enabled=dict(type="bool", default=True),
    )
    argument_spec.update(notification_argument_spec())
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    changed, policy, before, after = reconcile(module, "alert policy %r" % module.params["description"], input_errors, ensure)
    module.exit_json(changed=changed, policy=masked_policy(policy), diff=dict(before=shown(before), after=shown(after)))


if __name__ == "__main__":
    main()
