# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Each module's DOCUMENTATION (fragment included) states exactly its argument spec: the same
options, types, defaults, choices and required flags, down to suboptions. ansible-test sanity checks
this too; here it fails at once, in the unit run."""

import importlib
import json
import os
import pathlib
import subprocess
import sys
from unittest import mock

import pytest

from ansible.module_utils import basic

ROOT = pathlib.Path(__file__).resolve().parents[4]
MODULES = ['droplet', 'droplet_info', 'load_balancer', 'firewall', 'monitoring_alert', 'uptime_check']
COMPARED = ('type', 'default', 'choices', 'required', 'elements', 'aliases')


class _SpecCaptured(Exception):
    pass


def argument_spec_of(name):
    module = importlib.import_module('ansible_collections.agentc2.platform.plugins.modules.%s' % name)
    captured = {}

    def capture(_self, argument_spec, **_kwargs):
        captured['spec'] = argument_spec
        raise _SpecCaptured()

    with mock.patch.object(basic.AnsibleModule, '__init__', capture):
        with pytest.raises(_SpecCaptured):
            module.main()
    return captured['spec']


def normal(option, attribute):
    value = option.get(attribute)
    if attribute == 'type':
        return value or 'str'
    if attribute == 'required':
        return bool(value)
    return value


def mismatches(spec, documented, where=''):
    found = []
    for key in sorted(set(spec) | set(documented)):
        if key not in documented or key not in spec:
            found.append('%s%s: only in the %s' % (where, key, 'argument spec' if key in spec else 'documentation'))
            continue
        for attribute in COMPARED:
            in_spec, in_doc = normal(spec[key], attribute), normal(documented[key], attribute)
            if in_spec != in_doc:
                found.append('%s%s.%s: spec %r, documentation %r' % (where, key, attribute, in_spec, in_doc))
        found += mismatches(spec[key].get('options') or {}, documented[key].get('suboptions') or {}, where + key + '.')
    return found


@pytest.fixture(scope='module')
def rendered():
    """What ansible-doc renders, doc fragments resolved, for every module at once."""
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=str(ROOT / '.build' / 'collections'))
    ansible_doc = str(pathlib.Path(sys.executable).parent / 'ansible-doc')
    names = ['agentc2.platform.%s' % name for name in MODULES]
    done = subprocess.run([ansible_doc, '--json', '-t', 'module'] + names, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


@pytest.mark.parametrize('name', MODULES)
def test_documentation_matches_the_argument_spec(name, rendered):
    doc = rendered['agentc2.platform.%s' % name]['doc']
    assert mismatches(argument_spec_of(name), doc['options']) == []
    assert doc['short_description'] and doc['description']
