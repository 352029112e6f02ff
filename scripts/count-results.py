"""Print the suite's closing line, `N passed, N failed`.

Counts every pytest test from the JUnit files in RESULTS_DIR; a stage that wrote no JUnit file
(lint, sanity, Molecule's converge and idempotence) counts as one check of its own.
usage: count-results.py RESULTS_DIR STAGES FAILED_STAGES
"""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path


def count_junit(path):
    passed = failed = 0
    for suite in ET.parse(path).getroot().iter("testsuite"):
        tests = int(suite.get("tests", 0))
        bad = int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped = int(suite.get("skipped", 0))
        passed += tests - bad - skipped
        failed += bad + skipped  # a skipped check is a check that did not pass
    return passed, failed


def main(results_dir, stages, failed_stages):
    passed = failed = 0
    junit_files = sorted(Path(results_dir).glob("*.xml"))
    for path in junit_files:
        p, f = count_junit(path)
        passed += p
        failed += f
    # Stages are checks in their own right (a Molecule stage proves converge and idempotence
    # beyond its testinfra tests); a failed stage with no failing test still counts as a failure.
    passed += stages - failed_stages
    failed += failed_stages
    print(f"{passed} passed, {failed} failed")


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]))
