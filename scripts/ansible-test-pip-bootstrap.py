"""Stand-in for ansible-test's pip bootstrap script (get-pip.py).

ansible-test makes its sanity virtual environments without pip, then downloads a
get-pip.py from ci-files.testing.ansible.com to put pip in. That host is not
reachable from every machine that runs `make test` (it is not from our CI), while
PyPI is. This script does the same job with what every Python ships: ensurepip
installs the bundled pip, which then installs the exact packages ansible-test
asked for (for example pip==24.2) from the package index.

scripts/install-ansible-test-bootstrap.sh copies it to where ansible-test looks
for its cached download, ~/.ansible/test/cache/get_pip_<version>.py.
"""

import subprocess
import sys

# get-pip.py's own flags ("do not also install setuptools/wheel"); pip does not
# know them, and without them it installs only what is named anyway.
GET_PIP_ONLY_FLAGS = ("--no-setuptools", "--no-wheel")


def main():
    subprocess.check_call([sys.executable, "-m", "ensurepip", "--upgrade", "--default-pip"], stdout=subprocess.DEVNULL)
    arguments = [argument for argument in sys.argv[1:] if argument not in GET_PIP_ONLY_FLAGS]
    return subprocess.call([sys.executable, "-m", "pip", "install"] + arguments)


if __name__ == "__main__":
    sys.exit(main())
