"""Helpers for the common scenario: run a playbook against the scenario's own inventory."""

import os
import subprocess
import tempfile
from dataclasses import dataclass

import pytest


@dataclass
class PlaybookRun:
    rc: int
    output: str


@pytest.fixture(name="run_playbook")
def fixture_run_playbook():
    """Run a YAML playbook text with Molecule's inventory; return its exit code and output."""

    def run(playbook_text):
        with tempfile.NamedTemporaryFile("w", suffix=".yml", delete=False) as playbook:
            playbook.write(playbook_text)
        try:
            result = subprocess.run(
                ["ansible-playbook", "-i", os.environ["MOLECULE_INVENTORY_FILE"], playbook.name],
                capture_output=True,
                text=True,
                check=False,
                env=dict(os.environ, ANSIBLE_NOCOLOR="1"),
            )
        finally:
            os.unlink(playbook.name)
        return PlaybookRun(result.returncode, result.stdout + result.stderr)

    return run
