#!/usr/bin/python
# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: uptime_check
short_description: A DigitalOcean uptime check and its alerts
version_added: 0.1.0
description:
  - Creates, updates in place or deletes a DigitalOcean uptime check, found by its unique name,
    and reconciles its alerts by name; alerts on the check that are not listed are removed.
  - The default alerts are the AgentC2 ones, the target down, and latency above 2 s.
  - E-mail and Slack notifications are each optional; alerts need at least one of them.
extends_documentation_fragment:
  - agentc2.platform.api
attributes:
  check_mode:
    support: full
    description: Reports C(changed=true) when a run would create, update or delete.
  diff_mode:
    support: full
    description: Shows the check and its alerts before and after.
options:
  name:
    description: The check's name; unique among the account's uptime checks.
    type: str
    required: true
  state:
    description: Whether the check exists.
    type: str
    choices: [present, absent]
    default: present
  target:
    description: What is checked, such as C(https://example.com/api/health). Required when O(state=present).
    type: str
  type:
    description: Kind of check; C(http) and C(https) need a URL of that scheme as O(target).
    type: str
    choices: [http, https, ping]
    default: https
  regions:
    description: Where DigitalOcean checks from.
    type: list
    elements: str
    choices: [us_east, us_west, eu_west, se_asia]
    default: [us_east, us_west, eu_west, se_asia]
  enabled:
    description: Whether the check runs.
    type: bool
    default: true
  alerts:
    description: The check's alerts, identified by name.
    type: list
    elements: dict
    default:
      - {name: target down, type: down, period: 2m}
      - {name: latency above 2 s, type: latency, threshold: 2000, comparison: greater_than, period: 2m}
    suboptions:
      name:
        description: The alert's name, unique within the check.
        type: str
        required: true
      type:
        description: C(latency) (threshold in ms), C(down) (any region), C(down_global) (every region), C(ssl_expiry) (threshold in days).
        type: str
        required: true
        choices: [latency, down, down_global, ssl_expiry]
      threshold:
        description: Milliseconds for C(latency), days for C(ssl_expiry); unused otherwise.
        type: int
      comparison:
        description: Compare the measurement with O(alerts[].threshold).
        type: str
        choices: [greater_than, less_than]
        default: greater_than
      period:
        description: How long the condition must hold.
        type: str
        choices: [2m, 3m, 5m, 10m, 15m, 30m, 1h]
        default: 2m
  emails:
    description: Addresses notified by every alert; verified on the DigitalOcean account.
    type: list
    elements: str
    default: []
  slack:
    description: Slack channels notified by every alert.
    type: list
    elements: dict
    default: []
    suboptions:
      channel:
        description: The channel.
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
- name: Watch the public health endpoint, alert when down or slower than 2 s
  agentc2.platform.uptime_check:
    name: agentc2 health
    target: https://agentc2.example.com/api/health
    emails: [ops@example.com]
"""

RETURN = r"""
check:
  description: The uptime check as the API returns it, with its alerts under C(alerts); empty when absent.
  returned: always
  type: dict
  sample:
    id: 5a4981aa-9653-4bd1-bef5-d6bff52042e4
    name: agentc2 health
    type: https
    target: https://agentc2.example.com/api/health
    regions: [us_east, us_west, eu_west, se_asia]
    enabled: true
    alerts: [{id: 17f0f0ae-b7e5-4ef6-86e3-aa569db58284, name: target down, type: down, period: 2m}]
"""

from urllib.parse import urlparse

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.agentc2.platform.plugins.module_utils._api import (
    api_argument_spec,
)
from ansible_collections.agentc2.platform.plugins.module_utils._resource import (
    canonical,
    find_unique,
    notification_argument_spec,
    reconcile,
)

THRESHOLD_TYPES = ("latency", "ssl_expiry")
SLACK_MASK = "<slack webhook>"


def target_error(check_type, target):
    if not target:
        return "target is required when state is present"
    if check_type == "ping":
        return None
    parsed = urlparse(target)
    if parsed.scheme != check_type or not parsed.netloc:
        return "target %r must be a %s:// URL for a %s check" % (target, check_type, check_type)
    return None


def alert_errors(alerts, notified):
    errors = []
    names = [alert["name"] for alert in alerts]
    for name in sorted(set(name for name in names if names.count(name) > 1)):
        errors.append("two alerts are named %r" % name)
    for alert in alerts:
        if alert["type"] in THRESHOLD_TYPES and (alert.get("threshold") is None or alert["threshold"] <= 0):
            errors.append("alert %r of type %s needs a positive threshold" % (alert["name"], alert["type"]))
    if alerts and not notified:
        errors.append("alerts need at least one of emails or slack, or nobody hears them")
    return errors


def input_errors(params):
    if params["state"] == "absent":
        return []
    errors = [target_error(params["type"], params.get("target"))]
    if not params["regions"]:
        errors.append("regions must name at least one region")
    errors.extend(alert_errors(params["alerts"], params["emails"] or params["slack"]))
    for channel in params["slack"]:
        if not str(channel["url"]).startswith("https://"):
            errors.append("slack channel %s: the webhook url must be https" % channel["channel"])
    return [error for error in errors if error]


def check_body(params):
    return {
        "name": params["name"],
        "type": params["type"],
        "target": params["target"],
        "regions": sorted(set(params["regions"])),
        "enabled": params["enabled"],
    }


def notifications(params):
    return {
        "email": sorted(set(params["emails"])),
        "slack": [{"channel": item["channel"], "url": item["url"]} for item in params["slack"]],
    }


def alert_body(alert, params):
    body = {"name": alert["name"], "type": alert["type"], "period": alert["period"], "notifications": notifications(params)}
    if alert["type"] in THRESHOLD_TYPES:
        body["threshold"] = alert["threshold"]
        body["comparison"] = alert["comparison"]
    return body


def comparable_check(check):
    return canonical({key: check.get(key) for key in ("name", "type", "target", "regions", "enabled")})


def comparable_alert(alert):
    """An alert's managed fields; threshold and comparison only where the type uses them."""
    notified = alert.get("notifications") or {}
    view = {
        "name": alert.get("name"),
        "type": alert.get("type"),
        "period": alert.get("period"),
        "email": sorted(set(notified.get("email") or [])),
        "slack": [{"channel": item.get("channel"), "url": item.get("url")} for item in notified.get("slack") or []],
    }
    if alert.get("type") in THRESHOLD_TYPES:
        view["threshold"] = alert.get("threshold")
        view["comparison"] = alert.get("comparison")
    return canonical(view)


def alert_plan(current_alerts, desired_alerts):
    """(to create, to update as (id, body), to delete ids), alerts matched by name."""
    by_name = {alert["name"]: alert for alert in current_alerts}
    create, update = [], []
    for body in desired_alerts:
        existing = by_name.pop(body["name"], None)
        if existing is None:
            create.append(body)
        elif comparable_alert(existing) != comparable_alert(body):
            update.append((existing["id"], body))
    delete = sorted(alert["id"] for alert in by_name.values())
    return create, update, delete


def masked(view):
    """Webhook URLs are secrets: never in a diff or a result."""
    if isinstance(view, dict):
        return {key: (SLACK_MASK if key == "url" else masked(value)) for key, value in view.items()}
    if isinstance(view, list):
        return [masked(item) for item in view]
    return view


def state_view(check, alerts):
    if not check:
        return {}
    view = comparable_check(check)
    view["alerts"] = canonical([comparable_alert(alert) for alert in alerts])
    return view


def apply_alerts(client, check_id, plan):
    create, update, delete = plan
    path = "uptime/checks/%s/alerts" % check_id
    for alert_id in delete:
        client.delete("%s/%s" % (path, alert_id))
    for alert_id, body in update:
        client.put("%s/%s" % (path, alert_id), body)
    for body in create:
        client.post(path, body)
    return client.list_all(path, "alerts")


def ensure(module, client):
    params = module.params
    current = find_unique(client.list_all("uptime/checks", "checks"), "name", params["name"], "uptime check")
    current_alerts = client.list_all("uptime/checks/%s/alerts" % current["id"], "alerts") if current else []
    before = state_view(current, current_alerts)
    if params["state"] == "absent":
        if current and not module.check_mode:
            client.delete("uptime/checks/%s" % current["id"])
        return bool(current), {}, before, {}
    body = check_body(params)
    desired_alerts = [alert_body(alert, params) for alert in params["alerts"]]
    after = state_view(body, desired_alerts)
    if before == after:
        return False, dict(current, alerts=current_alerts), before, after
    if module.check_mode:
        return True, dict(current or {}, alerts=current_alerts), before, after
    if current is None:
        check = client.post("uptime/checks", body)["check"]
    elif comparable_check(current) != comparable_check(body):
        check = client.put("uptime/checks/%s" % current["id"], body)["check"]
    else:
        check = current
    alerts = apply_alerts(client, check["id"], alert_plan(current_alerts, desired_alerts))
    return True, dict(check, alerts=alerts), before, after


def main():
    argument_spec = api_argument_spec()
    argument_spec.update(
        name=dict(type="str", required=True),
        state=dict(type="str", choices=["present", "absent"], default="present"),
        target=dict(type="str"),
        type=dict(type="str", choices=["http", "https", "ping"], default="https"),
        regions=dict(type="list", elements="str", choices=["us_east", "us_west", "eu_west", "se_asia"],
                     default=["us_east", "us_west", "eu_west", "se_asia"]),
        enabled=dict(type="bool", default=True),
        alerts=dict(
            type="list", elements="dict",
            default=[
                dict(name="target down", type="down", period="2m"),
                dict(name="latency above 2 s", type="latency", threshold=2000, comparison="greater_than", period="2m"),
            ],
            options=dict(
                name=dict(type="str", required=True),
                type=dict(type="str", required=True, choices=["latency", "down", "down_global", "ssl_expiry"]),
                threshold=dict(type="int"),
                comparison=dict(type="str", choices=["greater_than", "less_than"], default="greater_than"),
                period=dict(type="str", choices=["2m", "3m", "5m", "10m", "15m", "30m", "1h"], default="2m"),
            ),
        ),
    )
    argument_spec.update(notification_argument_spec())
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    changed, check, before, after = reconcile(module, "uptime check %r" % module.params["name"], input_errors, ensure)
    module.exit_json(changed=changed, check=masked(check), diff=dict(before=masked(before), after=masked(after)))


if __name__ == "__main__":
    main()
