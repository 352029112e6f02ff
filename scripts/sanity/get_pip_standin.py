"""Stand-in for the get-pip bootstrap script that `ansible-test sanity --venv` downloads.

The host it comes from is not reachable here. ansible-test looks in
~/.ansible/test/cache/get_pip_<version>.py first, so scripts/sanity.sh puts this file there.
It bootstraps pip with ensurepip in a subprocess (in-process ensurepip.bootstrap() would set
PIP_CONFIG_FILE=/dev/null and lose this machine's pip configuration and CA settings), then
installs the packages ansible-test asked for.
"""

import subprocess
import sys

IGNORED_OPTIONS = {"--no-setuptools", "--no-wheel"}


def main(args):
    subprocess.run([sys.executable, "-m", "ensurepip", "--upgrade"], check=True)
    wanted = [arg for arg in args if arg not in IGNORED_OPTIONS]
    subprocess.run([sys.executable, "-m", "pip", "install", *wanted], check=True)


if __name__ == "__main__":
    main(sys.argv[1:])
