# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every request the double answered, to prove request rates and retry behaviour."""

import collections
import threading
import time

Entry = collections.namedtuple('Entry', 'started method path query status')


class RequestLog:
    def __init__(self, clock=time.monotonic):
        self._clock = clock
        self._entries = []
        self._lock = threading.Lock()
        self.opened = clock()

    def record(self, started, method, path, query, status):
        with self._lock:
            self._entries.append(Entry(started, method, path, query, status))

    @property
    def entries(self):
        with self._lock:
            return list(self._entries)

    def count(self, method=None, path=None, status=None):
        return sum(1 for entry in self.entries
                   if (method is None or entry.method == method)
                   and (path is None or entry.path == path)
                   and (status is None or entry.status == status))

    def max_in_window(self, seconds=60.0):
        """The most requests that started within any window of ``seconds`` (sliding, not calendar)."""
        starts = sorted(entry.started for entry in self.entries)
        most, low = 0, 0
        for high, start in enumerate(starts):
            while starts[low] <= start - seconds:
                low += 1
            most = max(most, high - low + 1)
        return most

    def per_minute(self):
        """Requests per minute since the server opened: [count in minute 0, minute 1, ...]."""
        counts = collections.Counter(int((entry.started - self.opened) // 60) for entry in self.entries)
        return [counts.get(minute, 0) for minute in range(max(counts) + 1)] if counts else []

    def clear(self):
        with self._lock:
            self._entries.clear()
