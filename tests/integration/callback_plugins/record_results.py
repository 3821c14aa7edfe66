# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

DOCUMENTATION = r"""
name: record_results
type: notification
short_description: Write every task result of a run to a JSON-lines file
description:
  - Test helper of the qcloud.cvm integration suite, so that pytest can read what each task returned,
    and of the benchmarks (tests/perf), which read when each task started and ended.
  - One line per task result with the task name, host, outcome, the epoch times the task started on the host
    and its result arrived on the controller, and the module's result.
options:
  path:
    description: The file to append to.
    type: path
    env:
      - name: QCLOUD_CVM_RESULT_LOG
"""

import json
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "notification"
    CALLBACK_NAME = "record_results"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._started = {}

    def v2_runner_on_start(self, host, task):
        self._started[(host.get_name(), task._uuid)] = time.time()  # pylint: disable=protected-access

    def _record(self, result, outcome):
        ended = time.time()
        path = self.get_option("path")
        if not path:
            return
        host = result._host.get_name()  # pylint: disable=protected-access
        entry = {
            "task": result.task_name,
            "host": host,
            "outcome": outcome,
            "started": self._started.get((host, result._task._uuid)),  # pylint: disable=protected-access
            "ended": ended,
            "result": result._result,  # pylint: disable=protected-access
        }
        with open(path, "a", encoding="utf-8") as log:
            log.write(json.dumps(entry, default=str) + "\n")

    def v2_runner_on_ok(self, result):
        self._record(result, "changed" if result._result.get("changed") else "ok")  # pylint: disable=protected-access

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, "failed")

    def v2_runner_on_skipped(self, result):
        self._record(result, "skipped")

    def v2_runner_on_unreachable(self, result):
        self._record(result, "unreachable")
