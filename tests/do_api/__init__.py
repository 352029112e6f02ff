# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""A DigitalOcean API v2 test double: a real HTTP(S) server on loopback.

    from ansible_collections.agentc2.platform.tests.do_api import ApiDouble
    with ApiDouble(https=False, latency=0.0) as api:      # ephemeral port on 127.0.0.1
        api.seed_droplets(250)                           # or api.store.table('droplets')[id] = {...}
        api.url                                          # 'http://127.0.0.1:PORT/v2'
        api.token                                        # the only Bearer token it accepts
        api.faults.script(503, count=2, path='/droplets')  # the next 2 matching requests fail
        api.log.max_in_window(60)                        # most requests started in any 60 s

Extending it: a module of this package that defines ``register(router)`` is picked up by every
server; it adds routes with ``@router.route('GET', '/load_balancers/{id}')``. A handler receives
an ``ApiRequest`` (method, path, params, body, path_params, store, base_url) and returns
``(status, body)`` or ``(status, body, headers)``, or raises ``ApiError(status, id, message)``.
``paginate(request, items, key)`` builds DigitalOcean's page shape (links.pages, meta.total).
State lives in ``request.store`` (``store.table(name)``, ``store.next_id()``, ``store.lock``).
Run it alone with ``python -m tests.do_api --droplets 10000 --latency 0.1 --port 0``.
"""

from .router import ApiError, ApiRequest, Router, paginate
from .server import ApiDouble
from .store import Store
from .faults import Faults
from .log import RequestLog

__all__ = ['ApiDouble', 'ApiError', 'ApiRequest', 'Faults', 'RequestLog', 'Router', 'Store', 'paginate']
