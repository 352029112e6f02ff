"""The rolling deploy (playbooks/deploy.yml, issue 7) seen by clients of the load balancer.

Each test starts from whatever the lab serves now (another test may have deployed before it) and
leaves every droplet serving and in the load balancer. The deploys use the load balancer's fast
checks (fast_lb: 2 s / 3 / 3) and tell deploy.yml so. The deploy with the architecture's own
10 s / 3 / 3 checks and its ratio to the floor those checks impose is a benchmark:
`make bench-deploy` (bench/deploy_ratio.py)."""

import time

import deploy_lab
import lab

LOAD_RATE = 60  # requests/s through the load balancer, above the 50
FIRST, SECOND = lab.DROPLETS


def served_releases():
    return {droplet: deploy_lab.served_release(droplet) for droplet in lab.DROPLETS}


def report(title, load, run):
    failures = load.failures()
    lab.record_figure(title, "requests", len(load.answers), "req")
    lab.record_figure(title, "failed requests", len(failures), "req")
    lab.record_figure(title, "load rate", f"{load.achieved_rate():.1f}", "req/s")
    lab.record_figure(title, "deploy duration", f"{run.duration:.1f}", "s")
    print(f"\n{title}: {len(load.answers)} requests at {load.achieved_rate():.1f}/s, {len(failures)} failed, "
          f"deploy {run.duration:.1f} s (rc {run.returncode})")


def assert_no_failed_requests(load):
    failures = load.failures()
    assert not failures, f"{len(failures)} failed requests, e.g. {failures[:5]}"
    assert load.achieved_rate() >= 50, f"the load ran at {load.achieved_rate():.1f} req/s"


def assert_served_throughout(load, droplet, start, end, window=3.0):
    """The droplet answered in every window of the run: it never left the load balancer (a drain
    keeps it out for at least the unhealthy threshold x interval, longer than a window)."""
    moment = start
    while moment + window <= end:
        assert any(a.droplet == droplet and moment <= a.started < moment + window for a in load.answers), (
            f"{droplet} served nothing between {moment - start:.1f} s and {moment - start + window:.1f} s of the deploy")
        moment += window


def test_rolling_deploy_under_load_loses_no_request(fast_lb):
    deploy_lab.wait_all_up()
    version = deploy_lab.unique_version("2.0.0-rolling")
    with deploy_lab.OpenLoopLoad(rate=LOAD_RATE) as load:
        time.sleep(2)
        run = deploy_lab.run_deploy(version, fast_lb)
        time.sleep(3)
    report(f"deploy {fast_lb['interval']} s/{fast_lb['rise']}/{fast_lb['fall']}", load, run)

    assert run.returncode == 0, run.output[-6000:]
    assert_no_failed_requests(load)
    assert served_releases() == {droplet: version for droplet in lab.DROPLETS}
    assert load.releases_after(run.finished) == {version}
    assert {a.droplet for a in load.answers if a.started >= run.finished} == set(lab.DROPLETS)


def test_broken_release_stops_on_the_first_droplet_and_rolls_it_back(fast_lb, tmp_path):
    deploy_lab.wait_all_up()
    before = served_releases()
    broken = deploy_lab.unique_version("2.0.0-broken")
    folder = deploy_lab.broken_copy(tmp_path / "broken-app")
    with deploy_lab.OpenLoopLoad(rate=LOAD_RATE) as load:
        time.sleep(2)
        # The reload's own wait gives up after 20 s instead of the default 120 s.
        run = deploy_lab.run_deploy(broken, fast_lb, app_release_folder=str(folder), pm2_reload_timeout=20)
        time.sleep(3)
    report("broken deploy", load, run)

    assert run.returncode != 0, run.output[-6000:]
    assert f"Deploy of app_version {broken} stopped on {FIRST}" in run.output, run.output[-6000:]
    assert "Wait until each app answers on loopback" in run.output
    assert_no_failed_requests(load)
    assert served_releases() == before
    # The second droplet was never drained, built, switched or reloaded: it served all along.
    assert not deploy_lab.release_exists(SECOND, broken)
    recap = deploy_lab.recap(run.output)
    assert recap[FIRST]["failed"] == 1 and recap[FIRST]["rescued"] >= 1, recap
    assert {a.release for a in load.answers if a.droplet == SECOND} == {before[SECOND]}
    assert_served_throughout(load, SECOND, run.started, run.finished)
    assert {a.release for a in load.answers if a.started >= run.finished} == set(before.values())
    deploy_lab.wait_all_up()


def test_check_mode_changes_nothing_and_reports_the_plan(fast_lb):
    before = served_releases()
    version = deploy_lab.unique_version("2.0.0-check")
    run = deploy_lab.run_deploy(version, fast_lb, "--check", "--diff")

    assert run.returncode == 0, run.output[-6000:]
    recap = deploy_lab.recap(run.output)
    assert all(recap[droplet]["changed"] > 0 for droplet in lab.DROPLETS), recap
    assert f"{before[FIRST]} -> {version}" in run.output
    assert served_releases() == before
    assert not any(deploy_lab.release_exists(droplet, version) for droplet in lab.DROPLETS)
    assert lab.lb_states() == {droplet: "UP" for droplet in lab.DROPLETS}


def test_deploying_the_served_release_again_changes_nothing(fast_lb):
    current = served_releases()
    assert len(set(current.values())) == 1, current
    run = deploy_lab.run_deploy(current[FIRST], fast_lb)
    assert run.returncode == 0, run.output[-6000:]
    recap = deploy_lab.recap(run.output)
    assert all(recap[droplet]["changed"] == 0 for droplet in lab.DROPLETS), recap
