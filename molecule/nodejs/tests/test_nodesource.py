"""Role nodejs, NodeSource method: the repository definition as the role renders it."""

testinfra_hosts = ["ansible://nodesource"]


def test_signing_key_is_placed_for_signed_by(host):
    keyring = host.file("/etc/apt/keyrings/nodesource.asc")
    assert keyring.exists and keyring.user == "root" and keyring.mode == 0o644
    assert keyring.content_string == host.file("/root/nodesource-test-key.asc").content_string
    assert keyring.content_string.startswith("-----BEGIN PGP PUBLIC KEY BLOCK-----")


def test_deb822_source_names_the_keyring(host):
    source = host.file("/etc/apt/sources.list.d/nodesource.sources").content_string
    fields = dict(line.split(": ", 1) for line in source.splitlines() if ": " in line)
    assert fields["Types"] == "deb"
    assert fields["URIs"] == "https://deb.nodesource.com/node_22.x"
    assert fields["Suites"] == "nodistro"
    assert fields["Components"] == "main"
    assert fields["Signed-By"] == "/etc/apt/keyrings/nodesource.asc"


def test_apt_accepts_the_source(host):
    # apt parses every source when it simulates; a malformed deb822 file is an error here.
    result = host.run("apt-get -s -o Debug::NoLocking=1 check")
    assert result.rc == 0, result.stderr
    assert "nodesource" not in result.stderr


def test_nodesource_is_preferred_over_debian(host):
    pref = host.file("/etc/apt/preferences.d/nodesource.pref").content_string
    assert "Package: nodejs" in pref
    assert "Pin: origin deb.nodesource.com" in pref
    assert "Pin-Priority: 600" in pref
