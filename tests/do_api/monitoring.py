# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Monitoring alert policies: GET/POST /v2/monitoring/alerts, GET/PUT/DELETE /v2/monitoring/alerts/{uuid}.

Like the API, nothing stops two policies from sharing a description: duplicates are possible,
which is what the module must never produce.
"""

import uuid

from .droplet_lifecycle import not_found, unprocessable
from .router import paginate

TABLE = 'alert_policies'
WINDOWS = ('5m', '10m', '30m', '1h')
TYPE_PREFIXES = ('v1/insights/droplet/', 'v1/insights/lbaas/', 'v1/dbaas/alerts/')


def register(router):
    router.add('GET', '/monitoring/alerts', list_policies)
    router.add('POST', '/monitoring/alerts', create_policy)
    router.add('GET', '/monitoring/alerts/{uuid}', get_policy)
    router.add('PUT', '/monitoring/alerts/{uuid}', update_policy)
    router.add('DELETE', '/monitoring/alerts/{uuid}', delete_policy)


def validated(request):
    body = request.body or {}
    for key in ('alerts', 'compare', 'description', 'enabled', 'entities', 'tags', 'type', 'value', 'window'):
        if key not in body:
            raise unprocessable('%s is required.' % key)
    if not str(body['type']).startswith(TYPE_PREFIXES):
        raise unprocessable('type %r is not a supported alert type.' % body['type'])
    if body['compare'] not in ('GreaterThan', 'LessThan'):
        raise unprocessable('compare must be GreaterThan or LessThan.')
    if body['window'] not in WINDOWS:
        raise unprocessable('window must be one of %s.' % ', '.join(WINDOWS))
    if not isinstance(body['value'], (int, float)):
        raise unprocessable('value must be a number.')
    alerts = body['alerts'] or {}
    if not alerts.get('email') and not alerts.get('slack'):
        raise unprocessable('alerts must contain at least one email or slack notification.')
    return {
        'alerts': {'email': list(alerts.get('email') or []), 'slack': list(alerts.get('slack') or [])},
        'compare': body['compare'], 'description': body['description'], 'enabled': bool(body['enabled']),
        'entities': [str(entity) for entity in body['entities']], 'tags': list(body['tags']),
        'type': body['type'], 'value': float(body['value']), 'window': body['window'],
    }


def policy_or_404(request):
    policy = request.store.table(TABLE).get(request.path_params['uuid'])
    if policy is None:
        raise not_found()
    return policy


def list_policies(request):
    return 200, paginate(request, list(request.store.table(TABLE).values()), 'policies')


def get_policy(request):
    return 200, {'policy': policy_or_404(request)}


def create_policy(request):
    policy = validated(request)
    policy['uuid'] = str(uuid.UUID(int=request.store.next_id()))
    with request.store.lock:
        request.store.table(TABLE)[policy['uuid']] = policy
    return 200, {'policy': policy}


def update_policy(request):
    policy = policy_or_404(request)
    replacement = validated(request)
    with request.store.lock:
        policy.update(replacement)
    return 200, {'policy': policy}


def delete_policy(request):
    policy = policy_or_404(request)
    with request.store.lock:
        request.store.table(TABLE).pop(policy['uuid'], None)
    return 204, None
