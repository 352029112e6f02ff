# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""End to end against the API double: provision.yml twice, then scale.yml out and in.

ansible-playbook runs for real (subprocess, implicit localhost, an empty inventory so that
site.yml finds no droplet to configure) with the modules talking HTTP to the double; the tests
assert what the double holds afterwards and, from its history, the order of what happened.
There is no SSH to the double's droplets, so scale.yml runs with scale_configure=false; its
health wait is pointed at a local stand-in for the droplets' /api/health.

    PYTHONPATH=.build/collections .venv/bin/pytest tests/e2e_double
"""

import http.server
import json
import os
import pathlib
import subprocess
import sys
import threading
import time
import urllib.parse

import pytest

from ansible_collections.agentc2.platform.tests.do_api import ApiDouble

ROOT = pathlib.Path(__file__).resolve().parents[2]
PLAYBOOKS = ROOT / 'playbooks'
GROUP_VARS = {
    'agentc2_alert_emails': ['ops@example.com'],
    'agentc2_ssh_allowed_addresses': ['203.0.113.0/24'],
    'agentc2_domain': 'agentc2.example.com',
    'agentc2_droplet_size': 's-2vcpu-4gb',
}
DRAIN_SECONDS = 1

pytestmark = pytest.mark.slow


class HealthStandIn:
    """/api/health of the new droplets: 503 for the first ``failures`` requests of each, then 200."""

    def __init__(self, failures):
        self.failures = failures
        self.seen = {}
        self.first_ok = {}
        stand_in = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802
                name = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query)['droplet'][0]
                stand_in.seen[name] = stand_in.seen.get(name, 0) + 1
                healthy = stand_in.failures is not None and stand_in.seen[name] > stand_in.failures
                if healthy:
                    stand_in.first_ok.setdefault(name, time.monotonic())
                self.send_response(200 if healthy else 503)
                self.send_header('Content-Length', '0')
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Handler)
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    @property
    def url(self):
        return 'http://127.0.0.1:%d/api/health?droplet={{ droplet.droplet.name }}' % self.server.server_address[1]

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope='module')
def api():
    with ApiDouble() as double:
        yield double


@pytest.fixture(scope='module')
def playbook(api, tmp_path_factory):
    inventory = tmp_path_factory.mktemp('inventory') / 'hosts.yml'
    inventory.write_text('all: {}\n')
    env = dict(os.environ, DIGITALOCEAN_TOKEN=api.token, DIGITALOCEAN_API_URL=api.url,
               ANSIBLE_COLLECTIONS_PATH=str(ROOT / '.build' / 'collections'),
               ANSIBLE_STDOUT_CALLBACK='ansible.posix.json', ANSIBLE_LOCALHOST_WARNING='false',
               ANSIBLE_INVENTORY_UNPARSED_WARNING='false', ANSIBLE_NOCOLOR='1')

    def run(name, *options, **extra_vars):
        extra = dict(GROUP_VARS, **extra_vars)
        command = [str(pathlib.Path(sys.executable).parent / 'ansible-playbook'), '-i', str(inventory),
                   str(PLAYBOOKS / name), '-e', json.dumps(extra)] + list(options)
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
        try:
            report = json.loads(done.stdout[done.stdout.index('{'):])
        except ValueError:
            pytest.fail('no JSON report from %s:\n%s\n%s' % (name, done.stdout[-3000:], done.stderr[-3000:]))
        assert api.token not in done.stdout + done.stderr
        report['rc'] = done.returncode
        report['stderr'] = done.stderr
        return report
    return run


def stats(report):
    return report['stats'].get('localhost', {})


def droplets_by_name(api):
    return {droplet['name']: droplet for droplet in api.store.table('droplets').values()}


def history(api, name):
    return [event for event in api.store.table('history').values() if event['name'] == name]


def test_provision_creates_the_whole_side(api, playbook):
    report = playbook('provision.yml')
    assert report['rc'] == 0, report['stderr']
    assert stats(report)['changed'] > 0

    droplets = droplets_by_name(api)
    assert sorted(droplets) == ['agentc2-web-01', 'agentc2-web-02']
    for droplet in droplets.values():
        assert droplet['status'] == 'active' and droplet['size_slug'] == 's-2vcpu-4gb'
        assert sorted(droplet['tags']) == ['agentc2', 'agentc2-lb'] and 'monitoring' in droplet['features']

    (lb,) = api.store.table('load_balancers').values()
    assert lb['tag'] == 'agentc2-lb' and lb['algorithm'] == 'round_robin' and lb['status'] == 'active'
    assert lb['health_check'] == {'protocol': 'http', 'port': 80, 'path': '/api/health', 'check_interval_seconds': 10,
                                  'response_timeout_seconds': 5, 'healthy_threshold': 3, 'unhealthy_threshold': 3}
    assert sorted((r['entry_port'], r['tls_passthrough']) for r in lb['forwarding_rules']) == [(80, False), (443, True)]

    (firewall,) = api.store.table('firewalls').values()
    inbound = {rule['ports']: rule['sources'] for rule in firewall['inbound_rules']}
    assert inbound == {'80': {'load_balancer_uids': [lb['id']]}, '443': {'load_balancer_uids': [lb['id']]},
                       '22': {'addresses': ['203.0.113.0/24']}}
    assert firewall['tags'] == ['agentc2']

    policies = {(p['type'], p['value'], p['window'], tuple(p['tags'])) for p in api.store.table('alert_policies').values()}
    assert policies == {('v1/insights/droplet/cpu', 70.0, '10m', ('agentc2',)),
                        ('v1/insights/droplet/memory_utilization_percent', 80.0, '10m', ('agentc2',))}

    (check,) = api.store.table('uptime_checks').values()
    assert check['target'] == 'https://agentc2.example.com/api/health'
    alerts = {a['type']: a for a in api.store.table('uptime_alerts')[check['id']].values()}
    assert set(alerts) == {'down', 'latency'} and alerts['latency']['threshold'] == 2000


def test_provision_again_changes_nothing(api, playbook):
    api.log.clear()
    report = playbook('provision.yml')
    assert report['rc'] == 0, report['stderr']
    assert stats(report)['changed'] == 0
    assert [entry for entry in api.log.entries if entry.method != 'GET'] == []
    check = playbook('provision.yml', '--check', '--diff')
    assert check['rc'] == 0 and stats(check)['changed'] == 0


def test_scale_out_joins_the_load_balancer_only_once_healthy(api, playbook):
    health = HealthStandIn(failures=2)
    try:
        report = playbook('scale.yml', droplet_count=3, scale_configure=False, scale_health_url=health.url,
                          scale_health_delay=0, scale_drain_seconds=DRAIN_SECONDS)
    finally:
        health.close()
    assert report['rc'] == 0, report['stderr']
    droplets = droplets_by_name(api)
    assert sorted(droplets) == ['agentc2-web-01', 'agentc2-web-02', 'agentc2-web-03']
    assert sorted(droplets['agentc2-web-03']['tags']) == ['agentc2', 'agentc2-lb']
    assert health.seen['agentc2-web-03'] == 3
    events = history(api, 'agentc2-web-03')
    assert [event['event'] for event in events] == ['create', 'tag:agentc2-lb']
    assert events[0]['tags'] == ['agentc2']
    assert events[1]['at'] > health.first_ok['agentc2-web-03']


def test_scale_out_fails_and_stays_out_when_never_healthy(api, playbook):
    health = HealthStandIn(failures=None)
    try:
        report = playbook('scale.yml', droplet_count=4, scale_configure=False, scale_health_url=health.url,
                          scale_health_delay=0, scale_health_retries=2)
    finally:
        health.close()
    assert report['rc'] != 0
    assert droplets_by_name(api)['agentc2-web-04']['tags'] == ['agentc2']


def test_scale_in_removes_only_drained_droplets(api, playbook):
    report = playbook('scale.yml', droplet_count=1, scale_configure=False, scale_drain_seconds=DRAIN_SECONDS)
    assert report['rc'] == 0, report['stderr']
    assert sorted(droplets_by_name(api)) == ['agentc2-web-01']
    for name in ('agentc2-web-02', 'agentc2-web-03', 'agentc2-web-04'):
        events = history(api, name)
        untagged = [e for e in events if e['event'] == 'untag:agentc2-lb']
        (deleted,) = [e for e in events if e['event'] == 'delete']
        assert 'agentc2-lb' not in deleted['tags'], '%s was deleted while in the load balancer' % name
        if untagged:
            assert deleted['at'] - untagged[-1]['at'] >= DRAIN_SECONDS
    assert droplets_by_name(api)['agentc2-web-01']['tags'] == ['agentc2', 'agentc2-lb']
    again = playbook('scale.yml', droplet_count=1, scale_configure=False, scale_drain_seconds=DRAIN_SECONDS)
    assert again['rc'] == 0 and stats(again)['changed'] == 0


def test_scale_needs_a_count(playbook):
    report = playbook('scale.yml', scale_configure=False)
    assert report['rc'] != 0
    assert 'droplet_count=N' in json.dumps(report)
