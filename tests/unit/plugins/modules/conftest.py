# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Run a module's main() in-process against the API double and return its JSON result.

The result is what Ansible would receive (exit_json/fail_json printed it), so no_log masking and
warnings are part of what tests see.
"""

import json

import pytest

from ansible.module_utils.testing import patch_module_args


class ModuleRun:
    def __init__(self, api, capsys, monkeypatch):
        self.api = api
        self._capsys = capsys
        self._monkeypatch = monkeypatch

    def __call__(self, module, check_mode=False, **args):
        """The module's result dict; ``failed`` is set when it failed."""
        self._monkeypatch.setattr(module, 'POLL_SECONDS', 0.05, raising=False)
        args = dict(args, api_token=self.api.token, api_base_url=self.api.url, max_retries=2,
                    _ansible_check_mode=check_mode, _ansible_diff=True)
        self._capsys.readouterr()
        with patch_module_args(args):
            with pytest.raises(SystemExit):
                module.main()
        return json.loads(self._capsys.readouterr().out)

    def changing_requests(self):
        """Method and path of every request that would change something, in order."""
        return [(entry.method, entry.path) for entry in self.api.log.entries if entry.method != 'GET']


@pytest.fixture
def run(do_api, capsys, monkeypatch):
    return ModuleRun(do_api, capsys, monkeypatch)
