# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The threaded HTTP(S) server: auth, the API's rate limit, faults, routing, the request log."""

import collections
import importlib
import json
import os
import pkgutil
import shutil
import ssl
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from .faults import ERROR_BODIES, Faults
from .log import RequestLog
from .router import ApiError, ApiRequest, Router
from .store import Store

DEFAULT_TOKEN = 'dop_v1_test_double_token_0123456789abcdef'
API_PREFIX = '/v2'


def build_router():
    """A router with the routes of every module of this package that defines register(router)."""
    router = Router()
    package = __name__.rpartition('.')[0]
    for module_info in sorted(pkgutil.iter_modules([os.path.dirname(__file__)]), key=lambda m: m.name):
        if module_info.name.startswith('_'):
            continue
        module = importlib.import_module('%s.%s' % (package, module_info.name))
        register = getattr(module, 'register', None)
        if callable(register):
            register(router)
    return router


class _SlidingWindow:
    """The API's own limit: at most ``limit`` requests in any ``period`` seconds, else 429."""

    def __init__(self, limit, period):
        self.limit = limit
        self.period = period
        self._starts = collections.deque()
        self._lock = threading.Lock()

    def admit(self, now):
        """None if admitted, else the seconds until a slot frees (the Retry-After)."""
        with self._lock:
            while self._starts and self._starts[0] <= now - self.period:
                self._starts.popleft()
            if self.limit and len(self._starts) >= self.limit:
                return self._starts[0] + self.period - now
            self._starts.append(now)
            return None

    def used(self, now):
        with self._lock:
            return sum(1 for start in self._starts if start > now - self.period)


class ApiDouble:
    """See the package docstring. Starts on an ephemeral loopback port unless ``port`` is given."""

    def __init__(self, host='127.0.0.1', port=0, https=False, token=DEFAULT_TOKEN, latency=0.0,
                 store=None, faults=None, requests_per_minute=250, requests_per_hour=5000, seed=0):
        self.token = token
        self.store = store or Store()
        self.faults = faults or Faults(latency=latency, seed=seed)
        self.log = RequestLog()
        self.router = build_router()
        self.https = https
        self.ca_file = None
        self._minute = _SlidingWindow(requests_per_minute, 60.0)
        self._hour = _SlidingWindow(0, 3600.0)
        self.requests_per_hour = requests_per_hour
        self._httpd = ThreadingHTTPServer((host, port), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.double = self
        self._certs_dir = None
        if https:
            self._use_tls()
        self._thread = None
        self._in_flight = 0
        self.max_in_flight = 0
        self._in_flight_lock = threading.Lock()

    # -- life cycle ------------------------------------------------------------------------

    @property
    def url(self):
        host, port = self._httpd.server_address[:2]
        return '%s://%s:%d%s' % ('https' if self.https else 'http', host, port, API_PREFIX)

    def start(self):
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={'poll_interval': 0.1},
                                        name='do-api-double', daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread:
            self._thread.join()
        if self._certs_dir:
            shutil.rmtree(self._certs_dir, ignore_errors=True)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def seed_droplets(self, count, **options):
        """Add ``count`` generated droplets (see droplets.generate); returns them."""
        from . import droplets
        return droplets.add(self.store, droplets.generate(count, **options))

    def _use_tls(self):
        from .certs import write_self_signed
        self._certs_dir = tempfile.mkdtemp(prefix='do-api-double-')
        cert, key = write_self_signed(self._certs_dir)
        self.ca_file = cert
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(cert, key)
        # The handshake then happens in the handler's thread, not in the accepting one.
        self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True,
                                                 do_handshake_on_connect=False)

    # -- one request -----------------------------------------------------------------------

    def answer(self, handler):
        """Return (status, headers, payload bytes) for the request, or None to drop the connection."""
        now = time.monotonic()
        parts = urlsplit(handler.path)
        path = parts.path[len(API_PREFIX):] if parts.path.startswith(API_PREFIX + '/') else None
        self._hour.admit(now)
        self._enter()
        try:
            outcome = self._outcome(handler, now, path, parse_qs(parts.query))
        finally:
            self._leave()
        status = outcome[0] if outcome else 0
        self.log.record(now, handler.command, path if path is not None else parts.path, parts.query, status)
        if outcome is None:
            return None
        status, headers, payload = outcome
        for name, value in self._ratelimit_headers(now).items():
            headers.setdefault(name, value)  # a fault or a handler may set its own
        return status, headers, payload

    def _enter(self):
        with self._in_flight_lock:
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)

    def _leave(self):
        with self._in_flight_lock:
            self._in_flight -= 1

    def _outcome(self, handler, now, path, query):
        if self.faults.latency:
            time.sleep(self.faults.latency)
        if handler.headers.get('Authorization') != 'Bearer ' + self.token:
            return _error(ApiError(401, *ERROR_BODIES[401]))
        wait = self._minute.admit(now)
        if wait is not None:
            return _error(ApiError(429, *ERROR_BODIES[429], headers={'Retry-After': str(max(1, int(wait + 0.999)))}))
        if path is None:
            return _error(ApiError(404, 'not_found', 'The resource you were accessing could not be found.'))
        fault = self.faults.next_fault(handler.command, path)
        if fault is not None:
            if fault.kind == 'drop':
                return None
            if fault.kind == 'malformed':
                return 200, {'Content-Type': 'application/json'}, b'{"droplets": [{"id": 1, "na'
            if fault.kind == 'hang':
                time.sleep(fault.seconds)
            else:
                return _error(_fault_error(fault))
        try:
            request = self._request(handler, path, query)
            route, request.path_params = self.router.resolve(handler.command, path)
            result = route(request)
        except ApiError as error:
            return _error(error)
        status, body = result[0], result[1]
        headers = dict(result[2]) if len(result) > 2 else {}
        payload = b'' if body is None else json.dumps(body, separators=(',', ':')).encode()
        headers.setdefault('Content-Type', 'application/json')
        return status, headers, payload

    def _request(self, handler, path, query):
        length = int(handler.headers.get('Content-Length') or 0)
        raw = handler.rfile.read(length) if length else b''
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            raise ApiError(400, 'bad_request', 'The request body is not valid JSON.')
        base_url = self.url
        return ApiRequest(handler.command, path, query, body, handler.headers, self.store, base_url)

    def _ratelimit_headers(self, now):
        used = self._hour.used(now)
        return {
            'ratelimit-limit': str(self.requests_per_hour),
            'ratelimit-remaining': str(max(0, self.requests_per_hour - used)),
            'ratelimit-reset': str(int(time.time()) + 3600),
        }


def _fault_error(fault):
    status = fault.status or 500
    error_id, message = ERROR_BODIES.get(status, ('error', 'Injected failure.'))
    message = fault.message or message
    headers = dict(fault.headers)
    if fault.retry_after is not None:
        headers['Retry-After'] = str(fault.retry_after)
    return ApiError(status, error_id, message, headers=headers)


def _error(error):
    headers = dict(error.headers)
    headers['Content-Type'] = 'application/json'
    payload = json.dumps({'id': error.error_id, 'message': error.message}).encode()
    return error.status, headers, payload


class _Handler(BaseHTTPRequestHandler):
    server_version = 'do-api-double'

    def _dispatch(self):
        answer = self.server.double.answer(self)
        if answer is None:
            self.close_connection = True
            return
        status, headers, payload = answer
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header('Content-Length', str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _dispatch

    def log_message(self, format, *args):  # pylint: disable=redefined-builtin
        """Quiet: the RequestLog keeps what tests need."""
