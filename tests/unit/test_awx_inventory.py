# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""inventory/digitalocean.yml as an AWX inventory source: ansible-runner's get_inventory with
export, the token injected as DIGITALOCEAN_TOKEN the way the credential type in docs/awx.md does."""

import json
import os
import pathlib
import sys

import ansible_runner

from ansible_collections.agentc2.platform.tests.do_api.droplets import add, make_droplet

REPO = pathlib.Path(__file__).resolve().parents[2]


def awx_inventory_update(tmp_path, api, monkeypatch, token=None):
    # ansible-runner looks ansible-inventory up on PATH, as in an execution environment.
    monkeypatch.setenv('PATH', os.pathsep.join([os.path.dirname(sys.executable), os.environ.get('PATH', '')]))
    output, error = ansible_runner.get_inventory(
        action='list',
        inventories=[str(REPO / 'inventory' / 'digitalocean.yml')],
        response_format='json',
        export=True,
        private_data_dir=str(tmp_path / 'runner'),
        envvars={
            'DIGITALOCEAN_TOKEN': token or api.token,
            'DIGITALOCEAN_API_URL': api.url,
            'ANSIBLE_COLLECTIONS_PATH': str(REPO / '.build' / 'collections'),
            'ANSIBLE_INVENTORY_UNPARSED_FAILED': 'True',
            'ANSIBLE_HOME': str(tmp_path / 'ansible-home'),
        },
        quiet=True,
    )
    return output, error


def test_awx_inventory_update_lists_agentc2_droplets(tmp_path, do_api, monkeypatch):
    web = make_droplet(11, 'agentc2-web-1', region=('fra1', 'Frankfurt 1'))
    web['tags'] = ['agentc2', 'web']
    vpc_only = make_droplet(12, 'agentc2-web-2', public=False, region=('fra1', 'Frankfurt 1'))
    vpc_only['tags'] = ['agentc2', 'web']
    stopped = make_droplet(13, 'agentc2-old', status='off')
    stopped['tags'] = ['agentc2']
    other = make_droplet(14, 'someone-else')
    other['tags'] = ['unrelated']
    add(do_api.store, [web, vpc_only, stopped, other])

    output, error = awx_inventory_update(tmp_path, do_api, monkeypatch)
    inventory = output if isinstance(output, dict) else json.loads(output)

    hostvars = inventory['_meta']['hostvars']
    assert set(hostvars) == {'agentc2-web-1', 'agentc2-web-2'}, error
    assert set(inventory['droplets']['hosts']) == {'agentc2-web-1', 'agentc2-web-2'}
    assert set(inventory['tag_web']['hosts']) == set(inventory['region_fra1']['hosts']) == set(hostvars)
    assert _plain(hostvars['agentc2-web-1']['ansible_host']) == '203.0.0.11'
    assert _plain(hostvars['agentc2-web-2']['ansible_host']) == '10.0.0.12'
    assert [entry.query for entry in do_api.log.entries] == ['page=1&per_page=200&tag_name=agentc2']


def test_awx_inventory_update_fails_clearly_with_a_bad_token(tmp_path, do_api, monkeypatch):
    output, error = awx_inventory_update(tmp_path, do_api, monkeypatch, token='dop_v1_revoked')
    assert 'HTTP 401 unauthorized' in error
    assert 'dop_v1_revoked' not in error + str(output)
    assert 'Traceback' not in error and not output


def _plain(value):
    return value['__ansible_unsafe'] if isinstance(value, dict) else value
