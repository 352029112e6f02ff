# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Cloud firewalls: GET/POST /v2/firewalls, GET/PUT/DELETE /v2/firewalls/{id}.

Like the API: PUT replaces the whole firewall, "all" ports come back as "0", icmp rules carry
no ports, a rule without sources or destinations is refused with 422, and a change is
``waiting`` before ``succeeded``.
"""

import uuid

from .droplet_lifecycle import later, not_found, unprocessable
from .router import paginate

TABLE = 'firewalls'
TARGET_KEYS = ('addresses', 'droplet_ids', 'load_balancer_uids', 'kubernetes_ids', 'tags')


def register(router):
    router.add('GET', '/firewalls', list_firewalls)
    router.add('POST', '/firewalls', create_firewall)
    router.add('GET', '/firewalls/{id}', get_firewall)
    router.add('PUT', '/firewalls/{id}', update_firewall)
    router.add('DELETE', '/firewalls/{id}', delete_firewall)


def validated_rule(rule, side):
    protocol = rule.get('protocol')
    if protocol not in ('tcp', 'udp', 'icmp'):
        raise unprocessable('protocol must be tcp, udp or icmp.')
    targets = {key: rule.get(side, {}).get(key) for key in TARGET_KEYS if (rule.get(side) or {}).get(key)}
    if not targets:
        raise unprocessable('%s rule must specify at least one of the %s.' % ('inbound' if side == 'sources' else 'outbound', side))
    result = {'protocol': protocol, side: targets}
    if protocol == 'icmp':
        result['ports'] = '0'
    else:
        ports = str(rule.get('ports') or '')
        if not ports:
            raise unprocessable('ports is required for %s rules.' % protocol)
        result['ports'] = '0' if ports == 'all' else ports
    return result


def validated(request):
    body = request.body or {}
    if not body.get('name'):
        raise unprocessable('name is required.')
    return {
        'name': body['name'],
        'inbound_rules': [validated_rule(rule, 'sources') for rule in body.get('inbound_rules') or []],
        'outbound_rules': [validated_rule(rule, 'destinations') for rule in body.get('outbound_rules') or []],
        'droplet_ids': body.get('droplet_ids') or [],
        'tags': body.get('tags') or [],
    }


def settle(store, firewall):
    def succeed():
        with store.lock:
            firewall['status'] = 'succeeded'
    later(store, 'firewall_settle_seconds', 0.1, succeed)


def firewall_or_404(request):
    firewall = request.store.table(TABLE).get(request.path_params['id'])
    if firewall is None:
        raise not_found()
    return firewall


def list_firewalls(request):
    return 200, paginate(request, list(request.store.table(TABLE).values()), 'firewalls')


def get_firewall(request):
    return 200, {'firewall': firewall_or_404(request)}


def create_firewall(request):
    firewall = validated(request)
    firewall.update(id=str(uuid.UUID(int=request.store.next_id())), status='waiting',
                    created_at='2026-12-04T10:00:00Z', pending_changes=[])
    with request.store.lock:
        request.store.table(TABLE)[firewall['id']] = firewall
    settle(request.store, firewall)
    return 202, {'firewall': firewall}


def update_firewall(request):
    firewall = firewall_or_404(request)
    replacement = validated(request)
    with request.store.lock:
        firewall.update(replacement, status='waiting')
    settle(request.store, firewall)
    return 200, {'firewall': firewall}


def delete_firewall(request):
    firewall = firewall_or_404(request)
    with request.store.lock:
        request.store.table(TABLE).pop(firewall['id'], None)
    return 204, None
