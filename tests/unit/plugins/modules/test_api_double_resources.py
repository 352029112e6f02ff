# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The double's resource endpoints the modules rely on behave like the API: asynchronous states,
422 with DigitalOcean's error body, and the API's own normalisations."""

import time

import pytest

from ansible_collections.agentc2.platform.plugins.module_utils._api import DigitalOceanClient, DigitalOceanError


@pytest.fixture
def client(do_api):
    return DigitalOceanClient(do_api.token, base_url=do_api.url, max_retries=0)


def test_a_new_droplet_is_new_then_active(client):
    created = client.post('droplets', {'name': 'web-1', 'region': 'fra1', 'size': 's-1vcpu-1gb', 'image': 'debian-13-x64'})
    assert created['droplet']['status'] == 'new'
    assert created['links']['actions'][0]['rel'] == 'create'
    deadline = time.monotonic() + 5
    while client.get('droplets/%d' % created['droplet']['id'])['droplet']['status'] != 'active':
        assert time.monotonic() < deadline
        time.sleep(0.05)


def test_invalid_input_is_a_422_with_digitaloceans_body(client):
    with pytest.raises(DigitalOceanError) as caught:
        client.post('droplets', {'name': 'web-1', 'region': 'atlantis1', 'size': 's-1vcpu-1gb', 'image': 'debian-13-x64'})
    assert (caught.value.status, caught.value.error_id, caught.value.message) == (422, 'unprocessable_entity', 'Region is not available.')
    with pytest.raises(DigitalOceanError) as caught:
        client.post('load_balancers', {'name': 'lb', 'region': 'fra1', 'forwarding_rules': [
            {'entry_protocol': 'http', 'entry_port': 80, 'target_protocol': 'http', 'target_port': 80}],
            'health_check': {'healthy_threshold': 11}})
    assert caught.value.status == 422 and 'healthy_threshold' in caught.value.message
    with pytest.raises(DigitalOceanError) as caught:
        client.post('firewalls', {'name': 'fw', 'inbound_rules': [{'protocol': 'tcp', 'ports': '22', 'sources': {}}]})
    assert caught.value.status == 422 and 'sources' in caught.value.message


def test_firewall_answers_all_ports_as_zero(client):
    firewall = client.post('firewalls', {'name': 'fw', 'inbound_rules': [
        {'protocol': 'tcp', 'ports': 'all', 'sources': {'addresses': ['0.0.0.0/0']}}]})['firewall']
    assert firewall['inbound_rules'][0]['ports'] == '0' and firewall['status'] == 'waiting'


def test_load_balancer_resolves_its_tag_to_droplet_ids_and_applies_the_apis_defaults(client, do_api):
    do_api.seed_droplets(3)
    lb = client.post('load_balancers', {'name': 'lb', 'region': 'fra1', 'tag': 'agentc2', 'forwarding_rules': [
        {'entry_protocol': 'http', 'entry_port': 80, 'target_protocol': 'http', 'target_port': 80}]})['load_balancer']
    assert lb['status'] == 'new'
    assert lb['droplet_ids'] == sorted(d['id'] for d in do_api.store.table('droplets').values())
    assert lb['health_check']['unhealthy_threshold'] == 5 and lb['health_check']['path'] == '/'


def test_untagging_is_recorded_in_the_history(client, do_api):
    (droplet,) = do_api.seed_droplets(1)
    client.post('tags', {'name': 'agentc2-lb'})
    client.post('tags/agentc2-lb/resources', {'resources': [{'resource_id': str(droplet['id']), 'resource_type': 'droplet'}]})
    client.delete('tags/agentc2-lb/resources', {'resources': [{'resource_id': str(droplet['id']), 'resource_type': 'droplet'}]})
    client.delete('droplets/%d' % droplet['id'])
    events = [(event['event'], 'agentc2-lb' in event['tags']) for event in do_api.store.table('history').values()]
    assert events == [('tag:agentc2-lb', True), ('untag:agentc2-lb', False), ('delete', False)]
