#!/usr/bin/env bash
# Run a command with the emulator of the legacy CVM API serving on a free
# loopback port, and the environment pointing the collection at it.
#   scripts/run-with-emulator.sh COMMAND [ARGS...]
# The emulator is stopped when the command ends, whatever its outcome.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
python="${PYTHON:-$root/.venv/bin/python}"
workdir="$(mktemp -d)"
cleanup() {
    [ -n "${emulator_pid:-}" ] && kill "$emulator_pid" 2>/dev/null && wait "$emulator_pid" 2>/dev/null
    rm -rf "$workdir"
}
trap cleanup EXIT

# EMULATOR_FLAGS: extra emulator flags, split on spaces (for example "--create-delay 5").
read -r -a extra_flags <<< "${EMULATOR_FLAGS:-}"
PYTHONPATH="$root/tests/emulator" "$python" -m cvm_emulator --port 0 --port-file "$workdir/port" \
    "${extra_flags[@]}" 2>"$workdir/emulator.log" &
emulator_pid=$!
for _ in $(seq 200); do
    [ -s "$workdir/port" ] && break
    kill -0 "$emulator_pid" 2>/dev/null || { cat "$workdir/emulator.log" >&2; exit 1; }
    sleep 0.05
done
[ -s "$workdir/port" ] || { echo "the emulator did not start" >&2; cat "$workdir/emulator.log" >&2; exit 1; }

# The emulator's documented default key pair (tests/emulator/README.md): not a secret.
port="$(cat "$workdir/port")"
export QCLOUD_CVM_ENDPOINT="http://127.0.0.1:$port/v2/index.php"
export TENCENTCLOUD_SECRET_ID="${TENCENTCLOUD_SECRET_ID:-AKIDEMULATOR00000000000000000000000000}"
export TENCENTCLOUD_SECRET_KEY="${TENCENTCLOUD_SECRET_KEY:-emulator-secret-key-0000000000000000}"
export TENCENTCLOUD_REGION="${TENCENTCLOUD_REGION:-gz}"
export ANSIBLE_PYTHON_INTERPRETER="$python"
echo "emulator serving at $QCLOUD_CVM_ENDPOINT" >&2
"$@"
