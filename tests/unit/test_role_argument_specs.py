"""Every role's meta/argument_specs.yml documents exactly its defaults/main.yml.

Docs whose defaults drift from the code are a classic failure of popular roles: the spec is
what `ansible-doc -t role` shows and what validates input, so its keys and default values must
be the ones the role really uses.
"""

from pathlib import Path

import pytest
import yaml

ROLES_DIR = Path(__file__).resolve().parents[2] / "roles"
ROLES = sorted(p.name for p in ROLES_DIR.iterdir() if (p / "tasks" / "main.yml").exists())


def load_yaml(path):
    return yaml.safe_load(path.read_text()) or {}


def main_options(role):
    specs = load_yaml(ROLES_DIR / role / "meta" / "argument_specs.yml")["argument_specs"]
    return specs["main"].get("options", {})


def role_defaults(role):
    path = ROLES_DIR / role / "defaults" / "main.yml"
    return load_yaml(path) if path.exists() else {}


def test_there_are_roles_to_check():
    assert "nodejs" in ROLES


@pytest.mark.parametrize("role", ROLES)
def test_every_role_has_an_argument_spec(role):
    assert (ROLES_DIR / role / "meta" / "argument_specs.yml").exists()


@pytest.mark.parametrize("role", ROLES)
def test_spec_and_defaults_name_the_same_variables(role):
    options = main_options(role)
    defaults = role_defaults(role)
    assert sorted(set(defaults) - set(options)) == [], "defaults missing from argument_specs"
    # A documented variable without a default must be required; everything else needs one.
    undocumented_defaults = [k for k, v in options.items() if k not in defaults and not v.get("required")]
    assert undocumented_defaults == [], "argument_specs options with no value in defaults/main.yml"


@pytest.mark.parametrize("role", ROLES)
def test_spec_defaults_equal_the_real_defaults(role):
    options = main_options(role)
    for name, value in role_defaults(role).items():
        assert "default" in options[name], f"{role}: {name} has no default in argument_specs"
        assert options[name]["default"] == value, f"{role}: {name}"


@pytest.mark.parametrize("role", ROLES)
def test_public_variables_carry_the_role_prefix(role):
    prefix = role + "_"
    assert [k for k in role_defaults(role) if not k.startswith(prefix)] == []
