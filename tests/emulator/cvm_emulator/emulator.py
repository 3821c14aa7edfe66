# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The request pipeline: decode -> common checks -> fault -> action -> answer, all logged."""

import json
import time
import traceback

from . import catalog
from .actions import ACTION_NAMES, Actions
from .auth import Authenticator
from .config import RuntimeConfig
from .errors import NOT_ALLOWED, ApiError, invalid
from .faults import FaultBook
from .params import decode
from .request_log import RequestLog
from .store import Store

FORM_TYPE = "application/x-www-form-urlencoded"
# A truncated success answer: what a proxy cutting the body short would deliver.
MALFORMED_BODY = b'{"code":0,"message":"","codeDesc":"Succ'
HTTP_500_BODY = b"<html><head><title>500 Internal Server Error</title></head><body>nginx</body></html>\n"


class Reply:
    __slots__ = ("status", "body", "content_type", "drop")

    def __init__(self, status, body, content_type="application/json", drop=False):
        self.status = status
        self.body = body
        self.content_type = content_type
        self.drop = drop

    @classmethod
    def json(cls, payload, status=200):
        return cls(status, json.dumps(payload).encode("ascii"))


def success(payload):
    body = {"code": 0, "message": "", "codeDesc": "Success"}
    body.update(payload)
    return body


class Emulator:
    def __init__(self, settings, clock=time.time):
        self.settings = settings
        self.clock = clock
        self.config = RuntimeConfig(settings)
        self.store = Store(settings.state_file)
        self.auth = Authenticator(settings.secret_id, settings.secret_key, settings.security_token,
                                  settings.timestamp_window, clock)
        self.log = RequestLog()
        self.faults = FaultBook(ACTION_NAMES)
        self.actions = Actions(self.store, self.config, self.faults, clock)

    def close(self):
        self.store.close()

    def reset(self):
        """Empty state, log, faults and nonces; delays and balance back to their start-up values."""
        with self.store.lock:
            self.store.reset()
        self.faults.clear()
        self.log.clear()
        self.auth.forget_nonces()
        self.config.restore()

    def handle_api(self, method, host_header, raw, content_type=None):
        """Answer one call to /v2/index.php; ``raw`` is the query (GET) or the body (POST)."""
        try:
            received, params = decode(raw)
        except ApiError as exc:
            entry = self.log.open(method, {})
            self.log.finish(entry, code=exc.code)
            return Reply.json(exc.body())
        entry = self.log.open(method, received)
        fault, notes = None, {}
        try:
            if method == "POST" and content_type and content_type.split(";")[0].strip().lower() != FORM_TYPE:
                raise invalid(f"POST body must be {FORM_TYPE}, got Content-Type {content_type}")
            self.auth.check(method, host_header, params)
            action, region = self._route(params)
            self.log.finish(entry, region=region)
            fault = self.faults.take(action)
            if fault is not None and fault.kind in ("busy", "http_500", "malformed"):
                return self._short_circuit(entry, fault)
            if fault is not None and fault.kind == "delay":
                time.sleep(fault.seconds)
            payload, code = success(self._run(action, region, params, notes)), 0
        except ApiError as exc:
            payload, code = exc.body(), exc.code
        kinds = [kind for kind in (fault.kind if fault else None, notes.get("fault")) if kind]
        kind = "+".join(kinds) or None
        if fault is not None and fault.kind == "drop_after_commit":
            self.log.finish(entry, fault=kind)
            return Reply(200, b"", drop=True)
        self.log.finish(entry, code=code, fault=kind)
        return Reply.json(payload)

    def _route(self, params):
        if "Version" in params:
            raise ApiError("InvalidAction", (
                f"Version={params['Version']} selects the 2017-03-12 API, which this legacy emulator "
                "does not serve; omit Version"))
        action = params["Action"]
        if action not in ACTION_NAMES:
            raise ApiError("InvalidAction", f"Action {action} is not supported (emulated: {', '.join(ACTION_NAMES)})")
        region = catalog.normalise_region(params["Region"])
        if region is None:
            raise invalid(f"Region {params['Region']} is not a known region", NOT_ALLOWED)
        return action, region

    def _run(self, action, region, params, notes):
        try:
            return self.actions.run(action, region, params, notes)
        except ApiError:
            raise
        except Exception:  # pylint: disable=broad-exception-caught
            # A bug in the emulator must still produce a JSON answer the client can show.
            raise ApiError("InternalError", "emulator bug: " + traceback.format_exc(limit=3).replace("\n", " | ")) from None

    def _short_circuit(self, entry, fault):
        if fault.kind == "busy":
            error = ApiError("OperationFail.SystemBusy", "the purchase system is busy, retry later (injected fault)")
            self.log.finish(entry, code=error.code, fault=fault.kind)
            return Reply.json(error.body())
        self.log.finish(entry, fault=fault.kind)
        if fault.kind == "http_500":
            return Reply(500, HTTP_500_BODY, content_type="text/html")
        return Reply(200, MALFORMED_BODY)
