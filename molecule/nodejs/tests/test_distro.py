"""Role nodejs with Debian's packages: versions, PATH, holds, global npm packages."""

import pytest

testinfra_hosts = ["ansible://distro"]


def test_node_and_npm_report_their_versions(host):
    node = host.run("node --version")
    npm = host.run("npm --version")
    assert node.rc == 0 and node.stdout.startswith("v20.")
    assert npm.rc == 0 and npm.stdout.strip().split(".")[0].isdigit()


def test_node_is_on_path_for_non_login_shells(host):
    # `env -i` drops the login environment: only the default PATH of a plain /bin/sh remains.
    result = host.run("env -i /bin/sh -c 'command -v node'")
    assert result.rc == 0
    assert result.stdout.strip() in ("/usr/bin/node", "/bin/node")


def test_node_is_on_path_for_systemd_units(host):
    result = host.run("systemd-run --wait --pipe --quiet node --version")
    assert result.rc == 0, result.stderr
    assert result.stdout.startswith("v20.")


@pytest.mark.parametrize("package", ["nodejs", "npm"])
def test_packages_are_held(host, package):
    selection = host.check_output(f"dpkg --get-selections {package}")
    assert selection.split() == [package, "hold"]


def test_global_npm_package_at_its_exact_version(host):
    result = host.run("env -i PATH=/usr/local/bin:/usr/bin:/bin semver --help")
    assert result.rc == 0
    assert "SemVer 7.6.3" in result.stdout


def test_unknown_install_method_fails_before_any_change(run_playbook):
    run = run_playbook(
        """
        - hosts: distro
          roles:
            - role: agentc2.platform.nodejs
              vars:
                nodejs_install_method: tarball
        """
    )
    assert run.rc != 0, run
    assert "Validating arguments against arg spec 'main'" in run.output, run
    assert "nodejs_install_method" in run.output and "tarball" in run.output, run
    assert "changed=0" in run.output, run


def test_wrong_type_fails_before_any_change(run_playbook):
    run = run_playbook(
        """
        - hosts: distro
          roles:
            - role: agentc2.platform.nodejs
              vars:
                nodejs_install_method: distro
                nodejs_hold: [not, a, bool]
        """
    )
    assert run.rc != 0, run
    assert "nodejs_hold" in run.output and "bool" in run.output, run
    assert "changed=0" in run.output, run
