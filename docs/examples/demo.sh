#!/usr/bin/env bash
# The qcloud.cvm demo: create two instances, re-run unchanged, list them as
# inventory, give them back. `make demo` runs it through
# scripts/run-with-emulator.sh, which points the environment (credentials,
# region, QCLOUD_CVM_ENDPOINT, ANSIBLE_PYTHON_INTERPRETER) at a local emulator.
set -euo pipefail
cd "$(dirname "$0")/../.."

# Give the instances back last, whatever happened before: they are billed
# until then. The demo's exit status is the first failure's.
give_back() {
    local status=$?
    if ! ansible-playbook -i localhost, -c local docs/examples/demo-cleanup.yml; then
        [ "$status" -ne 0 ] || status=1
    fi
    exit "$status"
}
trap give_back EXIT

ansible-playbook -i localhost, -c local docs/examples/demo.yml

# While the instances run: the same instances as inventory hosts, grouped.
ansible-inventory -i docs/examples/demo.cvm.yml --graph
