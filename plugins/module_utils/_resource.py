# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Helpers shared by the DigitalOcean resource modules.

No HTTP here: the modules talk to the API through the one client in _api.py. Most of these
functions compare desired and current state, so they are unit-tested without a server;
``reconcile`` is the one flow every module's main() runs.
"""

from __future__ import annotations

import json

from ansible_collections.agentc2.platform.plugins.module_utils._api import DigitalOceanError, client_from_module


class AmbiguousResource(Exception):
    """More than one resource answers to a name that the modules treat as unique."""


def canonical(value):
    """Return value with every list sorted, so that order never causes a change."""
    if isinstance(value, dict):
        return {key: canonical(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        items = [canonical(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    return value


def find_unique(items, key, value, kind):
    """The one item whose key equals value, None when there is none.

    DigitalOcean allows duplicate names; acting on one of several silently would be a guess,
    so several matches raise AmbiguousResource naming their ids.
    """
    matches = [item for item in items if item.get(key) == value]
    if len(matches) > 1:
        ids = ", ".join(str(item.get("id") or item.get("uuid")) for item in matches)
        raise AmbiguousResource(
            "%d %s resources are named %r (ids %s); names must be unique for this module"
            % (len(matches), kind, value, ids)
        )
    return matches[0] if matches else None


def range_error(label, value, low, high):
    """A message when value lies outside [low, high], else None."""
    if value is None or low <= value <= high:
        return None
    return "%s must be between %d and %d, got %s" % (label, low, high, value)


def notification_argument_spec():
    """The alert recipients that monitoring alert policies and uptime checks both take.

    Slack webhook URLs are secrets (no_log); the list itself is not.
    """
    return dict(
        emails=dict(type="list", elements="str", default=[]),
        slack=dict(type="list", elements="dict", default=[], no_log=False, options=dict(
            channel=dict(type="str", required=True),
            url=dict(type="str", required=True, no_log=True),
        )),
    )


def reconcile(module, label, input_errors, ensure):
    """Check the input, then bring the resource to its desired state; fail the module otherwise.

    Bad input is refused before any API call that could change something, and an API error
    reaches the user with the resource named. Returns what ``ensure(module, client)`` returns.
    """
    problems = input_errors(module.params)
    if problems:
        module.fail_json(msg="%s: %s" % (label, "; ".join(problems)))
    client = client_from_module(module)
    try:
        return ensure(module, client)
    except (AmbiguousResource, DigitalOceanError) as error:
        module.fail_json(msg="%s: %s" % (label, error))
