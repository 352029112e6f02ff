# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

DOCUMENTATION = r"""
name: floor
short_description: The benchmark's floor, hosts and variables from a local JSON file
description:
  - Loads hosts, their variables and groups from a C(*.floor.json) file written by bench/inventory.py,
    with the inventory API every plugin uses and nothing else (no network, no templating, no checks).
  - What any DigitalOcean inventory must pay at least to put the same data into Ansible.
options: {}
"""

import json
import time

from ansible.plugins.inventory import BaseInventoryPlugin


class InventoryModule(BaseInventoryPlugin):
    NAME = 'floor'

    def verify_file(self, path):
        return path.endswith('.floor.json')

    def parse(self, inventory, loader, path, cache=True):
        super(InventoryModule, self).parse(inventory, loader, path, cache)
        started = time.monotonic()
        with open(path) as source:
            data = json.load(source)
        read = time.monotonic()
        for host, variables in data['hostvars'].items():
            self.inventory.add_host(host)
            for name, value in variables.items():
                self.inventory.set_variable(host, name, value)
        for group, hosts in data['groups'].items():
            self.inventory.add_group(group)
            for host in hosts:
                self.inventory.add_child(group, host)
        self.display.vv('floor: %d hosts read in %.2f s, hosts built in %.2f s'
                        % (len(data['hostvars']), read - started, time.monotonic() - read))
