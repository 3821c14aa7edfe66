#!/usr/bin/env bash
# Put scripts/ansible-test-pip-bootstrap.py where ansible-test expects its
# cached pip bootstrap script, for the pip version this ansible-test pins.
# See that script's docstring for why.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${1:-$root/.venv/bin/python}"
pip_version="$("$python" - <<'PY'
import inspect, re
from ansible_test._internal import python_requirements
print(re.search(r"pip='([0-9.]+)'", inspect.getsource(python_requirements)).group(1))
PY
)"
cache="$HOME/.ansible/test/cache/get_pip_${pip_version//./_}.py"
mkdir -p "$(dirname "$cache")"
cp "$root/scripts/ansible-test-pip-bootstrap.py" "$cache"
