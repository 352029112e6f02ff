"""site.yml refuses bad input before it changes anything."""

import re

import lab

SITE = str(lab.REPO_ROOT / "site.yml")


def test_missing_secrets_stop_site_yml_before_any_change(run_playbook):
    run = run_playbook(
        f"""
        - name: site.yml with a secret emptied and one more required
          ansible.builtin.import_playbook: {SITE}
        """,
        "-e",
        '{"agentc2_redis_url": "", "agentc2_required_secrets": '
        '["agentc2_database_url", "agentc2_redis_url", "agentc2_session_secret"]}',
    )
    assert run.rc != 0, run
    named = re.search(r"missing or empty secrets for lab-droplet-\d: ([\w, ]+)\.", run.output)
    assert named, run
    assert sorted(named.group(1).split(", ")) == ["agentc2_redis_url", "agentc2_session_secret"], run
    assert "postgres://" not in run.output and "redis://" not in run.output, "a secret was printed"
    assert "Configure the droplets" not in run.output, run
    for droplet in lab.DROPLETS:
        assert re.search(rf"{droplet}\s*:\s*ok=\d+\s+changed=0\s+unreachable=0\s+failed=1", run.output), run
