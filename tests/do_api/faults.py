# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Fault injection: latency, random error rates, and scripted faults for the next N requests."""

import random
import threading

ERROR_BODIES = {
    401: ('unauthorized', 'Unable to authenticate you'),
    429: ('too_many_requests', 'API Rate limit exceeded.'),
    500: ('server_error', 'Server was unable to give you a response.'),
    502: ('bad_gateway', 'Bad gateway.'),
    503: ('service_unavailable', 'The service is temporarily unavailable.'),
    504: ('gateway_timeout', 'Gateway timeout.'),
}


class Fault:
    """kind: 'http' (an error status), 'malformed' (200 with broken JSON), 'drop' (close the
    connection without an answer), 'hang' (wait ``seconds`` before answering normally)."""

    def __init__(self, kind='http', status=None, retry_after=None, headers=None, seconds=0.0, message=None):
        self.kind = kind
        self.message = message
        self.status = status
        self.retry_after = retry_after
        self.headers = headers or {}
        self.seconds = seconds


class _Script:
    def __init__(self, fault, count, method, path, after):
        self.fault = fault
        self.after = after
        self.remaining = count
        self.method = method
        self.path = path

    def matches(self, method, path):
        return ((self.method is None or self.method == method)
                and (self.path is None or path == self.path or path.startswith(self.path.rstrip('/') + '/')))


class Faults:
    """Mutable while the server runs; every attribute may be set by a test at any time."""

    def __init__(self, latency=0.0, error_rate=0.0, throttle_rate=0.0, malformed_rate=0.0, seed=0):
        self.latency = latency
        self.error_rate = error_rate
        self.throttle_rate = throttle_rate
        self.malformed_rate = malformed_rate
        self._random = random.Random(seed)
        self._scripts = []
        self._lock = threading.Lock()

    def script(self, status=None, count=1, path=None, method=None, kind='http', retry_after=None,
               headers=None, seconds=0.0, message=None, after=0):
        """The next ``count`` requests matching method and path (a /v2-relative path or a prefix of
        it), after ``after`` matching ones have passed, fail."""
        fault = Fault(kind=kind, status=status, retry_after=retry_after, headers=headers, seconds=seconds,
                      message=message)
        with self._lock:
            self._scripts.append(_Script(fault, count, method, path, after))

    def clear(self):
        with self._lock:
            self._scripts.clear()
        self.latency = self.error_rate = self.throttle_rate = self.malformed_rate = 0.0

    def next_fault(self, method, path):
        """The fault for this request, or None: scripted faults first, then the random rates."""
        with self._lock:
            for scripted in self._scripts:
                if scripted.remaining > 0 and scripted.matches(method, path):
                    if scripted.after > 0:
                        scripted.after -= 1
                        continue
                    scripted.remaining -= 1
                    return scripted.fault
            draw = self._random.random()
        if draw < self.error_rate:
            return Fault(status=self._random.choice((500, 502, 503)))
        draw -= self.error_rate
        if draw < self.throttle_rate:
            return Fault(status=429, retry_after=1)
        draw -= self.throttle_rate
        if draw < self.malformed_rate:
            return Fault(kind='malformed')
        return None
