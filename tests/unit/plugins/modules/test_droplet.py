# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

from ansible_collections.agentc2.platform.plugins.modules import droplet

ARGS = dict(name='agentc2-web-01', region='fra1', size='s-2vcpu-4gb', image='debian-13-x64',
            tags=['agentc2', 'agentc2-lb'], ssh_keys=['aa:bb'])


def test_addresses_from_networks():
    networks = {'v4': [{'ip_address': '10.0.0.2', 'type': 'private'}, {'ip_address': '203.0.113.2', 'type': 'public'}],
                'v6': [{'ip_address': '2001:db8::2', 'type': 'public'}]}
    assert droplet.addresses({'networks': networks}) == {
        'private_ipv4': '10.0.0.2', 'public_ipv4': '203.0.113.2', 'public_ipv6': '2001:db8::2'}


def test_tag_plan():
    assert droplet.tag_plan(['a', 'b'], ['b', 'c']) == (['c'], ['a'])


def test_create_waits_for_active_and_returns_addresses(run):
    result = run(droplet, **ARGS)
    assert result['changed'] is True
    assert result['droplet']['status'] == 'active'
    assert result['public_ipv4'] and result['private_ipv4']
    stored = run.api.store.table('droplets')[result['droplet']['id']]
    assert stored['tags'] == ['agentc2', 'agentc2-lb'] and 'monitoring' in stored['features']
    assert run(droplet, **ARGS)['changed'] is False
    assert run(droplet, check_mode=True, **ARGS)['changed'] is False


def test_tags_reconciled(run):
    created = run(droplet, **ARGS)
    result = run(droplet, **dict(ARGS, tags=['agentc2', 'canary']))
    assert result['changed'] is True
    assert result['diff']['before']['tags'] == ['agentc2', 'agentc2-lb']
    assert result['diff']['after']['tags'] == ['agentc2', 'canary']
    assert run.api.store.table('droplets')[created['droplet']['id']]['tags'] == ['agentc2', 'canary']


def test_unknown_region_and_size_fail_before_any_change(run):
    result = run(droplet, **dict(ARGS, region='atlantis1'))
    assert result['failed'] is True and "unknown or unavailable region 'atlantis1'" in result['msg']
    result = run(droplet, **dict(ARGS, size='s-64vcpu-1tb'))
    assert result['failed'] is True and "unknown size 's-64vcpu-1tb'" in result['msg']
    result = run(droplet, **dict(ARGS, region='nyc2'))
    assert result['failed'] is True and "unavailable region 'nyc2'" in result['msg']
    assert run.changing_requests() == []


def test_resize_only_when_allowed(run):
    created = run(droplet, **ARGS)
    refused = run(droplet, **dict(ARGS, size='s-4vcpu-8gb'))
    assert refused['failed'] is True and 'set allow_resize' in refused['msg']
    resized = run(droplet, **dict(ARGS, size='s-4vcpu-8gb', allow_resize=True))
    assert resized['changed'] is True
    assert resized['droplet']['size_slug'] == 's-4vcpu-8gb' and resized['droplet']['status'] == 'active'
    actions = [path for method, path in run.changing_requests() if path.endswith('/actions')]
    assert actions == ['/droplets/%d/actions' % created['droplet']['id']] * 3


def test_shared_name_fails(run):
    run(droplet, **ARGS)
    twin = dict(next(iter(run.api.store.table('droplets').values())), id=1)
    run.api.store.table('droplets')[1] = twin
    result = run(droplet, **ARGS)
    assert result['failed'] is True and '2 droplet resources are named' in result['msg']


def test_absent_and_check_mode(run):
    assert run(droplet, check_mode=True, **ARGS)['changed'] is True
    assert run.changing_requests() == []
    run(droplet, **ARGS)
    assert run(droplet, name=ARGS['name'], state='absent')['changed'] is True
    assert run.api.store.table('droplets') == {}
    assert run(droplet, name=ARGS['name'], state='absent')['changed'] is False


def test_a_droplet_powered_off_on_purpose_is_not_waited_for(run):
    created = run(droplet, **ARGS)
    run.api.store.table('droplets')[created['droplet']['id']]['status'] = 'off'
    result = run(droplet, wait_timeout=1, **ARGS)
    assert result['changed'] is False and result['droplet']['status'] == 'off'


def test_the_apis_own_422_reaches_the_user_naming_the_droplet(run):
    result = run(droplet, **dict(ARGS, image='windows-95'))
    assert result['failed'] is True
    assert result['msg'].startswith("droplet 'agentc2-web-01': POST /v2/droplets: HTTP 422 unprocessable_entity:")
    assert 'You specified an invalid image for Droplet creation.' in result['msg']
    assert run.api.token not in str(result)
