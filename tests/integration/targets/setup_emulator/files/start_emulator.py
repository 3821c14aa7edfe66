# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Run tests/emulator's cvm_emulator, its PID written first, its log to a file.

    python start_emulator.py EMULATOR_DIR PID_FILE LOG_FILE [cvm_emulator flags...]

The process execs the emulator, so the PID written is the emulator's own and
tasks/stop.yml can end exactly that process (SIGTERM: the emulator exits 0).
"""

from __future__ import annotations

import os
import sys


def main(argv):
    emulator_dir, pid_file, log_file = argv[:3]
    with open(pid_file + ".tmp", "w") as handle:
        handle.write("%d\n" % os.getpid())
    os.replace(pid_file + ".tmp", pid_file)
    log = os.open(log_file, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log, 2)
    os.dup2(log, 1)
    env = dict(os.environ, PYTHONPATH=emulator_dir)
    os.execve(sys.executable, [sys.executable, "-m", "cvm_emulator"] + argv[3:], env)


if __name__ == "__main__":
    main(sys.argv[1:])
