# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""The inventory plugin, run the way users run it (ansible-inventory, ansible) against the API double."""

import json
import os
import pathlib
import subprocess
import sys

import pytest
import yaml

from ansible_collections.agentc2.platform.tests.do_api.droplets import add, make_droplet

REPO = pathlib.Path(__file__).resolve().parents[4]
BIN = pathlib.Path(sys.executable).parent


def plain(value):
    """ansible-inventory marks untrusted strings {"__ansible_unsafe": ...}; unwrap them for comparisons."""
    if isinstance(value, dict):
        if set(value) == {'__ansible_unsafe'}:
            return value['__ansible_unsafe']
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


class Run:
    def __init__(self, completed):
        self.rc = completed.returncode
        self.stdout = completed.stdout
        self.stderr = completed.stderr

    @property
    def messages(self):
        """stderr on one line: ansible-core before 2.19 wraps warnings."""
        return ' '.join(self.stderr.split())

    @property
    def inventory(self):
        return plain(json.loads(self.stdout))

    @property
    def hostvars(self):
        return self.inventory['_meta']['hostvars']

    def group(self, name):
        return set(self.inventory.get(name, {}).get('hosts', []))


@pytest.fixture
def inventory(tmp_path, do_api):
    """run(config=None, *args, filename='droplets.yml', env=None, command='ansible-inventory', source=None)"""

    def run(config=None, *args, filename='droplets.yml', env=None, command='ansible-inventory', source=None):
        if source is None:
            source = tmp_path / filename
            source.write_text(yaml.safe_dump(dict({'plugin': 'agentc2.platform.droplets'}, **(config or {}))))
        environment = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(REPO / '.build' / 'collections'),
                           DIGITALOCEAN_TOKEN=do_api.token, DIGITALOCEAN_API_URL=do_api.url,
                           ANSIBLE_INVENTORY_ENABLED='agentc2.platform.droplets',
                           ANSIBLE_INVENTORY_UNPARSED_FAILED='true', ANSIBLE_NOCOLOR='1',
                           ANSIBLE_HOME=str(tmp_path / 'ansible-home'))
        environment.update(env or {})
        arguments = list(args) or ['--list', '--export']
        completed = subprocess.run([str(BIN / command), '-i', str(source)] + arguments, env=environment,
                                   capture_output=True, text=True, timeout=600, check=False)
        return Run(completed)

    return run


# -- sizes -----------------------------------------------------------------------------------

def test_no_droplets_is_an_empty_inventory(inventory, do_api):
    result = inventory()
    assert result.rc == 0, result.stderr
    assert result.hostvars == {}


def test_one_droplet_becomes_a_host_with_address_groups_and_variables(inventory, do_api):
    add(do_api.store, [make_droplet(7, 'web-1', region=('fra1', 'Frankfurt 1'))])
    result = inventory()
    host = result.hostvars['web-1']
    assert host['ansible_host'] == '203.0.0.7'
    assert (host['do_id'], host['do_name'], host['do_region']['slug']) == (7, 'web-1', 'fra1')
    assert (host['do_public_ipv4'], host['do_private_ipv4']) == ('203.0.0.7', '10.0.0.7')
    assert set(host) >= {'do_status', 'do_size_slug', 'do_tags', 'do_networks', 'do_vpc_uuid', 'do_created_at'}
    assert 'do_image' not in host  # not in the default attributes
    assert result.group('region_fra1') == {'web-1'}
    assert all('web-1' in result.group('tag_' + tag.replace(':', '_')) for tag in host['do_tags'])


def test_address_variables_off_sets_only_the_attributes_and_ansible_host(inventory, do_api):
    add(do_api.store, [make_droplet(7, 'web-1', region=('fra1', 'Frankfurt 1'))])
    host = inventory({'address_variables': False}).hostvars['web-1']
    assert host['ansible_host'] == '203.0.0.7'
    assert not {'do_public_ipv4', 'do_private_ipv4', 'do_public_ipv6'} & set(host)
    assert 'do_networks' in host


@pytest.mark.parametrize('count', [200, 201])
def test_page_boundaries_lose_no_droplet(inventory, do_api, count):
    created = do_api.seed_droplets(count, duplicate_every=0, without_public_every=0, without_private_every=0)
    result = inventory()
    assert sorted(host['do_id'] for host in result.hostvars.values()) == [d['id'] for d in created]


def test_ten_thousand_droplets_every_one_a_host_or_a_warning(inventory, do_api):
    created = do_api.seed_droplets(10000)
    result = inventory()
    assert result.rc == 0, result.stderr
    ids = [host['do_id'] for host in result.hostvars.values()]
    no_address = [d['id'] for d in created if not d['networks']['v4'] and not d['networks']['v6']]
    assert len(ids) == len(set(ids)) == 10000 - len(no_address)
    assert set(ids) | set(no_address) == {d['id'] for d in created}
    assert '%d droplet(s) left out: no address' % len(no_address) in result.stderr
    assert '103 droplet(s) share a host name' in result.stderr
    assert do_api.log.count() == 50 and do_api.log.max_in_window(60) <= 250


# -- names -------------------------------------------------------------------------------------

def test_repeated_names_are_made_unique_deterministically(inventory, do_api):
    add(do_api.store, [make_droplet(30, 'app'), make_droplet(10, 'app'), make_droplet(20, 'app'),
                       make_droplet(40, 'app-20')])
    first, second = inventory(), inventory()
    assert first.hostvars == second.hostvars
    named = {name: host['do_id'] for name, host in first.hostvars.items()}
    assert named == {'app': 10, 'app-20': 20, 'app-30': 30, 'app-20-40': 40}
    assert '3 droplet(s) share a host name with another droplet and were renamed' in first.stderr


@pytest.mark.parametrize('hostnames, expected', [
    (['id'], '7'),
    (['name-id'], 'web-1-7'),
    (['private_ipv4'], '10.0.0.7'),
    (["do_name ~ '.' ~ do_region.slug"], 'web-1.ams3'),
    (['public_ipv4', 'name'], 'web-1'),  # no public address: the next preference
])
def test_hostnames_preferences(inventory, do_api, hostnames, expected):
    add(do_api.store, [make_droplet(7, 'web-1', public=False, region=('ams3', 'Amsterdam 3'))])
    assert list(inventory({'hostnames': hostnames}).hostvars) == [expected]


EVIL_NAME = "{{ lookup('ansible.builtin.pipe', 'touch %s') }}"


@pytest.mark.parametrize('hostnames, expected, valid', [
    (['name'], '1', 'web'),  # neither the name nor <name>-<id>: the id
    (['name', 'private_ipv4'], '10.0.0.1', 'web'),
    (['name-id', 'name'], '1', 'web-2'),
    # A legitimate expression, but its result for this droplet is not a host name.
    (["do_name ~ '.' ~ do_region.slug"], '1', 'web.nyc1'),
])
def test_a_name_that_is_not_a_host_name_is_skipped_with_a_warning(inventory, do_api, tmp_path, hostnames, expected,
                                                                  valid):
    """Older ansible-core versions template host names: a name from a hostile API must never become one."""
    marker = tmp_path / 'executed'
    add(do_api.store, [make_droplet(1, EVIL_NAME % marker), make_droplet(2, 'web')])
    result = inventory({'hostnames': hostnames})
    assert result.rc == 0, result.stderr
    assert sorted(result.hostvars) == sorted([expected, valid])
    assert result.hostvars[expected]['do_name'] == EVIL_NAME % marker
    assert '1 droplet(s) got a value from hostnames that is not a valid host name' in result.messages
    assert 'id 1:' in result.messages and '-> %s' % expected in result.messages
    assert not marker.exists()


@pytest.mark.parametrize('name', ['web/1', 'web 1', 'web{1}', 'wéb'])
def test_characters_digitalocean_does_not_allow_in_names_fall_back_to_the_id(inventory, do_api, name):
    add(do_api.store, [make_droplet(5, name)])
    result = inventory()
    assert list(result.hostvars) == ['5'] and result.hostvars['5']['do_name'] == name
    assert 'id 5: %r -> 5' % name in result.messages


def test_a_repeated_id_fallback_is_made_unique_like_any_repeated_name(inventory, do_api):
    add(do_api.store, [make_droplet(3, 'web{3}'), make_droplet(1, '3')])
    assert {name: host['do_id'] for name, host in inventory().hostvars.items()} == {'3': 1, '3-3': 3}


def test_a_droplet_id_that_is_not_a_number_is_a_clear_error(inventory, do_api):
    droplet = make_droplet(1, 'web')
    droplet['id'] = EVIL_NAME % 'x'
    add(do_api.store, [droplet])
    result = inventory()
    assert result.rc != 0 and 'Traceback' not in result.stderr
    assert '1 droplet(s) with an id that is not a number' in result.messages


# -- addresses ---------------------------------------------------------------------------------

@pytest.mark.parametrize('connect_with, public, private, expected', [
    ('public_ipv4', True, True, '203.0.0.9'),
    ('public_ipv4', False, True, '10.0.0.9'),
    ('private_ipv4', True, True, '10.0.0.9'),
    ('private_ipv4', True, False, '203.0.0.9'),
    ('public_ipv6', True, True, '2604:a880:0:0::9'),
    ('name', False, False, 'node'),
])
def test_connect_with_and_its_fallback(inventory, do_api, connect_with, public, private, expected):
    droplet = make_droplet(9, 'node', public=public, private=private)
    if connect_with == 'public_ipv6':
        droplet['networks']['v6'] = [{'ip_address': '2604:a880:0:0::9', 'netmask': 64, 'type': 'public'}]
    add(do_api.store, [droplet])
    assert inventory({'connect_with': connect_with}).hostvars['node']['ansible_host'] == expected


def test_without_fallback_a_droplet_lacking_the_address_is_left_out_with_a_warning(inventory, do_api):
    add(do_api.store, [make_droplet(1, 'has-public'), make_droplet(2, 'private-only', public=False)])
    result = inventory({'connect_fallback': False})
    assert list(result.hostvars) == ['has-public']
    assert '1 droplet(s) left out: no address for connect_with=public_ipv4' in result.stderr
    assert 'private-only (id 2)' in result.stderr


def test_a_droplet_without_any_address_is_left_out_with_a_warning(inventory, do_api):
    add(do_api.store, [make_droplet(3, 'dark', public=False, private=False)])
    result = inventory()
    assert result.rc == 0 and result.hostvars == {}
    assert 'dark (id 3)' in result.stderr


# -- selection ---------------------------------------------------------------------------------

def test_tag_name_is_filtered_by_the_api(inventory, do_api):
    do_api.seed_droplets(50)
    result = inventory({'tag_name': 'db'})
    assert result.hostvars and all('db' in host['do_tags'] for host in result.hostvars.values())
    assert [entry.query for entry in do_api.log.entries] == ['page=1&per_page=200&tag_name=db']


def test_statuses_regions_vpc_and_filters_select_droplets(inventory, do_api):
    add(do_api.store, [
        make_droplet(1, 'a', region=('nyc3', 'New York 3')),
        make_droplet(2, 'b', region=('nyc3', 'New York 3'), status='off'),
        make_droplet(3, 'c', region=('fra1', 'Frankfurt 1')),
    ])
    assert set(inventory({'statuses': ['active']}).hostvars) == {'a', 'c'}
    assert set(inventory({'regions': ['nyc3']}).hostvars) == {'a', 'b'}
    vpc = do_api.store.table('droplets')[3]['vpc_uuid']
    assert set(inventory({'vpc_uuid': vpc}).hostvars) == {'c'}
    assert set(inventory({'filters': ["do_region.slug == 'fra1' or do_status == 'off'"]}).hostvars) == {'b', 'c'}


# -- groups and constructed ----------------------------------------------------------------------

def test_tag_groups_are_sanitised_and_configurable(inventory, do_api):
    droplet = make_droplet(5, 'n')
    droplet['tags'] = ['env:prod', 'k8s.io/role']
    add(do_api.store, [droplet])
    default = inventory()
    assert default.group('tag_env_prod') == default.group('tag_k8s_io_role') == {'n'}
    custom = inventory({'tag_group_prefix': 'do', 'tag_group_separator': '__', 'region_groups': False})
    assert custom.group('do__env_prod') == {'n'}
    assert not [group for group in custom.inventory if group.startswith('region')]
    assert not [group for group in inventory({'tag_groups': False}).inventory if group.startswith('tag_')]


def test_compose_groups_and_keyed_groups(inventory, do_api):
    add(do_api.store, [make_droplet(1, 'small'), make_droplet(2, 'big')])
    do_api.store.table('droplets')[2]['memory'] = 8192
    result = inventory({
        'compose': {'ansible_user': "'deploy'", 'mem_gb': 'do_memory // 1024'},
        'groups': {'large': 'do_memory >= 8192'},
        'keyed_groups': [{'key': 'do_status', 'prefix': 'status'}],
    })
    assert result.hostvars['big']['mem_gb'] == 8 and result.hostvars['small']['ansible_user'] == 'deploy'
    assert result.group('large') == {'big'}
    assert result.group('status_active') == {'small', 'big'}


# -- safety ------------------------------------------------------------------------------------

def add_evil_droplet(do_api, tmp_path):
    """A droplet tagged evil whose name would create the returned marker file if it were templated."""
    marker = tmp_path / 'executed'
    evil = EVIL_NAME % marker
    droplet = make_droplet(1, evil)
    droplet['tags'] = ['evil']
    add(do_api.store, [droplet])
    return marker, evil


def test_values_from_the_api_are_never_templated(inventory, do_api, tmp_path):
    marker, evil = add_evil_droplet(do_api, tmp_path)
    result = inventory(None, 'tag_evil', '-m', 'ansible.builtin.debug', '-a', 'var=do_name', command='ansible')
    assert result.rc == 0, result.stdout + result.stderr
    assert evil in result.stdout
    assert not marker.exists()


# -- cache -------------------------------------------------------------------------------------

def test_cache_holds_the_raw_result_and_flush_cache_refreshes_it(inventory, do_api, tmp_path):
    do_api.seed_droplets(3)
    config = {'cache': True, 'cache_plugin': 'ansible.builtin.jsonfile',
              'cache_connection': str(tmp_path / 'cache'), 'cache_timeout': 600}
    first = inventory(config)
    assert do_api.log.count() == 1
    cached = json.loads(raw_cache_file(tmp_path / 'cache').read_text())
    if isinstance(cached, dict):  # ansible-core 2.19 wraps the serialised value
        cached = json.loads(cached['__payload__'])
    assert [d['id'] for d in cached] == sorted(first_id for first_id in do_api.store.table('droplets'))
    do_api.seed_droplets(1, seed=1, first_id=999)
    second = inventory(config)
    assert do_api.log.count() == 1 and second.hostvars == first.hostvars
    third = inventory(config, '--list', '--export', '--flush-cache')
    assert do_api.log.count() == 2 and len(third.hostvars) == 4


def raw_cache_file(directory):
    """The cache entry with the raw API result (the built hosts have their own, ending in _hosts)."""
    return next(path for path in directory.iterdir() if not path.name.endswith('_hosts'))


def cache_config(tmp_path, **options):
    return dict({'cache': True, 'cache_plugin': 'ansible.builtin.jsonfile',
                 'cache_connection': str(tmp_path / 'cache'), 'cache_timeout': 600}, **options)


def source_of_hosts(result):
    """Where the plugin's -vv timer says the hosts came from: API, cached hosts or cached API result."""
    return result.stdout.split(' s (', 1)[1].split(')', 1)[0] if ' s (' in result.stdout else result.stderr


def _json_of(result):
    """The inventory without the -vv lines ansible-inventory prints before it."""
    return plain(json.loads(result.stdout[result.stdout.index('{'):]))


def test_a_cached_run_uses_the_built_hosts_and_gives_the_same_inventory(inventory, do_api, tmp_path):
    do_api.seed_droplets(300)  # repeated names, and droplets without a public address: both warnings
    options = {'connect_fallback': False}
    uncached = inventory(options)
    first = inventory(cache_config(tmp_path, **options), '--list', '--export', '-vv')
    second = inventory(cache_config(tmp_path, **options), '--list', '--export', '-vv')
    assert do_api.log.count() == 2 * 2  # two pages for the uncached run, two to fill the cache
    assert (source_of_hosts(first), source_of_hosts(second)) == ('API', 'cached hosts')
    assert _json_of(second) == _json_of(first) == uncached.inventory
    for warning in ('share a host name with another droplet', 'left out: no address'):
        assert warning in first.stderr and warning in second.stderr


def test_changed_options_build_the_hosts_again_from_the_cached_api_result(inventory, do_api, tmp_path):
    do_api.seed_droplets(20)
    inventory(cache_config(tmp_path))
    raw = raw_cache_file(tmp_path / 'cache')
    written = raw.stat().st_mtime_ns
    changed = {'hostvars_prefix': 'droplet_', 'tag_groups': False, 'hostnames': ['name-id']}
    cached = inventory(cache_config(tmp_path, **changed), '--list', '--export', '-vv')
    assert do_api.log.count() == 1 and source_of_hosts(cached) == 'cached API result'
    assert _json_of(cached) == inventory(changed).inventory
    # Not stored: that would write the raw result again and keep it beyond cache_timeout.
    assert raw.stat().st_mtime_ns == written
    assert source_of_hosts(inventory(cache_config(tmp_path), '--list', '--export', '-vv')) == 'cached hosts'


def test_filters_are_evaluated_on_every_run_even_from_cached_hosts(inventory, do_api, tmp_path):
    add(do_api.store, [make_droplet(1, 'small'), make_droplet(2, 'big')])
    do_api.store.table('droplets')[2]['memory'] = 8192
    assert set(inventory(cache_config(tmp_path)).hostvars) == {'small', 'big'}
    result = inventory(cache_config(tmp_path, filters=['do_memory >= 8192']), '--list', '--export', '-vv')
    assert source_of_hosts(result) == 'cached hosts' and set(_json_of(result)['_meta']['hostvars']) == {'big'}


def test_hostname_expressions_keep_the_built_hosts_out_of_the_cache(inventory, do_api, tmp_path):
    """An expression may use a lookup (ansible-core 2.19 allows them), whose result must not be frozen."""
    add(do_api.store, [make_droplet(1, 'web', region=('fra1', 'Frankfurt 1'))])
    config = cache_config(tmp_path, hostnames=["do_name ~ '.' ~ do_region.slug"])
    assert list(inventory(config).hostvars) == ['web.fra1']
    assert [path.name for path in (tmp_path / 'cache').iterdir()] == [raw_cache_file(tmp_path / 'cache').name]
    cached = inventory(config, '--list', '--export', '-vv')
    assert source_of_hosts(cached) == 'cached API result' and list(_json_of(cached)['_meta']['hostvars']) == ['web.fra1']
    assert do_api.log.count() == 1


def test_flush_cache_refreshes_the_built_hosts_too(inventory, do_api, tmp_path):
    do_api.seed_droplets(2, without_public_every=0, without_private_every=0)
    inventory(cache_config(tmp_path))
    do_api.seed_droplets(1, seed=1, first_id=999)
    assert len(inventory(cache_config(tmp_path)).hostvars) == 2
    assert len(inventory(cache_config(tmp_path), '--list', '--export', '--flush-cache').hostvars) == 3
    assert len(inventory(cache_config(tmp_path)).hostvars) == 3 and do_api.log.count() == 2


def test_values_from_cached_hosts_are_never_templated(inventory, do_api, tmp_path):
    marker, evil = add_evil_droplet(do_api, tmp_path)
    inventory(cache_config(tmp_path))
    result = inventory(cache_config(tmp_path), 'tag_evil', '-m', 'ansible.builtin.debug', '-a', 'var=do_name',
                       '-vv', command='ansible')
    assert result.rc == 0, result.stdout + result.stderr
    assert 'cached hosts' in result.stdout and evil in result.stdout
    assert not marker.exists()


def test_a_changed_tag_name_reads_the_api_and_each_query_keeps_its_own_cache(inventory, do_api, tmp_path):
    add(do_api.store, [make_droplet(1, 'web'), make_droplet(2, 'db')])
    do_api.store.table('droplets')[1]['tags'] = ['role:web']
    do_api.store.table('droplets')[2]['tags'] = ['role:db']
    web = inventory(cache_config(tmp_path, tag_name='role:web'))
    db = inventory(cache_config(tmp_path, tag_name='role:db'), '--list', '--export', '-vv')
    assert list(web.hostvars) == ['web'] and list(_json_of(db)['_meta']['hostvars']) == ['db']
    assert source_of_hosts(db) == 'API' and do_api.log.count() == 2
    # Back to the first query: its own entries, raw result and hosts together, not the other query's.
    again = inventory(cache_config(tmp_path, tag_name='role:web'), '--list', '--export', '-vv')
    assert source_of_hosts(again) == 'cached hosts' and list(_json_of(again)['_meta']['hostvars']) == ['web']
    assert do_api.log.count() == 2
    names = sorted(path.name for path in (tmp_path / 'cache').iterdir())
    assert len(names) == 4 and all(name[:-len('_hosts')] in names for name in names if name.endswith('_hosts'))


def test_a_changed_api_base_url_reads_that_api(inventory, do_api, do_api_factory, tmp_path):
    other = do_api_factory()
    add(do_api.store, [make_droplet(1, 'here')])
    add(other.store, [make_droplet(2, 'there')])
    assert list(inventory(cache_config(tmp_path)).hostvars) == ['here']
    moved = inventory(cache_config(tmp_path, api_base_url=other.url))
    assert list(moved.hostvars) == ['there'] and other.log.count() == 1


def test_the_token_is_in_no_cache_key_or_entry(inventory, do_api, tmp_path):
    do_api.seed_droplets(3)
    inventory(cache_config(tmp_path))
    for entry in (tmp_path / 'cache').iterdir():
        assert do_api.token not in entry.name and do_api.token not in entry.read_text()


def test_cache_off_reads_the_api_every_time(inventory, do_api):
    do_api.seed_droplets(2)
    inventory()
    inventory()
    assert do_api.log.count() == 2


# -- configuration and errors -----------------------------------------------------------------

@pytest.mark.parametrize('filename, accepted', [
    ('droplets.yml', True), ('prod.droplets.yaml', True), ('digitalocean.yml', True), ('do.yaml', True),
    ('inventory.yml', False),
])
def test_verify_file_accepts_only_its_file_names(inventory, do_api, filename, accepted):
    add(do_api.store, [make_droplet(1, 'one')])
    result = inventory(filename=filename)
    assert (result.rc == 0 and 'one' in result.stdout) is accepted


def test_token_may_come_from_a_lookup(inventory, do_api):
    add(do_api.store, [make_droplet(1, 'one')])
    result = inventory({'api_token': "{{ lookup('ansible.builtin.env', 'MY_DO_TOKEN') }}"},
                       env={'DIGITALOCEAN_TOKEN': 'wrong', 'MY_DO_TOKEN': do_api.token})
    assert list(result.hostvars) == ['one'], result.stderr


def test_token_may_be_vaulted(inventory, do_api, tmp_path):
    add(do_api.store, [make_droplet(1, 'one')])
    password = tmp_path / 'vault-password'
    password.write_text('correct horse battery staple\n')
    encrypted = subprocess.run([str(BIN / 'ansible-vault'), 'encrypt_string', '--vault-password-file', str(password),
                                '--name', 'api_token', do_api.token], capture_output=True, text=True, check=True)
    source = tmp_path / 'vaulted.droplets.yml'
    source.write_text('plugin: agentc2.platform.droplets\n' + encrypted.stdout)
    result = inventory(None, '--list', '--export', '--vault-password-file', str(password),
                       env={'DIGITALOCEAN_TOKEN': 'wrong'}, source=source)
    assert list(result.hostvars) == ['one'], result.stderr


def test_bad_token_is_one_clear_error_without_the_token(inventory, do_api):
    result = inventory(env={'DIGITALOCEAN_TOKEN': 'dop_v1_not_the_right_one'})
    assert result.rc != 0
    assert 'HTTP 401 unauthorized: Unable to authenticate you' in result.stderr
    assert 'dop_v1_not_the_right_one' not in result.stderr + result.stdout
    assert 'Traceback' not in result.stderr


def test_missing_token_says_where_to_put_it(inventory, do_api):
    environment = {name: '' for name in ('DIGITALOCEAN_TOKEN', 'DIGITALOCEAN_ACCESS_TOKEN', 'DO_API_TOKEN',
                                         'DO_API_KEY', 'DO_OAUTH_TOKEN')}
    result = inventory(env=environment)
    assert result.rc != 0 and 'No DigitalOcean API token' in result.stderr


def test_malformed_page_is_a_clear_error_naming_the_page(inventory, do_api):
    do_api.seed_droplets(250)
    do_api.faults.script(kind='malformed', path='/droplets', after=1)
    result = inventory()
    assert result.rc != 0
    assert 'GET /v2/droplets?page=2&per_page=200: HTTP 200: malformed JSON' in result.stderr
    assert 'Traceback' not in result.stderr


def test_transient_failures_are_retried_and_the_inventory_completes(inventory, do_api):
    do_api.seed_droplets(450)
    do_api.faults.script(503, count=2, path='/droplets')
    do_api.faults.script(429, count=3, retry_after=1, path='/droplets')
    result = inventory()
    assert result.rc == 0, result.stderr
    assert len(result.hostvars) == 450 - 1  # one generated droplet has no address at all


def test_api_unreachable_is_a_clear_error(inventory, do_api):
    result = inventory(env={'DIGITALOCEAN_API_URL': 'http://127.0.0.1:9/v2'})
    assert result.rc != 0
    assert 'GET /v2/droplets?page=1&per_page=200: connection failed' in result.stderr
    assert 'circuit breaker open after 5 consecutive failures' in result.stderr


def test_an_unknown_option_is_refused_by_name(inventory, do_api):
    result = inventory({'tag': 'web'})
    assert result.rc != 0
    assert 'Unsupported parameters for (agentc2.platform.droplets) inventory plugin' in result.stderr
    assert ': tag. Supported parameters include' in result.stderr


def test_a_wrong_choice_gets_ansibles_own_validation_message(inventory, do_api):
    result = inventory({'connect_with': 'carrier_pigeon'})
    assert result.rc != 0
    assert 'carrier_pigeon' in result.stderr and 'public_ipv4' in result.stderr


def test_https_with_validate_certs_off(inventory, do_api_tls):
    add(do_api_tls.store, [make_droplet(1, 'tls')])
    tls_env = {'DIGITALOCEAN_API_URL': do_api_tls.url, 'DIGITALOCEAN_TOKEN': do_api_tls.token}
    result = inventory({'validate_certs': False}, env=tls_env)
    assert list(result.hostvars) == ['tls'], result.stderr


# -- the garbage collector -------------------------------------------------------------------

# In a process of its own: importing the plugin loads ansible-core's controller side, which changes
# how the modules tested in-process in this session report their warnings.
GC_PAUSE_PROBE = """
import gc, sys
from ansible_collections.agentc2.platform.plugins.inventory.droplets import _cyclic_gc_paused
enabled = sys.argv[1] == 'on'
(gc.enable if enabled else gc.disable)()
try:
    with _cyclic_gc_paused():
        assert not gc.isenabled()
        raise RuntimeError('a failing API read')
except RuntimeError:
    pass
assert gc.isenabled() is enabled, gc.isenabled()
print('restored')
"""


@pytest.mark.parametrize('state', ['on', 'off'])
def test_the_collector_is_paused_while_hosts_are_built_and_restored_after_an_error(state):
    probe = subprocess.run([sys.executable, '-c', GC_PAUSE_PROBE, state], capture_output=True, text=True, check=False,
                           env=dict(os.environ, PYTHONPATH=str(REPO / '.build' / 'collections')))
    assert probe.returncode == 0 and probe.stdout.strip() == 'restored', probe.stderr
