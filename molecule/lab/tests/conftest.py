"""Fixtures of the lab's HA tests."""

import pytest
import yaml

import lab


def pytest_sessionfinish(session, exitstatus):  # pylint: disable=unused-argument
    lab.write_figures()


@pytest.fixture(name="fast_lb", scope="session")
def fixture_fast_lb():
    """The load balancer with 2 s checks and the seed's thresholds, to keep the run short."""
    settings = {"interval": 2, "timeout": 1, "rise": 3, "fall": 3}
    lab.configure_lb(**settings)
    return settings


@pytest.fixture(name="seed_lb")
def fixture_seed_lb():
    """The load balancer with the architecture's numbers, read from inventory/group_vars/all.yml."""
    seed = yaml.safe_load((lab.REPO_ROOT / "inventory" / "group_vars" / "all.yml").read_text())
    settings = {
        "interval": seed["agentc2_health_check_interval"],
        "timeout": seed["agentc2_health_check_timeout"],
        "rise": seed["agentc2_healthy_threshold"],
        "fall": seed["agentc2_unhealthy_threshold"],
    }
    lab.configure_lb(**settings)
    return settings


@pytest.fixture(name="droplet_back")
def fixture_droplet_back():
    """Whatever a test stops, every droplet runs and is in the load balancer afterwards."""
    yield
    for droplet in lab.DROPLETS:
        if "true" not in lab.docker("inspect", "-f", "{{.State.Running}}", droplet):
            lab.docker("start", droplet)
    for droplet in lab.DROPLETS:
        lab.wait_for_state(droplet, lab.is_up, timeout=120)
