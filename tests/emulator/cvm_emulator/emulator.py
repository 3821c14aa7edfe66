# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The request pipeline: decode -> common checks -> rate limit -> fault -> action -> answer
(-> latency), all logged.  ``Emulator`` holds what both faces share (store, config, faults, request
log, rate limiter); the legacy face's pipeline is here, the 3.0 face's is ``v3.face``."""

import re
import time
import traceback

from . import catalog, timers
from .actions import ACTION_NAMES, PER_ITEM_FAULTS, Actions, api_host
from .auth import Authenticator
from .clock import Clock
from .config import RuntimeConfig
from .errors import NOT_ALLOWED, ApiError, invalid
from .faults import FaultBook
from .params import decode
from .rate_limits import RateLimiter, legacy_limit
from .reply import Reply
from .request_log import RequestLog
from .stock import Stock
from .store import Store
from .v3.face import V3Face
from .v3.table import ACTION_NAMES as V3_ACTION_NAMES

FORM_TYPE = "application/x-www-form-urlencoded"
# A truncated success answer: what a proxy cutting the body short would deliver.
MALFORMED_BODY = b'{"code":0,"message":"","codeDesc":"Succ'
HTTP_500_BODY = b"<html><head><title>500 Internal Server Error</title></head><body>nginx</body></html>\n"
# Faults answered without processing: kind -> (codeDesc, text) of the JSON error, or None for a non-JSON reply.
SHORT_CIRCUIT = {
    "busy": ("OperationFail.SystemBusy", "the purchase system is busy, retry later (injected fault)"),
    "internal_error": ("InternalError", "internal error, retry later (injected fault)"),
    "request_limit": ("RequestLimitExceeded", "request rate limit exceeded, retry with back-off (injected fault)"),
    "http_500": None,
    "malformed": None,
}
# Parameters through which a call names instances (fault ``instance_id`` matching).
_NAMING_KEY = re.compile(r"instanceId|instanceIds\.\d+|instanceSet\.\d+\.instanceId")


def success(payload):
    body = {"code": 0, "message": "", "codeDesc": "Success"}
    body.update(payload)
    return body


class Emulator:
    def __init__(self, settings, clock=time.time):
        self.settings = settings
        # The emulator's clock (wall clock + the offset of POST /_emulator/clock); signatures use ``clock`` itself.
        self.clock = Clock(clock)
        self.config = RuntimeConfig(settings)
        self.store = Store(settings.state_file)
        self.clock.offset = self.store.clock_offset
        self.stock = Stock()
        self.auth = Authenticator(settings.secret_id, settings.secret_key, settings.security_token, settings.timestamp_window, clock, host_for=api_host)
        self.log = RequestLog()
        self.faults = FaultBook({"legacy": ACTION_NAMES, "v3": V3_ACTION_NAMES})
        self.limiter = RateLimiter(self.clock.monotonic)
        self.actions = Actions(self.store, self.config, self.faults, self.clock, self.stock)
        self.v3 = V3Face(self)

    def close(self):
        self.store.close()

    def reset(self):
        """Empty state, log, faults and nonces; delays, balance, stock and clock back to their start-up values."""
        with self.store.lock:
            self.store.reset()
            self.clock.offset = 0.0
        self.stock.restore()
        self.faults.clear()
        self.limiter.reset()
        self.log.clear()
        self.auth.forget_nonces()
        self.config.restore()

    def advance_clock(self, seconds):
        """Move the emulator's clock forward (persisted); due timers fire at once."""
        with self.store.lock:
            self.store.set_clock_offset(self.clock.offset + seconds)
            self.clock.offset = self.store.clock_offset
        self.catch_up()

    def catch_up(self):
        """Fire the action timers that came due (lazy, like every transition; ``timers.fire_due``)."""
        timers.fire_due(self.store, self.clock, self.config)

    def handle_api(self, method, host_header, raw, content_type=None):
        """Answer one call to /v2/index.php; ``raw`` is the query (GET) or the body (POST).

        The configured latency is slept here, after the work and outside every
        lock, in the request's own thread: concurrent calls wait in parallel.
        """
        self.catch_up()
        reply = self._answer_api(method, host_header, raw, content_type)
        latency = self.config.latency
        if latency > 0:
            time.sleep(latency)
        return reply

    def handle_v3(self, method, headers, raw_query, body):
        """Answer one call to ``/`` (API 3.0); ``headers`` maps lower-case names to received values.

        Latency as for the legacy face: after the work, outside every lock.
        """
        self.catch_up()
        reply = self.v3.handle(method, headers, raw_query, body)
        latency = self.config.latency
        if latency > 0:
            time.sleep(latency)
        return reply

    def _answer_api(self, method, host_header, raw, content_type):
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
            self._check_rate(params["SecretId"], action)
            fault = self.faults.take(action, self._named_instances(params), face="legacy")
            if fault is not None and fault.kind == "busy" and fault.instance_id and action in PER_ITEM_FAULTS:
                notes["busy_instance"] = fault.instance_id
            elif fault is not None and fault.kind in SHORT_CIRCUIT:
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

    def _check_rate(self, secret_id, action):
        """4400 before anything is processed (and before a fault is consumed) when the bucket is empty."""
        if not self.config.rate_limits:
            return
        rate = legacy_limit(action)
        if not self.limiter.allow((secret_id, "legacy", action), rate):
            raise ApiError("RequestLimitExceeded", (f"{action} is limited to {rate} requests per second per SecretId; retry with back-off"))

    def _named_instances(self, params):
        """Every id (ins- and qcvm forms) of the instances a call names; empty unless a fault needs it."""
        if not self.faults.wants_instances():
            return frozenset()
        named = {value for key, value in params.items() if value and _NAMING_KEY.fullmatch(key)}
        with self.store.lock:
            for value in list(named):
                inst = self.store.get(value)
                if inst is not None:
                    named.update((inst.instance_id, inst.legacy_id))
        return frozenset(named)

    def _route(self, params):
        if "Version" in params:
            raise ApiError(
                "InvalidAction", (f"Version={params['Version']} selects the 2017-03-12 API, which this legacy emulator does not serve; omit Version")
            )
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
        answer = SHORT_CIRCUIT[fault.kind]
        if answer is not None:
            error = ApiError(*answer)
            self.log.finish(entry, code=error.code, fault=fault.kind)
            return Reply.json(error.body())
        self.log.finish(entry, fault=fault.kind)
        if fault.kind == "http_500":
            return Reply(500, HTTP_500_BODY, content_type="text/html")
        return Reply(200, MALFORMED_BODY)
