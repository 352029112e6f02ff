# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from ansible_collections.agentc2.platform.plugins.modules import uptime_check

ARGS = dict(name='agentc2 health', target='https://agentc2.example.com/api/health', emails=['ops@example.com'])


def params(**changes):
    base = dict(state='present', type='https', target=ARGS['target'], regions=['eu_west'], emails=['a@example.com'],
                slack=[], alerts=[dict(name='down', type='down', threshold=None, comparison='greater_than', period='2m')])
    base.update(changes)
    return base


def test_target_must_match_the_type():
    assert any('must be a https:// URL' in error for error in uptime_check.input_errors(params(target='agentc2.example.com')))


def test_latency_needs_a_threshold_and_alerts_need_someone_to_tell():
    alerts = [dict(name='slow', type='latency', threshold=None, comparison='greater_than', period='2m')]
    errors = uptime_check.input_errors(params(alerts=alerts, emails=[]))
    assert any('needs a positive threshold' in error for error in errors)
    assert any('at least one of emails or slack' in error for error in errors)


def test_alert_plan_matches_by_name():
    current = [{'id': 'a1', 'name': 'down', 'type': 'down', 'period': '2m', 'notifications': {'email': ['x'], 'slack': []}},
               {'id': 'a2', 'name': 'old', 'type': 'down', 'period': '2m', 'notifications': {'email': ['x'], 'slack': []}}]
    desired = [{'name': 'down', 'type': 'down', 'period': '5m', 'notifications': {'email': ['x'], 'slack': []}},
               {'name': 'new', 'type': 'down', 'period': '2m', 'notifications': {'email': ['x'], 'slack': []}}]
    create, update, delete = uptime_check.alert_plan(current, desired)
    assert [body['name'] for body in create] == ['new']
    assert [alert_id for alert_id, _body in update] == ['a1']
    assert delete == ['a2']


def test_default_alerts_down_and_latency_above_two_seconds(run):
    result = run(uptime_check, **ARGS)
    assert result['changed'] is True
    check = next(iter(run.api.store.table('uptime_checks').values()))
    assert check['target'] == ARGS['target'] and check['type'] == 'https'
    alerts = {alert['type']: alert for alert in run.api.store.table('uptime_alerts')[check['id']].values()}
    assert set(alerts) == {'down', 'latency'}
    assert alerts['latency']['threshold'] == 2000 and alerts['latency']['comparison'] == 'greater_than'
    assert run(uptime_check, **ARGS)['changed'] is False
    assert run(uptime_check, check_mode=True, **ARGS)['changed'] is False


def test_updates_in_place(run):
    run(uptime_check, **ARGS)
    faster = dict(ARGS, alerts=[dict(name='latency above 1 s', type='latency', threshold=1000)], regions=['eu_west'])
    result = run(uptime_check, **faster)
    assert result['changed'] is True
    checks = run.api.store.table('uptime_checks')
    assert len(checks) == 1 and next(iter(checks.values()))['regions'] == ['eu_west']
    alerts = list(run.api.store.table('uptime_alerts')[next(iter(checks))].values())
    assert [(alert['name'], alert['threshold']) for alert in alerts] == [('latency above 1 s', 1000)]
    assert run(uptime_check, **faster)['changed'] is False


def test_check_mode_and_absent(run):
    assert run(uptime_check, check_mode=True, **ARGS)['changed'] is True
    assert run.changing_requests() == []
    run(uptime_check, **ARGS)
    assert run(uptime_check, name=ARGS['name'], state='absent')['changed'] is True
    assert run.api.store.table('uptime_checks') == {}
