#!/usr/bin/python
# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
module: droplet_info
short_description: List DigitalOcean droplets, by tag or name
version_added: 0.1.0
description:
  - Lists droplets through the collection's API client (every page, concurrently), filtered on the
    server by tag and on the controller by name. Used by C(scale.yml) to find the current fleet.
extends_documentation_fragment:
  - agentc2.platform.api
attributes:
  check_mode:
    support: full
    description: Reads only; runs the same in check mode.
options:
  tag_name:
    description: Only droplets with this tag.
    type: str
  name:
    description: Only droplets with this name.
    type: str
author:
  - AgentC2 platform team (@agentc2)
"""

EXAMPLES = r"""
- name: The AgentC2 fleet
  agentc2.platform.droplet_info:
    tag_name: agentc2
  register: fleet
"""

RETURN = r"""
droplets:
  description: The droplets as the API returns them, oldest first.
  returned: always
  type: list
  elements: dict
  sample: [{id: 3164444, name: agentc2-web-01, status: active, tags: [agentc2, agentc2-lb]}]
"""

from ansible.module_utils.basic import AnsibleModule

from ansible_collections.agentc2.platform.plugins.module_utils._api import (
    DigitalOceanError,
    api_argument_spec,
    client_from_module,
)


def main():
    argument_spec = api_argument_spec()
    argument_spec.update(tag_name=dict(type="str"), name=dict(type="str"))
    module = AnsibleModule(argument_spec=argument_spec, supports_check_mode=True)
    client = client_from_module(module)
    query = {"tag_name": module.params["tag_name"]} if module.params["tag_name"] else None
    try:
        droplets = client.list_all("droplets", "droplets", params=query)
    except DigitalOceanError as error:
        module.fail_json(msg="listing droplets: %s" % error)
    if module.params["name"]:
        droplets = [droplet for droplet in droplets if droplet.get("name") == module.params["name"]]
    module.exit_json(changed=False, droplets=droplets)


if __name__ == "__main__":
    main()
