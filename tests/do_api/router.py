# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Routes of the double, the request handed to handlers, errors and DigitalOcean's page shape."""

import re
from urllib.parse import urlencode

MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 20


class ApiError(Exception):
    """Answered as DigitalOcean answers errors: {"id": ..., "message": ...}."""

    def __init__(self, status, error_id, message, headers=None):
        super().__init__(message)
        self.status = status
        self.error_id = error_id
        self.message = message
        self.headers = headers or {}


class ApiRequest:
    """What a handler sees. ``path`` is relative to /v2; ``params`` holds the first value of each."""

    def __init__(self, method, path, query, body, headers, store, base_url, path_params=None):
        self.method = method
        self.path = path
        self.query = query
        self.params = {name: values[0] for name, values in query.items()}
        self.body = body
        self.headers = headers
        self.store = store
        self.base_url = base_url
        self.path_params = path_params or {}


class Router:
    def __init__(self):
        self._routes = []

    def route(self, method, pattern):
        """Decorator: ``@router.route('GET', '/droplets/{id}')``; ``{name}`` matches one segment."""
        def register(handler):
            self.add(method, pattern, handler)
            return handler
        return register

    def add(self, method, pattern, handler):
        regex = re.compile('^' + re.sub(r'\{(\w+)\}', r'(?P<\1>[^/]+)', pattern.rstrip('/')) + '/?$')
        self._routes.append((method.upper(), regex, handler))

    def resolve(self, method, path):
        """(handler, path_params); raises ApiError 404 or 405 like the API."""
        allowed = False
        for route_method, regex, handler in self._routes:
            match = regex.match(path)
            if match:
                if route_method == method:
                    return handler, match.groupdict()
                allowed = True
        if allowed:
            raise ApiError(405, 'method_not_allowed', 'Method not allowed for this resource.')
        raise ApiError(404, 'not_found', 'The resource you were accessing could not be found.')


def paginate(request, items, key):
    """One page of ``items`` under ``key`` with links.pages and meta.total, as the API shapes it."""
    per_page = _positive_int(request.params.get('per_page'), DEFAULT_PER_PAGE, 'per_page')
    per_page = min(per_page, MAX_PER_PAGE)
    page = _positive_int(request.params.get('page'), 1, 'page')
    total = len(items)
    last = max(1, -(-total // per_page))
    start = (page - 1) * per_page
    return {
        key: items[start:start + per_page],
        'links': {'pages': _page_links(request, page, last, per_page)},
        'meta': {'total': total},
    }


def _page_links(request, page, last, per_page):
    def link(number):
        query = {name: value for name, value in request.params.items() if name not in ('page', 'per_page')}
        query.update(page=number, per_page=per_page)
        return '%s%s?%s' % (request.base_url, request.path, urlencode(query))

    links = {}
    if page > 1:
        links.update(first=link(1), prev=link(min(page - 1, last)))
    if page < last:
        links.update(next=link(page + 1), last=link(last))
    return links


def _positive_int(value, default, name):
    if value is None:
        return default
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise ApiError(400, 'bad_request', '%s must be a positive integer' % name)
    return number
