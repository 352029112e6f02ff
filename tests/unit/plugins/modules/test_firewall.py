# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from ansible_collections.agentc2.platform.plugins.modules import firewall

LB = 'lb-uid-1'
INBOUND = [
    dict(protocol='tcp', ports='80', sources=dict(load_balancer_uids=[LB])),
    dict(protocol='tcp', ports='443', sources=dict(load_balancer_uids=[LB])),
    dict(protocol='tcp', ports='22', sources=dict(addresses=['203.0.113.0/24', '198.51.100.7'])),
]
OUTBOUND = [
    dict(protocol='tcp', ports='all', destinations=dict(addresses=['0.0.0.0/0', '::/0'])),
    dict(protocol='udp', ports='all', destinations=dict(addresses=['0.0.0.0/0', '::/0'])),
    dict(protocol='icmp', destinations=dict(addresses=['0.0.0.0/0', '::/0'])),
]
ARGS = dict(name='agentc2-web', tags=['agentc2'], inbound_rules=INBOUND, outbound_rules=OUTBOUND)


def reordered(rules):
    """The same rules, in reverse order and with every target list reversed."""
    result = []
    for rule in reversed(rules):
        rule = dict(rule)
        for side in ('sources', 'destinations'):
            if side in rule:
                rule[side] = {key: list(reversed(value)) for key, value in rule[side].items()}
        result.append(rule)
    return result


def plain_params(**changes):
    base = dict(state='present', inbound_rules=INBOUND, outbound_rules=OUTBOUND, tags=[], droplet_ids=[])
    base.update(changes)
    return base


def test_rule_without_sources_is_refused():
    rules = [dict(protocol='tcp', ports='22', sources=dict(addresses=[]))]
    errors = firewall.input_errors(plain_params(inbound_rules=rules))
    assert errors == ['inbound rule 1 (tcp 22) has no sources: name at least one address, droplet, load balancer, cluster or tag']


def test_bad_ports_and_addresses_are_refused():
    rules = [dict(protocol='tcp', ports='90-80', sources=dict(addresses=['10.0.0.300']))]
    errors = firewall.input_errors(plain_params(inbound_rules=rules))
    assert any('outside 1-65535 or reversed' in error for error in errors)
    assert any("'10.0.0.300' is not an IP address" in error for error in errors)


def test_all_ports_spellings_compare_equal():
    api = {'name': 'f', 'inbound_rules': [{'protocol': 'tcp', 'ports': '0', 'sources': {'addresses': ['1.2.3.4']}},
                                          {'protocol': 'icmp', 'ports': '0', 'sources': {'addresses': ['1.2.3.4']}}]}
    ours = {'name': 'f', 'inbound_rules': [{'protocol': 'icmp', 'sources': {'addresses': ['1.2.3.4/32']}},
                                           {'protocol': 'tcp', 'ports': 'all', 'sources': {'addresses': ['1.2.3.4']}}]}
    assert firewall.comparable(api) == firewall.comparable(ours)


def test_create_idempotent_and_order_free(run):
    created = run(firewall, **ARGS)
    assert created['changed'] is True
    stored = next(iter(run.api.store.table('firewalls').values()))
    assert stored['tags'] == ['agentc2']
    inbound = {rule['ports']: rule['sources'] for rule in stored['inbound_rules']}
    assert inbound['80'] == {'load_balancer_uids': [LB]} and inbound['443'] == {'load_balancer_uids': [LB]}
    assert inbound['22'] == {'addresses': ['198.51.100.7/32', '203.0.113.0/24']}
    assert run(firewall, **ARGS)['changed'] is False
    shuffled = dict(ARGS, inbound_rules=reordered(INBOUND), outbound_rules=reordered(OUTBOUND))
    assert run(firewall, **shuffled)['changed'] is False
    assert run(firewall, check_mode=True, **shuffled)['changed'] is False
    assert [method for method, _path in run.changing_requests()] == ['POST']


def test_update_in_place_shows_the_diff(run):
    run(firewall, **ARGS)
    narrower = dict(ARGS, inbound_rules=INBOUND[:2] + [dict(protocol='tcp', ports='22', sources=dict(addresses=['203.0.113.0/24']))])
    result = run(firewall, **narrower)
    assert result['changed'] is True
    assert run.changing_requests()[-1][0] == 'PUT'
    ssh_before = [r for r in result['diff']['before']['inbound_rules'] if r['ports'] == '22'][0]
    ssh_after = [r for r in result['diff']['after']['inbound_rules'] if r['ports'] == '22'][0]
    assert ssh_before['sources']['addresses'] == ['198.51.100.7/32', '203.0.113.0/24']
    assert ssh_after['sources']['addresses'] == ['203.0.113.0/24']
    assert len(run.api.store.table('firewalls')) == 1


def test_check_mode_on_a_fresh_account_changes_nothing(run):
    assert run(firewall, check_mode=True, **ARGS)['changed'] is True
    assert run.changing_requests() == []


def test_rule_without_sources_fails_before_any_request(run):
    result = run(firewall, name='f', inbound_rules=[dict(protocol='tcp', ports='22', sources=dict(tags=[]))])
    assert result['failed'] is True and 'has no sources' in result['msg']
    assert run.api.log.entries == []


def test_absent(run):
    run(firewall, **ARGS)
    assert run(firewall, name='agentc2-web', state='absent')['changed'] is True
    assert run(firewall, name='agentc2-web', state='absent')['changed'] is False
    assert run.api.store.table('firewalls') == {}


def test_throttling_is_waited_out(run):
    run.api.faults.script(429, count=2, method='POST', path='/firewalls', retry_after=0)
    result = run(firewall, **ARGS)
    assert result['changed'] is True
    assert len(run.api.store.table('firewalls')) == 1
    assert run.api.log.count(method='POST', path='/firewalls', status=429) == 2
