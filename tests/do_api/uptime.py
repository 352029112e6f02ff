# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Uptime checks and their alerts: /v2/uptime/checks[/{id}] and /v2/uptime/checks/{id}/alerts[/{alert_id}]."""

import uuid

from .droplet_lifecycle import not_found, unprocessable
from .router import paginate

CHECKS = 'uptime_checks'
ALERTS = 'uptime_alerts'
REGIONS = ('us_east', 'us_west', 'eu_west', 'se_asia')
ALERT_TYPES = ('latency', 'down', 'down_global', 'ssl_expiry')
PERIODS = ('2m', '3m', '5m', '10m', '15m', '30m', '1h')


def register(router):
    router.add('GET', '/uptime/checks', list_checks)
    router.add('POST', '/uptime/checks', create_check)
    router.add('GET', '/uptime/checks/{id}', get_check)
    router.add('PUT', '/uptime/checks/{id}', update_check)
    router.add('DELETE', '/uptime/checks/{id}', delete_check)
    router.add('GET', '/uptime/checks/{id}/alerts', list_alerts)
    router.add('POST', '/uptime/checks/{id}/alerts', create_alert)
    router.add('PUT', '/uptime/checks/{id}/alerts/{alert_id}', update_alert)
    router.add('DELETE', '/uptime/checks/{id}/alerts/{alert_id}', delete_alert)


def new_id(store):
    return str(uuid.UUID(int=store.next_id()))


def validated_check(body, current=None):
    merged = dict(current or {'type': 'https', 'regions': list(REGIONS), 'enabled': True})
    merged.update({key: body[key] for key in ('name', 'type', 'target', 'regions', 'enabled') if key in body})
    if not merged.get('name') or not merged.get('target'):
        raise unprocessable('name and target are required.')
    if merged['type'] not in ('ping', 'http', 'https'):
        raise unprocessable('type must be ping, http or https.')
    if merged['type'] != 'ping' and not str(merged['target']).startswith(merged['type'] + '://'):
        raise unprocessable('target must be a %s URL.' % merged['type'])
    if not merged['regions'] or any(region not in REGIONS for region in merged['regions']):
        raise unprocessable('regions must be among %s.' % ', '.join(REGIONS))
    return merged


def validated_alert(body):
    if not body.get('name') or body.get('type') not in ALERT_TYPES:
        raise unprocessable('name and a type among %s are required.' % ', '.join(ALERT_TYPES))
    if body.get('period') not in PERIODS:
        raise unprocessable('period must be one of %s.' % ', '.join(PERIODS))
    if body['type'] in ('latency', 'ssl_expiry') and not body.get('threshold'):
        raise unprocessable('threshold is required for %s alerts.' % body['type'])
    notifications = body.get('notifications') or {}
    if not notifications.get('email') and not notifications.get('slack'):
        raise unprocessable('notifications must contain at least one email or slack target.')
    return {
        'name': body['name'], 'type': body['type'], 'period': body['period'],
        'threshold': body.get('threshold', 0), 'comparison': body.get('comparison', ''),
        'notifications': {'email': list(notifications.get('email') or []), 'slack': list(notifications.get('slack') or [])},
    }


def check_or_404(request):
    check = request.store.table(CHECKS).get(request.path_params['id'])
    if check is None:
        raise not_found()
    return check


def alerts_of(store, check_id):
    return store.table(ALERTS).setdefault(check_id, {})


def list_checks(request):
    return 200, paginate(request, list(request.store.table(CHECKS).values()), 'checks')


def get_check(request):
    return 200, {'check': check_or_404(request)}


def create_check(request):
    check = validated_check(request.body or {})
    check['id'] = new_id(request.store)
    with request.store.lock:
        request.store.table(CHECKS)[check['id']] = check
    return 201, {'check': check}


def update_check(request):
    check = check_or_404(request)
    replacement = validated_check(request.body or {}, current=check)
    with request.store.lock:
        check.update(replacement)
    return 200, {'check': check}


def delete_check(request):
    check = check_or_404(request)
    with request.store.lock:
        request.store.table(CHECKS).pop(check['id'], None)
        request.store.table(ALERTS).pop(check['id'], None)
    return 204, None


def list_alerts(request):
    check = check_or_404(request)
    return 200, paginate(request, list(alerts_of(request.store, check['id']).values()), 'alerts')


def create_alert(request):
    check = check_or_404(request)
    alert = validated_alert(request.body or {})
    alert['id'] = new_id(request.store)
    with request.store.lock:
        alerts_of(request.store, check['id'])[alert['id']] = alert
    return 201, {'alert': alert}


def alert_or_404(request):
    check = check_or_404(request)
    alert = alerts_of(request.store, check['id']).get(request.path_params['alert_id'])
    if alert is None:
        raise not_found()
    return check, alert


def update_alert(request):
    _check, alert = alert_or_404(request)
    replacement = validated_alert(request.body or {})
    with request.store.lock:
        alert.update(replacement)
    return 200, {'alert': alert}


def delete_alert(request):
    check, alert = alert_or_404(request)
    with request.store.lock:
        alerts_of(request.store, check['id']).pop(alert['id'], None)
    return 204, None
