# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

import pytest

from ansible_collections.agentc2.platform.plugins.modules import load_balancer

SEED = dict(name='agentc2-lb', region='fra1', tag='agentc2-lb')


def params(**changes):
    base = dict(state='present', region='fra1', size_unit=1, tag='agentc2-lb', droplet_ids=None,
                forwarding_rules=[
                    dict(entry_protocol='http', entry_port=80, target_protocol='http', target_port=80, tls_passthrough=False),
                    dict(entry_protocol='https', entry_port=443, target_protocol='https', target_port=443, tls_passthrough=True)],
                health_check={})
    base.update(changes)
    return base


@pytest.mark.parametrize('check, message', [
    (dict(path='api/health'), "health_check.path must start with '/'"),
    (dict(check_interval_seconds=2), 'health_check.check_interval_seconds must be between 3 and 300'),
    (dict(response_timeout_seconds=301), 'health_check.response_timeout_seconds must be between 3 and 300'),
    (dict(healthy_threshold=1), 'health_check.healthy_threshold must be between 2 and 10'),
    (dict(unhealthy_threshold=11), 'health_check.unhealthy_threshold must be between 2 and 10'),
])
def test_input_errors_name_the_bad_health_check_value(check, message):
    errors = load_balancer.input_errors(params(health_check=check))
    assert any(message in error for error in errors), errors


def test_tls_passthrough_needs_https_on_both_sides():
    rules = [dict(entry_protocol='http', entry_port=443, target_protocol='https', target_port=443, tls_passthrough=True)]
    assert any('tls_passthrough needs' in error for error in load_balancer.input_errors(params(forwarding_rules=rules)))


def test_https_entry_without_certificate_or_passthrough_is_refused():
    rules = [dict(entry_protocol='https', entry_port=443, target_protocol='http', target_port=80, tls_passthrough=False)]
    assert any('needs certificate_id' in error for error in load_balancer.input_errors(params(forwarding_rules=rules)))


def test_the_seed_values_pass_validation():
    assert load_balancer.input_errors(params()) == []


def test_rule_order_and_unset_defaults_compare_equal():
    body = load_balancer.desired_body(dict(params(), name='lb', algorithm='round_robin', redirect_http_to_https=False,
                                           enable_proxy_protocol=False, enable_backend_keepalive=False, vpc_uuid=None))
    api_view = dict(body, region={'slug': 'fra1'}, forwarding_rules=list(reversed(body['forwarding_rules'])),
                    droplet_ids=[5, 3], status='active', id='x')
    for rule in api_view['forwarding_rules']:
        rule['certificate_id'] = ''
    assert load_balancer.comparable(api_view) == load_balancer.comparable(body)


def test_create_then_idempotent_then_update_in_place(run):
    created = run(load_balancer, **SEED)
    assert created['changed'] is True
    lb = created['load_balancer']
    assert lb['status'] == 'active'
    assert lb['health_check'] == dict(protocol='http', port=80, path='/api/health', check_interval_seconds=10,
                                      response_timeout_seconds=5, healthy_threshold=3, unhealthy_threshold=3)
    assert {r['entry_port']: r['tls_passthrough'] for r in lb['forwarding_rules']} == {80: False, 443: True}
    assert lb['algorithm'] == 'round_robin' and lb['tag'] == 'agentc2-lb'

    again = run(load_balancer, **SEED)
    assert again['changed'] is False
    assert run(load_balancer, check_mode=True, **SEED)['changed'] is False

    updated = run(load_balancer, health_check=dict(unhealthy_threshold=4), **SEED)
    assert updated['changed'] is True
    assert updated['load_balancer']['id'] == lb['id']
    assert updated['load_balancer']['health_check']['unhealthy_threshold'] == 4
    assert updated['diff']['before']['health_check']['unhealthy_threshold'] == 3
    assert updated['diff']['after']['health_check']['unhealthy_threshold'] == 4
    assert [method for method, _path in run.changing_requests()] == ['POST', 'PUT']
    assert len(run.api.store.table('load_balancers')) == 1


def test_check_mode_reports_change_and_changes_nothing(run):
    result = run(load_balancer, check_mode=True, **SEED)
    assert result['changed'] is True
    assert result['diff']['before'] == {} and result['diff']['after']['name'] == 'agentc2-lb'
    assert run.changing_requests() == []


def test_bad_path_fails_before_any_request(run):
    result = run(load_balancer, health_check=dict(path='api/health'), **SEED)
    assert result['failed'] is True
    assert "health_check.path must start with '/'" in result['msg']
    assert run.api.log.entries == []


def test_unknown_region_fails_before_any_change(run):
    result = run(load_balancer, name='lb', region='atlantis1', tag='x')
    assert result['failed'] is True
    assert "unknown or unavailable region 'atlantis1'" in result['msg']
    assert run.changing_requests() == []


def test_region_cannot_change_in_place(run):
    run(load_balancer, **SEED)
    result = run(load_balancer, name='agentc2-lb', region='ams3', tag='agentc2-lb')
    assert result['failed'] is True and 'cannot move' in result['msg']


def test_absent_deletes_then_is_idempotent(run):
    run(load_balancer, **SEED)
    assert run(load_balancer, name='agentc2-lb', state='absent')['changed'] is True
    assert run.api.store.table('load_balancers') == {}
    assert run(load_balancer, name='agentc2-lb', state='absent')['changed'] is False


def test_duplicate_names_fail_instead_of_guessing(run):
    run(load_balancer, **SEED)
    lb = dict(next(iter(run.api.store.table('load_balancers').values())), id='other-id')
    run.api.store.table('load_balancers')['other-id'] = lb
    result = run(load_balancer, **SEED)
    assert result['failed'] is True and '2 load balancer resources are named' in result['msg']


def test_api_error_reaches_the_user_with_its_message_and_without_token(run):
    run.api.faults.script(422, count=1, method='POST', path='/load_balancers')
    result = run(load_balancer, **SEED)
    assert result['failed'] is True
    assert "load balancer 'agentc2-lb'" in result['msg'] and 'HTTP 422' in result['msg']
    assert run.api.token not in str(result)


def test_a_server_error_on_create_is_reported_not_sent_twice(run):
    # A POST answered by a 5xx may already have created the load balancer: sending it again could
    # make a second one, so the error reaches the user, with the resource named.
    run.api.faults.script(503, count=1, method='POST', path='/load_balancers')
    result = run(load_balancer, **SEED)
    assert result['failed'] is True
    assert "load balancer 'agentc2-lb'" in result['msg'] and 'HTTP 503' in result['msg']
    assert run.api.log.count(method='POST') == 1


def test_server_errors_on_reads_are_retried(run):
    run.api.faults.script(503, count=1, method='GET', path='/load_balancers')
    result = run(load_balancer, **SEED)
    assert result['changed'] is True
    assert len(run.api.store.table('load_balancers')) == 1


def test_a_load_balancer_sized_by_slug_is_not_changed_for_size_unit(run):
    created = run(load_balancer, **SEED)
    del run.api.store.table('load_balancers')[created['load_balancer']['id']]['size_unit']
    assert run(load_balancer, **SEED)['changed'] is False
