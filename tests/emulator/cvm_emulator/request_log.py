# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every API call received, in arrival order, with secrets masked."""

import threading
import time

MASKED = "********"
SECRET_KEYS = frozenset(("password", "Signature", "Token"))


class RequestLog:
    def __init__(self):
        self._lock = threading.Lock()
        self._entries = []

    def open(self, http_method, received):
        """Record a call as it arrives; the pipeline fills in code and fault later."""
        params = {key: (MASKED if key.replace("_", ".") in SECRET_KEYS else value)
                  for key, value in received.items()}
        entry = {
            "seq": 0,
            "time": time.time(),
            "http_method": http_method,
            "action": received.get("Action"),
            "region": received.get("Region"),
            "params": params,
            "code": None,
            "fault": None,
        }
        with self._lock:
            entry["seq"] = len(self._entries) + 1
            self._entries.append(entry)
        return entry

    def finish(self, entry, **fields):
        with self._lock:
            entry.update(fields)

    def entries(self, since=0, action=None):
        with self._lock:
            return [dict(entry, params=dict(entry["params"])) for entry in self._entries[since:]
                    if action is None or entry["action"] == action]

    def clear(self):
        with self._lock:
            self._entries.clear()
