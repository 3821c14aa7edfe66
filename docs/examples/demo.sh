#!/usr/bin/env bash
# The qcloud.cvm demo: a playbook moves from the legacy API to API 3.0 without
# buying anything again.
#   1. demo.yml: create two instances on the legacy API and re-run the task
#      there (unchanged), then run the very same task on API 3.0: the same two
#      instances, the same IDs, changed: false;
#   2. demo.cvm.yml: the instances as inventory hosts, listed through API 3.0;
#   3. demo-cleanup.yml: give them back through API 3.0 (always, also after a failure).
# `make demo` runs it through scripts/run-with-emulator.sh, which points the
# environment (credentials, region, QCLOUD_CVM_ENDPOINT,
# ANSIBLE_PYTHON_INTERPRETER) at a local emulator.
set -euo pipefail
cd "$(dirname "$0")/../.."

# The emulator serves both APIs on one port: the legacy API at /v2/index.php,
# API 3.0 at /. One QCLOUD_CVM_ENDPOINT cannot name both, so each playbook gets
# the URL of each API as a variable instead. Without QCLOUD_CVM_ENDPOINT (the
# real cloud) none is passed, and each API goes to its own endpoint.
endpoints=()
if [ -n "${QCLOUD_CVM_ENDPOINT:-}" ]; then
    endpoints=(-e "legacy_endpoint=$QCLOUD_CVM_ENDPOINT" -e "v3_endpoint=${QCLOUD_CVM_ENDPOINT%/v2/index.php}")
    unset QCLOUD_CVM_ENDPOINT
fi

# Give the instances back last, whatever happened before: they are billed
# until then. The demo's exit status is the first failure's.
give_back() {
    local status=$?
    echo "== 3. demo-cleanup.yml: give the instances back through API 3.0"
    if ! ansible-playbook -i localhost, -c local docs/examples/demo-cleanup.yml ${endpoints[@]+"${endpoints[@]}"}; then
        [ "$status" -ne 0 ] || status=1
    fi
    exit "$status"
}
trap give_back EXIT

echo "== 1. demo.yml: create two instances on the legacy API, then run the same task on API 3.0"
ansible-playbook -i localhost, -c local docs/examples/demo.yml ${endpoints[@]+"${endpoints[@]}"}

# While the instances run: the same instances as inventory hosts, grouped, through API 3.0.
echo "== 2. demo.cvm.yml: the same instances as inventory hosts, listed through API 3.0"
ansible-inventory -i docs/examples/demo.cvm.yml --graph ${endpoints[@]+"${endpoints[@]}"}
