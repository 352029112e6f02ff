# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Inventory benchmark (make bench-inventory): agentc2.platform.droplets against the floor and
community.digitalocean, 10,000 droplets behind 100 ms of API latency (the API test double).

The floor is a trivial plugin (bench/plugins/inventory/floor.py) that loads the very hosts, groups
and variables our plugin produced from a local JSON file: no network, no templating. Everything
else is what a user pays: a fresh `ansible-inventory --list` or `ansible all --list-hosts` process.
Prints wall time, CPU time and peak memory per run, the ratios, the requests in any 60 s, and
whether the targets of issue 3 are met. Nothing is asserted: the machine's load moves wall times.

Plugin time, for the cached run: the plugin's parse() less the time ansible-core's inventory calls
take to store the hosts, variables and groups, both from the plugin's -vv timer. That storing is
what the floor measures (about 6 s for 10,000 hosts with ansible-core 2.19, which copies every value
it is given), and what every plugin pays for the same inventory.
"""

import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile
import time

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.do_api import ApiDouble  # noqa: E402  (the repository root is only now on the path)

BIN = pathlib.Path(sys.executable).parent
# The plugin's default attributes, given explicitly to every plugin.
ATTRIBUTES = ['id', 'name', 'status', 'region', 'size_slug', 'memory', 'vcpus', 'disk', 'tags', 'networks',
              'vpc_uuid', 'created_at']
TARGETS = {'list_vs_floor': 1.3, 'list_vs_community': 2.5, 'list_hosts_vs_community': 4.0, 'cached_plugin_s': 2.0}


class Measured:
    def __init__(self, wall, cpu, peak_mib, output, requests=0, most_per_minute=0, exported=''):
        self.exported = exported
        self.wall = wall
        self.cpu = cpu
        self.peak_mib = peak_mib
        self.output = output
        self.requests = requests
        self.most_per_minute = most_per_minute


def run(command, env, api=None):
    """Run one ansible process; wall time, its CPU time and peak RSS (from wait4), its output."""
    if api is not None:
        api.log.clear()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=err)
        _pid, status, usage = os.wait4(process.pid, 0)
        wall = time.monotonic() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        output = out.read().decode('utf-8', 'replace')
        errors = err.read().decode('utf-8', 'replace')
    if process.returncode != 0:
        raise SystemExit('failed (%d): %s\n%s' % (process.returncode, ' '.join(command), errors[-3000:]))
    requests = api.log.count() if api is not None else 0
    most = api.log.max_in_window(60) if api is not None else 0
    return Measured(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024.0, output + errors, requests,
                    most, exported=output)


def best_of(repeat, command, env, api=None):
    """The median run by wall time (repeat is odd in practice: 1 or 3)."""
    runs = sorted((run(command, env, api) for _repeat in range(repeat)), key=lambda measured: measured.wall)
    return runs[len(runs) // 2]


def environment(work, api, enabled):
    env = dict(os.environ)
    env.update(
        ANSIBLE_COLLECTIONS_PATH=str(REPO / '.build' / 'collections'),
        ANSIBLE_INVENTORY_PLUGINS=str(REPO / 'bench' / 'plugins' / 'inventory'),
        ANSIBLE_INVENTORY_ENABLED=enabled,
        ANSIBLE_INVENTORY_UNPARSED_FAILED='true',
        ANSIBLE_HOME=str(work / 'ansible-home'),
        ANSIBLE_DEPRECATION_WARNINGS='false',
        DIGITALOCEAN_TOKEN=api.token,
        DIGITALOCEAN_API_URL=api.url,
        PATH=os.pathsep.join([str(BIN), os.environ.get('PATH', '')]),
    )
    return env


def write_sources(work, api):
    """Equivalent configurations: ansible_host from the public IPv4, groups from tags and regions,
    the same attributes under the same prefix."""
    # community.digitalocean sets no address variables beside the attributes: neither do we here.
    ours = work / 'bench.droplets.yml'
    ours.write_text(json.dumps({'plugin': 'agentc2.platform.droplets', 'attributes': ATTRIBUTES,
                                'address_variables': False}))
    cached = work / 'cached.droplets.yml'
    cached.write_text(json.dumps({'plugin': 'agentc2.platform.droplets', 'attributes': ATTRIBUTES,
                                  'address_variables': False, 'cache': True,
                                  'cache_plugin': 'ansible.builtin.jsonfile',
                                  'cache_connection': str(work / 'cache'), 'cache_timeout': 3600}))
    community = work / 'bench.digitalocean.yml'
    community.write_text(json.dumps({
        'plugin': 'community.digitalocean.digitalocean',
        'oauth_token': api.token,
        'baseurl': api.url,
        'attributes': ATTRIBUTES,
        'var_prefix': 'do_',
        'compose': {'ansible_host': "do_networks.v4 | selectattr('type', 'eq', 'public')"
                                    " | map(attribute='ip_address') | first"},
        'keyed_groups': [{'key': 'do_tags', 'prefix': 'tag', 'separator': '_'},
                         {'key': 'do_region.slug', 'prefix': 'region', 'separator': '_'}],
    }))
    return ours, cached, community


def write_floor(work, exported):
    """The floor's input: exactly the hosts, variables and groups our plugin produced."""
    inventory = _plain(json.loads(exported))
    groups = {name: group.get('hosts', []) for name, group in inventory.items()
              if name != '_meta' and group.get('hosts')}
    floor = work / 'bench.floor.json'
    floor.write_text(json.dumps({'hostvars': inventory['_meta']['hostvars'], 'groups': groups}))
    return floor


def _plain(value):
    if isinstance(value, dict):
        if set(value) == {'__ansible_unsafe'}:
            return value['__ansible_unsafe']
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def community_installed(env):
    found = subprocess.run([str(BIN / 'ansible-doc'), '-t', 'inventory', '--list'], env=env,
                           capture_output=True, text=True, check=False)
    return 'community.digitalocean.digitalocean' in found.stdout


class Timer:
    """A plugin's own -vv timer: seconds reading, seconds building the hosts and, of those, seconds
    inside ansible-core's inventory calls (add_host, set_variable, add_group, add_child)."""

    PATTERN = re.compile(r'(?:droplets|hosts) read in ([\d.]+) s(?: \(([^)]*)\))?, hosts built in ([\d.]+) s'
                         r'(?: \(([\d.]+) s of it ansible-core)?')

    def __init__(self, output):
        match = self.PATTERN.search(output)
        nan = float('nan')
        self.read, self.source, self.built, self.core = (
            (float(match.group(1)), match.group(2) or '', float(match.group(3)), float(match.group(4) or nan))
            if match else (nan, '', nan, nan))

    @property
    def parse(self):
        """All of parse() after reading the configuration."""
        return self.read + self.built

    @property
    def plugin(self):
        """parse() less what ansible-core takes to store the hosts, variables and groups: the part
        a plugin can make faster. The floor pays that part too."""
        return self.parse - self.core


def inventory_list(source):
    return [str(BIN / 'ansible-inventory'), '-i', str(source), '--list']


def list_hosts(source, *extra):
    return [str(BIN / 'ansible'), 'all', '-i', str(source), '--list-hosts'] + list(extra)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--droplets', type=int, default=10000)
    parser.add_argument('--latency', type=float, default=0.1)
    parser.add_argument('--repeat', type=int, default=1, help='runs per measurement; the median is shown')
    args = parser.parse_args(argv)

    results = {}
    with tempfile.TemporaryDirectory(prefix='bench-inventory-') as tmp, \
            ApiDouble(latency=args.latency, requests_per_minute=0) as api:
        work = pathlib.Path(tmp)
        api.seed_droplets(args.droplets)
        ours, cached, community = write_sources(work, api)
        env_ours = environment(work, api, 'agentc2.platform.droplets')
        print('API double %s: %d droplets, %.0f ms latency; load average %s'
              % (api.url, args.droplets, args.latency * 1000, ' '.join('%.1f' % x for x in os.getloadavg())))

        exported = run(inventory_list(ours) + ['--export'], env_ours, api)
        floor = write_floor(work, exported.exported)
        env_floor = environment(work, api, 'floor')

        results['ours --list'] = best_of(args.repeat, inventory_list(ours), env_ours, api)
        results['ours --list-hosts'] = best_of(args.repeat, list_hosts(ours), env_ours, api)
        run(list_hosts(cached), env_ours, api)  # fills the cache
        results['ours cached --list-hosts'] = best_of(args.repeat, list_hosts(cached, '-vv'), env_ours, api)
        results['floor --list'] = best_of(args.repeat, inventory_list(floor), env_floor)
        results['floor --list-hosts'] = best_of(args.repeat, list_hosts(floor, '-vv'), env_floor)
        env_community = environment(work, api, 'community.digitalocean.digitalocean')
        if community_installed(env_community):
            results['community --list'] = best_of(args.repeat, inventory_list(community), env_community, api)
            results['community --list-hosts'] = best_of(args.repeat, list_hosts(community), env_community, api)
        report(results)
    return 0


def report(results):
    print('\n%-26s %9s %9s %10s %9s %13s' % ('run', 'wall s', 'cpu s', 'peak MiB', 'requests', 'most in 60 s'))
    for name, measured in results.items():
        print('%-26s %9.2f %9.2f %10.0f %9d %13d' % (name, measured.wall, measured.cpu, measured.peak_mib,
                                                     measured.requests, measured.most_per_minute))
    cached = Timer(results['ours cached --list-hosts'].output)
    floor = Timer(results['floor --list-hosts'].output)
    print('\ncached run (%s): parse() %.2f s = read %.2f s + hosts built %.2f s, of which ansible-core storing'
          ' the hosts %.2f s;\nplugin time (parse() less ansible-core storing the hosts) %.2f s. The floor stores'
          ' the same hosts in %.2f s.' % (cached.source, cached.parse, cached.read, cached.built, cached.core,
                                          cached.plugin, floor.built))

    def ratio(slow, fast, key):
        return getattr(results[slow], key) / getattr(results[fast], key)

    checks = [('--list, ours / floor', 'ours --list', 'floor --list', '<=', TARGETS['list_vs_floor'])]
    if 'community --list' in results:
        checks += [('--list, community / ours', 'community --list', 'ours --list', '>=', TARGETS['list_vs_community']),
                   ('--list-hosts, community / ours', 'community --list-hosts', 'ours --list-hosts', '>=',
                    TARGETS['list_hosts_vs_community'])]
    print('\n%-32s %8s %8s  %-10s %s' % ('target (wall time; CPU time)', 'wall', 'cpu', 'target', 'met (wall, cpu)'))
    for name, slow, fast, sense, target in checks:
        values = [ratio(slow, fast, 'wall'), ratio(slow, fast, 'cpu')]
        met = ['yes' if (value <= target if sense == '<=' else value >= target) else 'NO' for value in values]
        print('%-32s %8.2f %8.2f  %-10s %s, %s' % (name, values[0], values[1], '%s %s' % (sense, target), met[0], met[1]))
    met = 'yes' if cached.plugin <= TARGETS['cached_plugin_s'] else 'NO'
    print('%-32s %8.2f %8s  %-10s %s' % ('cached, plugin time s', cached.plugin, '', '<= %s' % TARGETS['cached_plugin_s'],
                                         met))
    most = max(measured.most_per_minute for measured in results.values())
    print('%-32s %8d %8s  %-10s %s' % ('requests in any 60 s', most, '', '<= 250', 'yes' if most <= 250 else 'NO'))
    print('\nWall times follow the machine\'s load (load average now %s); CPU times much less so.'
          % ' '.join('%.1f' % x for x in os.getloadavg()))


if __name__ == '__main__':
    sys.exit(main())
