"""Helpers shared by the scenarios' testinfra verifiers."""

import os
import subprocess
import textwrap
from pathlib import Path

import pytest


class PlaybookRun:
    """The outcome of one ansible-playbook run against the scenario's instances."""

    def __init__(self, completed):
        self.rc = completed.returncode
        self.output = completed.stdout + completed.stderr

    def __repr__(self):
        return f"PlaybookRun(rc={self.rc}):\n{self.output[-4000:]}"


@pytest.fixture(scope="session")
def run_playbook(tmp_path_factory):
    """Run a playbook (YAML text) against Molecule's inventory; return a PlaybookRun.

    Lets a verifier prove what a role does with bad input or a second release, the way a user
    would see it: through ansible-playbook and its output.
    """
    # The inventory directory, not MOLECULE_INVENTORY_FILE alone: that file holds Molecule's host
    # list only, and the groups and group_vars a scenario links (the lab's inventory/lab) sit beside it.
    inventory = str(Path(os.environ["MOLECULE_INVENTORY_FILE"]).parent)
    workdir = tmp_path_factory.mktemp("playbooks")

    def run(playbook_yaml, *args):
        playbook = Path(workdir) / f"play-{len(list(workdir.iterdir()))}.yml"
        playbook.write_text(textwrap.dedent(playbook_yaml))
        completed = subprocess.run(
            ["ansible-playbook", "-i", inventory, str(playbook), *args],
            capture_output=True, text=True, timeout=900, check=False,
            env={**os.environ, "ANSIBLE_NOCOLOR": "1", "ANSIBLE_FORCE_COLOR": "0"},
        )
        return PlaybookRun(completed)

    return run
