# -*- coding: utf-8 -*-
# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The collection's one private DigitalOcean API v2 client.

Every plugin and module of agentc2.platform talks to the API through this file, so pagination,
retries, the rate limit and error reporting behave the same everywhere. It only uses the standard
library and Ansible's own HTTP client (``ansible.module_utils.urls``, what ``open_url`` wraps): it
runs in a stock AWX execution environment.

Public surface (stable; private names start with an underscore):

``DigitalOceanClient(token, base_url=DEFAULT_BASE_URL, timeout=30, validate_certs=True,
max_retries=8, concurrency=8, max_retry_time=120, requests_per_minute=250, ...)``
    ``get(path, params=None)``            -> decoded JSON body (dict)
    ``list_all(path, key, params=None)``  -> list of every item of ``key`` over all pages: page 1 is
                                            read with per_page=200, the other pages concurrently
                                            (at most ``concurrency`` at a time), in page order
    ``post(path, body=None)``, ``put(path, body=None)``, ``patch(path, body=None)``,
    ``delete(path, body=None)``           -> decoded JSON body, or None for an empty body (204)
    ``request(method, path, params=None, body=None)`` -> ``ApiResponse(status, headers, body)``
    ``stats``                             -> ``{'requests': n, 'retries': n}`` (for logs and tests)
    ``path`` is relative to ``base_url`` (``'/droplets'``, ``'droplets/42/actions'``).

``DigitalOceanError``: what failed, as attributes ``status`` (HTTP status or None for a transport
    error), ``error_id`` (DigitalOcean's ``id``, e.g. ``unauthorized``), ``message``, ``method``
    and ``path`` (URL path and query, never the host or the token). ``str()`` reads like
    ``GET /v2/droplets?page=3: HTTP 503 service_unavailable: ...`` and never contains the token.
    ``CircuitOpenError`` (a subclass) is raised without a request while the breaker is open.

``api_argument_spec()``: the argument spec of the common API options, to merge into a module's
    own (``argument_spec.update(api_argument_spec())``); documented by the doc fragment
    ``agentc2.platform.api`` (modules) and ``agentc2.platform.api.plugin`` (plugins).
``client_from_module(module)``: a client from those options; fails the module cleanly without a
    token.
``TOKEN_ENV_VARS``, ``BASE_URL_ENV_VAR``, ``DEFAULT_BASE_URL``: the environment the options read.

Behaviour:
- retries on 429, 5xx, timeouts and connection errors (POST and PATCH only on 429 and refused
  connections, since a repeat could create a resource twice), at most ``max_retries`` times and within
  ``max_retry_time`` seconds per request, with jittered exponential backoff; a ``Retry-After``
  (or, for 429, ``ratelimit-reset``) from the API sets the wait instead, and a 429 holds back
  every thread of the client until then;
- a circuit breaker opens after 5 consecutive failures (5xx, timeouts, connection errors; a 429
  is throttling, not failure) and refuses requests for ``breaker_cooldown`` seconds, then lets
  one request probe the API;
- a sliding-window limiter: never more than ``requests_per_minute`` requests started in any
  60-second window (the API allows 250).
"""

from __future__ import annotations

import json
import random
import socket
import ssl
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime

from ansible.module_utils.basic import env_fallback
from ansible.module_utils.six.moves.urllib.error import HTTPError, URLError
from ansible.module_utils.six.moves.urllib.parse import parse_qs, urlencode, urlsplit
from ansible.module_utils.urls import Request, make_context

DEFAULT_BASE_URL = 'https://api.digitalocean.com/v2'
TOKEN_ENV_VARS = ('DIGITALOCEAN_TOKEN', 'DIGITALOCEAN_ACCESS_TOKEN', 'DO_API_TOKEN', 'DO_API_KEY', 'DO_OAUTH_TOKEN')
BASE_URL_ENV_VAR = 'DIGITALOCEAN_API_URL'

DEFAULT_TIMEOUT = 30
DEFAULT_MAX_RETRIES = 8
DEFAULT_CONCURRENCY = 8
DEFAULT_MAX_RETRY_TIME = 120.0
# A POST or PATCH answered by a 5xx, or lost to a timeout or a dropped connection, may already
# have taken effect (a second droplet, a second alert policy): those are not sent again. A 429
# (refused before the API acts) and a refused connection (nothing was sent) are safe for any method.
SAFE_TO_REPEAT = frozenset(('GET', 'HEAD', 'PUT', 'DELETE'))
API_REQUESTS_PER_MINUTE = 250
MAX_PER_PAGE = 200
BREAKER_THRESHOLD = 5
BREAKER_COOLDOWN = 30.0
USER_AGENT = 'agentc2.platform (+https://github.com/agentc2/platform)'


class DigitalOceanError(Exception):
    """A failed API call, described without the token."""

    def __init__(self, message, status=None, error_id=None, method=None, path=None):
        super(DigitalOceanError, self).__init__(message)
        self.message = message
        self.status = status
        self.error_id = error_id
        self.method = method
        self.path = path

    def __str__(self):
        where = '%s %s: ' % (self.method, self.path) if self.method else ''
        what = []
        if self.status is not None:
            what.append('HTTP %s' % self.status)
        if self.error_id:
            what.append(self.error_id)
        prefix = ' '.join(what)
        return where + (prefix + ': ' if prefix else '') + self.message


class CircuitOpenError(DigitalOceanError):
    """Raised, without sending anything, while the circuit breaker is open."""


class ApiResponse(object):
    """One HTTP response: status, headers (lower-case names) and the decoded JSON body or None."""

    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.body = body


class _Attempt(object):
    """The raw outcome of one attempt: an HTTP status with headers and bytes, or a transport error."""

    def __init__(self, status=None, headers=None, payload=b'', transport_error=None):
        self.status = status
        self.headers = headers or {}
        self.payload = payload
        self.transport_error = transport_error


class RateLimiter(object):
    """Sliding-window limiter shared by the client's threads.

    A request may start only while fewer than ``limit`` requests hold a slot. A slot is held from the
    start of a request until ``period`` seconds after its response arrived: the API counts arrivals,
    which happen somewhere between the two, so this bounds every window of ``period`` seconds at
    the API too, not just calendar minutes. ``hold_until`` lets a 429's Retry-After stop every
    thread, not only the one that got it.
    """

    _POLL = 0.05  # while every slot is in flight, how often to look again

    def __init__(self, limit=API_REQUESTS_PER_MINUTE, period=60.0, clock=time.monotonic, sleep=time.sleep):
        self.limit = limit
        self.period = period
        self._clock = clock
        self._sleep = sleep
        self._slots = []  # [end of the request's response, or infinity while it is in flight]
        self._held_until = 0.0
        self._lock = threading.Lock()

    def acquire(self):
        """Wait for a slot; give it back to release() once the response (or the error) has arrived."""
        while True:
            slot, wait = self._reserve_or_wait()
            if slot is not None:
                return slot
            self._sleep(wait)

    def release(self, slot):
        with self._lock:
            slot[0] = self._clock()

    def hold_until(self, when):
        with self._lock:
            self._held_until = max(self._held_until, when)

    def _reserve_or_wait(self):
        with self._lock:
            now = self._clock()
            if now < self._held_until:
                return None, self._held_until - now
            self._slots = [slot for slot in self._slots if slot[0] > now - self.period]
            if len(self._slots) < self.limit:
                slot = [float('inf')]
                self._slots.append(slot)
                return slot, 0
            earliest = min(slot[0] for slot in self._slots)
            return None, self._POLL if earliest == float('inf') else earliest + self.period - now


class CircuitBreaker(object):
    """Opens after ``threshold`` consecutive failures; after ``cooldown`` lets one probe through."""

    def __init__(self, threshold=BREAKER_THRESHOLD, cooldown=BREAKER_COOLDOWN, clock=time.monotonic):
        self.threshold = threshold
        self.cooldown = cooldown
        self._clock = clock
        self._failures = 0
        self._opened_at = None
        self._probing = False
        self._last_error = None
        self._lock = threading.Lock()

    @property
    def is_open(self):
        return self._opened_at is not None

    def before_request(self, method, path):
        with self._lock:
            if self._opened_at is None:
                return
            if self._clock() - self._opened_at >= self.cooldown and not self._probing:
                self._probing = True
                return
            raise CircuitOpenError(
                'circuit breaker open after %d consecutive failures, not sending the request; last error: %s'
                % (self._failures, self._last_error), method=method, path=path)

    def record_success(self):
        with self._lock:
            self._failures = 0
            self._opened_at = None
            self._probing = False

    def record_failure(self, error):
        with self._lock:
            self._failures += 1
            self._last_error = error
            if self._probing or self._failures >= self.threshold:
                self._opened_at = self._clock()
            self._probing = False


def api_argument_spec():
    """The common API options; documented by the doc fragment agentc2.platform.api."""
    return dict(
        api_token=dict(type='str', no_log=True, aliases=['oauth_token'],
                       fallback=(env_fallback, list(TOKEN_ENV_VARS))),
        api_base_url=dict(type='str', default=DEFAULT_BASE_URL, fallback=(env_fallback, [BASE_URL_ENV_VAR])),
        timeout=dict(type='int', default=DEFAULT_TIMEOUT),
        validate_certs=dict(type='bool', default=True),
        max_retries=dict(type='int', default=DEFAULT_MAX_RETRIES),
        concurrency=dict(type='int', default=DEFAULT_CONCURRENCY),
    )


def client_from_module(module):
    """Build the client from a module's params, or fail the module saying where a token comes from."""
    params = module.params
    if not params.get('api_token'):
        module.fail_json(msg='No DigitalOcean API token: set api_token or one of the environment variables %s.'
                         % ', '.join(TOKEN_ENV_VARS))
    return DigitalOceanClient(
        params['api_token'],
        base_url=params.get('api_base_url') or DEFAULT_BASE_URL,
        timeout=params.get('timeout', DEFAULT_TIMEOUT),
        validate_certs=params.get('validate_certs', True),
        max_retries=params.get('max_retries', DEFAULT_MAX_RETRIES),
        concurrency=params.get('concurrency', DEFAULT_CONCURRENCY),
    )


class DigitalOceanClient(object):
    """Bearer-authenticated, rate-limited, retrying DigitalOcean API v2 client (see the module docstring)."""

    def __init__(self, token, base_url=DEFAULT_BASE_URL, timeout=DEFAULT_TIMEOUT, validate_certs=True,
                 max_retries=DEFAULT_MAX_RETRIES, concurrency=DEFAULT_CONCURRENCY,
                 max_retry_time=DEFAULT_MAX_RETRY_TIME, requests_per_minute=API_REQUESTS_PER_MINUTE,
                 rate_limiter=None, circuit_breaker=None, backoff_base=0.5, backoff_cap=30.0,
                 user_agent=USER_AGENT, clock=time.monotonic, sleep=time.sleep):
        if not token:
            raise DigitalOceanError('no API token given')
        self._token = token
        self.base_url = base_url.rstrip('/')
        self.timeout = timeout
        self.validate_certs = validate_certs
        self.max_retries = max(0, max_retries)
        self.concurrency = max(1, concurrency)
        self.max_retry_time = max_retry_time
        self.backoff_base = backoff_base
        self.backoff_cap = backoff_cap
        self.user_agent = user_agent
        self._clock = clock
        self._sleep = sleep
        # One TLS context for every request: building one per request (what open_url does) reloads the
        # CA bundle each time, which cost more CPU than decoding the droplets.
        self._tls_context = make_context(validate_certs=validate_certs)
        self._limiter = rate_limiter or RateLimiter(requests_per_minute, 60.0, clock=clock, sleep=sleep)
        self._breaker = circuit_breaker or CircuitBreaker(clock=clock)
        self._stats_lock = threading.Lock()
        self.stats = {'requests': 0, 'retries': 0}

    # -- the verbs -------------------------------------------------------------------------

    def get(self, path, params=None):
        return self.request('GET', path, params=params).body

    def post(self, path, body=None):
        return self.request('POST', path, body=body).body

    def put(self, path, body=None):
        return self.request('PUT', path, body=body).body

    def patch(self, path, body=None):
        return self.request('PATCH', path, body=body).body

    def delete(self, path, body=None):
        return self.request('DELETE', path, body=body).body

    def list_all(self, path, key, params=None):
        """Every item of ``key`` on every page; page 1 first, then the rest concurrently."""
        query = dict(params or {})
        query.setdefault('per_page', MAX_PER_PAGE)
        query['page'] = 1
        first = self._page(path, key, query)
        last_page = _last_page(first, int(query['per_page']))
        if last_page is None:
            return self._follow_next_links(path, key, query, first)
        rest = self._pages_concurrently(path, key, query, range(2, last_page + 1))
        return _unique_by_id(first[key] + [item for page in rest for item in page[key]])

    def request(self, method, path, params=None, body=None):
        """One API call with retries; returns an ApiResponse or raises DigitalOceanError."""
        url = self._url(path, params)
        shown_path = _path_of(url)
        data = json.dumps(body).encode('utf-8') if body is not None else None
        deadline = self._clock() + self.max_retry_time
        retries = 0
        while True:
            self._breaker.before_request(method, shown_path)
            slot = self._limiter.acquire()
            try:
                attempt = self._send(method, url, data)
            finally:
                self._limiter.release(slot)
            error, delay = self._judge(attempt, method, shown_path, retries)
            if error is None:
                return ApiResponse(attempt.status, attempt.headers, self._decode(attempt, method, shown_path))
            if delay is None or retries >= self.max_retries or self._clock() + delay > deadline:
                raise error
            retries += 1
            self._count('retries')
            self._sleep(delay)

    # -- internals -------------------------------------------------------------------------

    def _url(self, path, params):
        url = self.base_url + '/' + path.lstrip('/')
        if params:
            url += ('&' if '?' in url else '?') + urlencode(sorted(params.items()), doseq=True)
        return url

    def _send(self, method, url, data):
        self._count('requests')
        headers = {'Authorization': 'Bearer ' + self._token, 'Accept': 'application/json'}
        if data is not None:
            headers['Content-Type'] = 'application/json'
        try:
            response = Request().open(method, url, data=data, headers=headers, timeout=self.timeout,
                                      validate_certs=self.validate_certs, http_agent=self.user_agent,
                                      follow_redirects='none', use_proxy=True, context=self._tls_context)
            with response:
                return _Attempt(response.status, _lower_headers(response.headers), response.read())
        except HTTPError as http_error:
            payload = http_error.read() if http_error.fp is not None else b''
            return _Attempt(http_error.code, _lower_headers(http_error.headers), payload)
        except (URLError, socket.timeout, ConnectionError, OSError) as transport_error:
            return _Attempt(transport_error=transport_error)

    def _judge(self, attempt, method, path, retries):
        """Return (error or None, seconds to wait before a retry, or None when not retryable)."""
        if attempt.transport_error is not None:
            return self._transport_failure(attempt.transport_error, method, path, retries)
        status = attempt.status
        if status < 400:
            self._breaker.record_success()
            return None, None
        error = self._http_error(attempt, method, path)
        if status == 429:
            delay = _retry_after(attempt.headers) or _ratelimit_reset(attempt.headers) or self._backoff(retries)
            self._limiter.hold_until(self._clock() + delay)
            return error, delay + random.uniform(0, min(1.0, delay / 10.0))
        if status >= 500:
            self._breaker.record_failure(error)
            if method not in SAFE_TO_REPEAT:
                return error, None
            return error, _retry_after(attempt.headers) or self._backoff(retries)
        self._breaker.record_success()
        return error, None

    def _transport_failure(self, exc, method, path, retries):
        reason = getattr(exc, 'reason', exc)
        if isinstance(reason, ssl.SSLCertVerificationError) or 'CERTIFICATE_VERIFY_FAILED' in str(reason):
            return DigitalOceanError('TLS certificate verification failed: %s' % self._redact(str(reason)),
                                     method=method, path=path), None
        kind = 'timed out' if isinstance(reason, (socket.timeout, TimeoutError)) else 'connection failed'
        error = DigitalOceanError('%s (%s)' % (kind, self._redact(str(reason))), method=method, path=path)
        self._breaker.record_failure(error)
        if method not in SAFE_TO_REPEAT and not isinstance(reason, ConnectionRefusedError):
            return error, None
        return error, self._backoff(retries)

    def _http_error(self, attempt, method, path):
        error_id, message = None, None
        try:
            body = json.loads(attempt.payload.decode('utf-8'))
            if isinstance(body, dict):
                error_id, message = body.get('id'), body.get('message')
        except ValueError:
            pass
        if not message:
            message = attempt.payload[:200].decode('utf-8', 'replace').strip() or 'no error message'
        return DigitalOceanError(self._redact(message), status=attempt.status, error_id=error_id,
                                 method=method, path=path)

    def _decode(self, attempt, method, path):
        if not attempt.payload.strip():
            return None
        try:
            return json.loads(attempt.payload.decode('utf-8'))
        except ValueError as exc:
            raise DigitalOceanError('malformed JSON in the response (%s)' % exc, status=attempt.status,
                                    method=method, path=path)

    def _backoff(self, retries):
        """Equal-jitter exponential backoff: half the step is fixed, half random, so threads spread out."""
        step = min(self.backoff_cap, self.backoff_base * (2 ** retries))
        return step / 2.0 + random.uniform(0, step / 2.0)

    def _redact(self, text):
        return text.replace(self._token, '<redacted>') if self._token else text

    def _count(self, name):
        with self._stats_lock:
            self.stats[name] += 1

    def _page(self, path, key, query):
        body = self.request('GET', path, params=query).body
        if not isinstance(body, dict) or not isinstance(body.get(key), list):
            raise DigitalOceanError('unexpected response shape: no %r list in the body' % key,
                                    method='GET', path=_path_of(self._url(path, query)))
        return body

    def _pages_concurrently(self, path, key, query, page_numbers):
        def fetch(number):
            page_query = dict(query, page=number)
            return self._page(path, key, page_query)

        page_numbers = list(page_numbers)
        if not page_numbers:
            return []
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(page_numbers))) as pool:
            return list(pool.map(fetch, page_numbers))

    def _follow_next_links(self, path, key, query, page):
        """For a listing without links.pages.last or meta.total: one page after the other."""
        items = list(page[key])
        while _next_link(page):
            query = dict(query, page=int(query['page']) + 1)
            page = self._page(path, key, query)
            items.extend(page[key])
        return _unique_by_id(items)


def _lower_headers(headers):
    return dict((name.lower(), value) for name, value in (headers or {}).items())


def _path_of(url):
    parts = urlsplit(url)
    return parts.path + ('?' + parts.query if parts.query else '')


def _retry_after(headers):
    """Seconds from a Retry-After header (delta-seconds or an HTTP date), or None."""
    value = headers.get('retry-after')
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError):
        return None


def _ratelimit_reset(headers):
    """Seconds until ratelimit-reset (a Unix time) when the budget is spent, or None."""
    if headers.get('ratelimit-remaining') not in ('0', 0):
        return None
    try:
        return max(0.0, float(headers.get('ratelimit-reset')) - time.time())
    except (TypeError, ValueError):
        return None


def _last_page(body, per_page):
    """The number of the last page, from links.pages.last or meta.total; None if neither is there."""
    pages = (body.get('links') or {}).get('pages') or {}
    last = pages.get('last')
    if last:
        numbers = parse_qs(urlsplit(last).query).get('page')
        if numbers and numbers[0].isdigit():
            return int(numbers[0])
    total = (body.get('meta') or {}).get('total')
    if isinstance(total, int):
        return max(1, -(-total // per_page))
    if not pages.get('next'):
        return 1
    return None


def _next_link(body):
    return ((body.get('links') or {}).get('pages') or {}).get('next')


def _unique_by_id(items):
    """Drop an item seen on an earlier page (the listing shifted while it was read); keep order."""
    seen = set()
    unique = []
    for item in items:
        item_id = item.get('id') if isinstance(item, dict) else None
        if item_id is not None:
            if item_id in seen:
                continue
            seen.add(item_id)
        unique.append(item)
    return unique
