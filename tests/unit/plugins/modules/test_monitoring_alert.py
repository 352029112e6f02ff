# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import pytest

from ansible_collections.agentc2.platform.plugins.modules import monitoring_alert

CPU = dict(description='agentc2 CPU above 70% for 10 minutes', type='v1/insights/droplet/cpu', compare='GreaterThan',
           value=70, window='10m', tags=['agentc2'], emails=['ops@example.com'])
WEBHOOK = 'https://hooks.slack.com/services/T000/B000/secret-part'


def params(**changes):
    base = dict(state='present', type='v1/insights/droplet/cpu', value=70, emails=['ops@example.com'], slack=[])
    base.update(changes)
    return base


@pytest.mark.parametrize('changes, message', [
    (dict(value=170), 'between 0 and 100'),
    (dict(emails=[], slack=[]), 'at least one of emails or slack'),
    (dict(slack=[dict(channel='#ops', url='http://hooks.example.com/x')]), 'must be https'),
    (dict(value=None), 'value is required'),
])
def test_input_errors(changes, message):
    assert any(message in error for error in monitoring_alert.input_errors(params(**changes)))


def test_every_type_in_the_documentation_is_accepted():
    assert 'v1/insights/droplet/memory_utilization_percent' in monitoring_alert.DOCUMENTED_TYPES
    assert monitoring_alert.DOCUMENTED_TYPES.count('v1/insights/droplet/cpu') == 1
    assert len(monitoring_alert.DOCUMENTED_TYPES) == len(set(monitoring_alert.DOCUMENTED_TYPES))


def test_created_once_updated_in_place_never_duplicated(run):
    assert run(monitoring_alert, **CPU)['changed'] is True
    assert run(monitoring_alert, **CPU)['changed'] is False
    updated = run(monitoring_alert, **dict(CPU, value=75, emails=['ops@example.com', 'oncall@example.com']))
    assert updated['changed'] is True
    assert updated['diff']['before']['value'] == 70.0 and updated['diff']['after']['value'] == 75.0
    policies = list(run.api.store.table('alert_policies').values())
    assert len(policies) == 1
    assert policies[0]['value'] == 75.0 and sorted(policies[0]['alerts']['email']) == ['oncall@example.com', 'ops@example.com']
    assert [method for method, _path in run.changing_requests()] == ['POST', 'PUT']


def test_email_and_slack_are_independent_and_the_webhook_never_shows(run):
    slack_only = dict(CPU, emails=[], slack=[dict(channel='#ops', url=WEBHOOK)])
    result = run(monitoring_alert, **slack_only)
    assert result['changed'] is True
    stored = next(iter(run.api.store.table('alert_policies').values()))
    assert stored['alerts'] == {'email': [], 'slack': [{'channel': '#ops', 'url': WEBHOOK}]}
    assert 'secret-part' not in str(result)
    assert run(monitoring_alert, **slack_only)['changed'] is False


def test_existing_duplicates_are_merged_into_one(run):
    run(monitoring_alert, **CPU)
    table = run.api.store.table('alert_policies')
    original = next(iter(table.values()))
    table['dup-uuid'] = dict(original, uuid='dup-uuid')
    result = run(monitoring_alert, **CPU)
    assert result['changed'] is True
    assert 'share the description' in str(result['warnings'])  # 2.19 structures warnings
    assert list(table) == [original['uuid']]


def test_check_mode(run):
    assert run(monitoring_alert, check_mode=True, **CPU)['changed'] is True
    assert run.changing_requests() == []


def test_absent(run):
    run(monitoring_alert, **CPU)
    assert run(monitoring_alert, description=CPU['description'], state='absent')['changed'] is True
    assert run.api.store.table('alert_policies') == {}
    assert run(monitoring_alert, description=CPU['description'], state='absent')['changed'] is False
