# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Start tests/emulator's cvm_emulator in the background and say where it serves.

    python start_emulator.py EMULATOR_DIR WORK_DIR LIFETIME [cvm_emulator flags...]

The emulator runs in a session of its own (it outlives this process and the
task that started it), with its log in WORK_DIR/emulator.log, and is ended by
SIGALRM after LIFETIME seconds should nobody stop it before (an alarm survives
the exec). This process waits until the emulator has written its port file,
then prints one JSON line, {"port": PORT, "pid": PID}, and exits 0; if the
emulator exits first or does not start within 30 seconds, it prints its log
and exits 1. tasks/stop.yml ends exactly that PID (SIGTERM: the emulator
exits 0).
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time

START_TIMEOUT = 30


def main(argv):
    emulator_dir, work_dir, lifetime = argv[0], argv[1], int(argv[2])
    port_file = os.path.join(work_dir, "port")
    log_file = os.path.join(work_dir, "emulator.log")
    if os.path.exists(port_file):
        os.remove(port_file)
    pid = os.fork()
    if pid == 0:
        os.setsid()
        log = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        os.dup2(log, 1)
        os.dup2(log, 2)
        signal.alarm(lifetime)
        env = dict(os.environ, PYTHONPATH=emulator_dir)
        os.execve(sys.executable, [sys.executable, "-m", "cvm_emulator", "--port", "0", "--port-file", port_file] + argv[3:], env)
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if os.path.exists(port_file):
            with open(port_file) as handle:
                port = handle.read().strip()
            if port.isdigit():
                print(json.dumps({"port": int(port), "pid": pid}))
                return 0
        finished, _status = os.waitpid(pid, os.WNOHANG)
        if finished:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, signal.SIGTERM)
    with open(log_file) as handle:
        sys.stderr.write("the emulator did not start:\n" + handle.read())
    return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
