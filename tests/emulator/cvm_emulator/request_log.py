# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Every API call received, in arrival order, with secrets masked.

Legacy entries: ``seq, time, http_method, action, region, params, code,
fault`` (``code`` the integer code).  3.0 entries add ``face: "v3"``,
``request_id`` and ``headers`` (Host, Content-Type, the ``X-TC-*`` headers
and Authorization); ``params`` is the decoded JSON body or GET query
(nested), ``code`` is 0 or the ``Error.Code`` string, ``action`` and
``region`` are ``X-TC-Action`` / ``X-TC-Region``.  Masked: legacy
``password``, ``Signature``, ``Token``; 3.0 ``Password`` at any depth,
``X-TC-Token`` and the ``Signature=`` part of Authorization.
"""

import re
import threading
import time

MASKED = "********"
SECRET_KEYS = frozenset(("password", "Signature", "Token"))
V3_SECRET_KEYS = frozenset(("Password",))
_V3_HEADERS = ("host", "content-type", "authorization")
_SIGNATURE = re.compile(r"(Signature=)[^,\s]*")


def _scrub(value):
    if isinstance(value, dict):
        return {key: (MASKED if key in V3_SECRET_KEYS else _scrub(item)) for key, item in value.items()}
    if isinstance(value, list):
        return [_scrub(item) for item in value]
    return value


def _v3_headers(headers):
    shown = {}
    for name, value in headers.items():
        if name in _V3_HEADERS or name.startswith("x-tc-"):
            if name == "x-tc-token":
                value = MASKED
            elif name == "authorization":
                value = _SIGNATURE.sub(lambda match: match.group(1) + MASKED, value)
            shown[name] = value
    return shown


class RequestLog:
    def __init__(self):
        self._lock = threading.Lock()
        self._entries = []

    def open(self, http_method, received):
        """Record a call as it arrives; the pipeline fills in code and fault later."""
        params = {key: (MASKED if key.replace("_", ".") in SECRET_KEYS else value) for key, value in received.items()}
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

    def open_v3(self, http_method, headers, request_id):
        """Record a 3.0 call (``headers``: lower-case names); parameters are added once decoded."""
        entry = {
            "seq": 0,
            "time": time.time(),
            "http_method": http_method,
            "action": headers.get("x-tc-action"),
            "region": headers.get("x-tc-region"),
            "params": {},
            "code": None,
            "fault": None,
            "face": "v3",
            "request_id": request_id,
            "headers": _v3_headers(headers),
        }
        with self._lock:
            entry["seq"] = len(self._entries) + 1
            self._entries.append(entry)
        return entry

    @staticmethod
    def scrub_v3(params):
        return _scrub(params)

    def finish(self, entry, **fields):
        with self._lock:
            entry.update(fields)

    def entries(self, since=0, action=None, face=None):
        """``face``: ``legacy`` (entries without a face key) or ``v3``."""
        with self._lock:
            return [
                dict(entry, params=dict(entry["params"]))
                for entry in self._entries[since:]
                if (action is None or entry["action"] == action) and (face is None or entry.get("face", "legacy") == face)
            ]

    def clear(self):
        with self._lock:
            self._entries.clear()
