# Copyright: (c) 2026, AgentC2 platform team
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Shared fixtures: the DigitalOcean API test double (tests/do_api), plain and with TLS.

Run the unit tests from the repository root with the collection on the path:
    PYTHONPATH=.build/collections .venv/bin/pytest tests/unit
"""

import pytest

from ansible_collections.agentc2.platform.tests.do_api import ApiDouble


@pytest.fixture
def do_api():
    """A running double (HTTP, no latency, empty store); ``do_api.seed_droplets(n)`` fills it."""
    with ApiDouble() as api:
        yield api


@pytest.fixture
def do_api_tls():
    """The same over HTTPS with a self-signed certificate (``do_api_tls.ca_file``)."""
    with ApiDouble(https=True) as api:
        yield api


@pytest.fixture
def do_api_factory():
    """Start doubles with options (latency, requests_per_minute, ...); all stop after the test."""
    started = []

    def start(**options):
        api = ApiDouble(**options).start()
        started.append(api)
        return api

    yield start
    for api in started:
        api.stop()
