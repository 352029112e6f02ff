# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Load balancers: GET/POST /v2/load_balancers, GET/PUT/DELETE /v2/load_balancers/{id}.

PUT replaces the whole load balancer, as the API's does. A new one is ``new``, then ``active``
(``store.table('config')['load_balancer_boot_seconds']``, 0.3 s unless set). With a tag, the
answer's droplet_ids are the droplets carrying the tag at that moment. The API's own defaults
apply to what the request leaves out (among them an unhealthy threshold of 5).
"""

import uuid

from . import catalogue
from .droplet_lifecycle import later, not_found, unprocessable
from .droplets import TABLE as DROPLETS
from .router import paginate

TABLE = 'load_balancers'
ENTRY_PROTOCOLS = ('http', 'https', 'http2', 'http3', 'tcp', 'udp')
TARGET_PROTOCOLS = ('http', 'https', 'http2', 'tcp', 'udp')
HEALTH_DEFAULTS = {'protocol': 'http', 'port': 80, 'path': '/', 'check_interval_seconds': 10,
                   'response_timeout_seconds': 5, 'healthy_threshold': 3, 'unhealthy_threshold': 5}
HEALTH_RANGES = {'check_interval_seconds': (3, 300), 'response_timeout_seconds': (3, 300),
                 'healthy_threshold': (2, 10), 'unhealthy_threshold': (2, 10)}


def register(router):
    router.add('GET', '/load_balancers', list_load_balancers)
    router.add('POST', '/load_balancers', create_load_balancer)
    router.add('GET', '/load_balancers/{id}', get_load_balancer)
    router.add('PUT', '/load_balancers/{id}', update_load_balancer)
    router.add('DELETE', '/load_balancers/{id}', delete_load_balancer)


def shown(store, lb):
    """The load balancer as the API answers: tag targeting resolved to the current droplet ids."""
    answer = dict(lb)
    if lb.get('tag'):
        answer['droplet_ids'] = sorted(d['id'] for d in store.table(DROPLETS).values() if lb['tag'] in d['tags'])
    return answer


def lb_or_404(request):
    lb = request.store.table(TABLE).get(request.path_params['id'])
    if lb is None:
        raise not_found()
    return lb


def validated_rules(rules):
    if not rules:
        raise unprocessable('At least one forwarding rule is required.')
    result = []
    for rule in rules:
        if rule.get('entry_protocol') not in ENTRY_PROTOCOLS or rule.get('target_protocol') not in TARGET_PROTOCOLS:
            raise unprocessable('forwarding_rule has an invalid protocol.')
        for key in ('entry_port', 'target_port'):
            if not isinstance(rule.get(key), int) or not 1 <= rule[key] <= 65535:
                raise unprocessable('forwarding_rule %s must be between 1 and 65535.' % key)
        passthrough = bool(rule.get('tls_passthrough'))
        if passthrough and rule.get('certificate_id'):
            raise unprocessable('tls_passthrough and certificate_id cannot both be set.')
        result.append({'entry_protocol': rule['entry_protocol'], 'entry_port': rule['entry_port'],
                       'target_protocol': rule['target_protocol'], 'target_port': rule['target_port'],
                       'certificate_id': rule.get('certificate_id') or '', 'tls_passthrough': passthrough})
    return result


def validated_health_check(check):
    result = dict(HEALTH_DEFAULTS)
    result.update({key: value for key, value in (check or {}).items() if key in HEALTH_DEFAULTS})
    for key, (low, high) in HEALTH_RANGES.items():
        if not isinstance(result[key], int) or not low <= result[key] <= high:
            raise unprocessable('health_check.%s must be between %d and %d.' % (key, low, high))
    if result['protocol'] not in ('http', 'https', 'tcp'):
        raise unprocessable('health_check.protocol must be http, https or tcp.')
    if result['protocol'] != 'tcp' and not str(result['path']).startswith('/'):
        raise unprocessable('health_check.path must begin with a slash.')
    return result


def validated(request, existing=None):
    body = request.body or {}
    if not body.get('name'):
        raise unprocessable('Name is required.')
    region = catalogue.available_region(body.get('region'))
    if region is None:
        raise unprocessable('Region is not available.')
    if existing and existing['region']['slug'] != region['slug']:
        raise unprocessable('The region of a load balancer cannot be changed.')
    if body.get('tag') and body.get('droplet_ids'):
        raise unprocessable('Specify either tag or droplet_ids, not both.')
    size_unit = body.get('size_unit', 1)
    if not isinstance(size_unit, int) or not 1 <= size_unit <= 100:
        raise unprocessable('size_unit must be between 1 and 100.')
    return {
        'name': body['name'],
        'region': region,
        'size_unit': size_unit,
        'size': 'lb-small',
        'algorithm': body.get('algorithm', 'round_robin'),
        'forwarding_rules': validated_rules(body.get('forwarding_rules')),
        'health_check': validated_health_check(body.get('health_check')),
        'sticky_sessions': body.get('sticky_sessions') or {'type': 'none'},
        'redirect_http_to_https': bool(body.get('redirect_http_to_https')),
        'enable_proxy_protocol': bool(body.get('enable_proxy_protocol')),
        'enable_backend_keepalive': bool(body.get('enable_backend_keepalive')),
        'http_idle_timeout_seconds': body.get('http_idle_timeout_seconds', 60),
        'tag': body.get('tag') or '',
        'droplet_ids': sorted(body.get('droplet_ids') or []),
        'vpc_uuid': body.get('vpc_uuid') or (existing or {}).get('vpc_uuid') or '5a4981aa-0004-4b3e-9a6b-00000000a9c0',
        'disable_lets_encrypt_dns_records': False,
    }


def list_load_balancers(request):
    lbs = [shown(request.store, lb) for lb in request.store.table(TABLE).values()]
    return 200, paginate(request, lbs, 'load_balancers')


def get_load_balancer(request):
    return 200, {'load_balancer': shown(request.store, lb_or_404(request))}


def create_load_balancer(request):
    lb = validated(request)
    store = request.store
    number = store.next_id()
    lb.update(id=str(uuid.UUID(int=number)), ip='', status='new', created_at='2026-12-04T10:00:00Z')
    with store.lock:
        store.table(TABLE)[lb['id']] = lb

    def activate():
        with store.lock:
            lb.update(status='active', ip='45.55.%d.%d' % (number >> 8 & 255, number & 255))
    later(store, 'load_balancer_boot_seconds', 0.3, activate)
    return 202, {'load_balancer': shown(store, lb)}


def update_load_balancer(request):
    lb = lb_or_404(request)
    replacement = validated(request, existing=lb)
    with request.store.lock:
        for key in ('tag', 'droplet_ids'):
            lb.pop(key, None)
        lb.update(replacement)
    return 200, {'load_balancer': shown(request.store, lb)}


def delete_load_balancer(request):
    lb = lb_or_404(request)
    with request.store.lock:
        request.store.table(TABLE).pop(lb['id'], None)
    return 204, None
