# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The double's state: named tables of API objects, shared by every resource module."""

import itertools
import threading


class Store:
    """Tables are dicts id -> object in insertion order (the API lists oldest first)."""

    def __init__(self, first_id=100000000):
        self.lock = threading.RLock()
        self._tables = {}
        self._ids = itertools.count(first_id)

    def table(self, name):
        with self.lock:
            return self._tables.setdefault(name, {})

    def next_id(self):
        with self.lock:
            return next(self._ids)
