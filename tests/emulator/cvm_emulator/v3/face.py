# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The 3.0 request pipeline (api-notes/v3.md 7): size -> shape -> TC3 -> common headers -> parameters
-> rate limit -> fault -> schema -> action -> ``{"Response": ...}``, every call logged.

Common headers (7 item 4), after authentication: no ``X-TC-Action`` ->
MissingParameter; ``X-TC-Version`` missing -> MissingParameter, not
``2017-03-12`` -> NoSuchVersion; unknown action -> InvalidAction; no
``X-TC-Region`` -> MissingParameter; not a 3.0 region name ->
UnsupportedRegion.  ``X-TC-Language`` zh-CN (default) or en-US; any other
value is treated as zh-CN [EMU].

Faults: ``busy`` -> ``ResourceInUse``, ``internal_error`` -> ``InternalError``,
``request_limit`` -> ``RequestLimitExceeded`` (all without processing),
``http_500``, ``malformed`` (truncated JSON), ``delay``,
``drop_after_commit`` and ``create_fails`` as on the legacy face; a fault
narrowed to an ``instance_id`` acts on the whole call (3.0 has no per-item
answers).
"""

import json
import time
import traceback
import uuid

from urllib.parse import parse_qs

from ..rate_limits import limit_of
from ..reply import Reply
from . import VERSION, decode
from .auth import Tc3Verifier
from .errors import V3Error
from .schema import validate
from .table import ACTION_NAMES, ActionTable
from .zones import LANGUAGES, REGION_OF

FACE = "v3"
SHORT_CIRCUIT = {
    "busy": ("ResourceInUse", "the resource is busy, retry later (injected fault)"),
    "internal_error": ("InternalError", "internal error, retry later (injected fault)"),
    "request_limit": ("RequestLimitExceeded", "request rate limit exceeded, retry with back-off (injected fault)"),
    "http_500": None,
    "malformed": None,
}
HTTP_500_BODY = b"<html><head><title>500 Internal Server Error</title></head><body>nginx</body></html>\n"


class Context:
    """What a handler knows about its call besides the parameters."""

    __slots__ = ("region", "region_name", "request_id", "language", "notes")

    def __init__(self, region, region_name, request_id, language, notes):
        self.region = region  # legacy short code (the store's)
        self.region_name = region_name  # as sent, e.g. ap-guangzhou
        self.request_id = request_id
        self.language = language
        self.notes = notes


def body(payload, request_id):
    response = dict(payload)
    response["RequestId"] = request_id
    return json.dumps({"Response": response}).encode("ascii")


def error_body(error, request_id):
    return body({"Error": {"Code": error.code, "Message": error.message}}, request_id)


class V3Face:
    def __init__(self, emulator):
        self.emulator = emulator
        settings = emulator.settings
        # Signatures are checked against wall-clock time: the client signs with its own clock (clock.py).
        self.verifier = Tc3Verifier(settings.secret_id, settings.secret_key, settings.security_token, settings.v3_timestamp_window, emulator.clock.base)
        self.table = ActionTable(emulator.store, emulator.config, emulator.faults, emulator.clock, emulator.stock)

    def oversized(self, headers):
        """The answer to a body too large to read (the server closes the connection after it)."""
        request_id = str(uuid.uuid4())
        entry = self.emulator.log.open_v3("POST", headers, request_id)
        error = V3Error("RequestSizeLimitExceeded", f"a request body is limited to {decode.MAX_BODY} bytes")
        self.emulator.log.finish(entry, code=error.code)
        return error_body(error, request_id)

    def handle(self, method, headers, raw_query, raw_body):
        """The ``Reply`` to one call to ``/``."""
        emulator = self.emulator
        request_id = str(uuid.uuid4())
        entry = emulator.log.open_v3(method, headers, request_id)
        fault, notes = None, {}
        try:
            decode.check_size(method, raw_query, raw_body)
            decode.check_content_type(method, headers.get("content-type"))
            self._refuse_v1(method, headers, raw_query, raw_body)
            action = headers.get("x-tc-action", "")
            secret_id = self.verifier.check(method, headers, raw_query, raw_body, self.table.services(action))
            region = self._route(headers)
            emulator.log.finish(entry, region=headers.get("x-tc-region"))
            params, from_query = decode.decode_params(method, raw_query, raw_body)
            emulator.log.finish(entry, params=emulator.log.scrub_v3(params))
            self._check_rate(secret_id, action)
            fault = emulator.faults.take(action, self._named(params), face=FACE)
            if fault is not None and fault.kind in SHORT_CIRCUIT:
                return self._short_circuit(entry, fault, request_id)
            if fault is not None and fault.kind == "delay":
                time.sleep(fault.seconds)
            schema, handler = self.table.get(action)
            cleaned = validate(schema, params, from_query)
            language = headers.get("x-tc-language")
            ctx = Context(region, headers["x-tc-region"], request_id, language if language in LANGUAGES else "zh-CN", notes)
            answer, code = body(self._run(handler, ctx, cleaned), request_id), 0
        except V3Error as exc:
            answer, code = error_body(exc, request_id), exc.code
        except Exception:  # pylint: disable=broad-exception-caught
            # A bug outside the handler (decoding, auth) must still produce a JSON answer.
            error = V3Error("InternalError", "emulator bug: " + traceback.format_exc(limit=3).replace("\n", " | "))
            answer, code = error_body(error, request_id), error.code
        kind = "+".join(k for k in (fault.kind if fault else None, notes.get("fault")) if k) or None
        if fault is not None and fault.kind == "drop_after_commit":
            emulator.log.finish(entry, fault=kind)
            return Reply(200, b"", drop=True)
        emulator.log.finish(entry, code=code, fault=kind)
        return Reply(200, answer)

    @staticmethod
    def _refuse_v1(method, headers, raw_query, raw_body):
        """Signature v1 (HmacSHA1/256 parameters) is not served on this face (v3.md 1.5 Recommended)."""
        if method == "POST" and decode.media_type(headers.get("content-type")) == decode.FORM:
            if "Signature" in parse_qs(raw_body.decode("latin-1")):
                raise V3Error(
                    "AuthFailure.SignatureFailure", "signature v1 (HmacSHA1/HmacSHA256 parameters) is not served on the 3.0 face; use TC3-HMAC-SHA256"
                )
            raise V3Error("AuthFailure.InvalidAuthorization", "TC3-HMAC-SHA256 requests POST application/json; a form body is the v1 signature's format")
        if method == "GET" and "authorization" not in headers and "Signature" in parse_qs(raw_query):
            raise V3Error("AuthFailure.SignatureFailure", "signature v1 (HmacSHA1/HmacSHA256 parameters) is not served on the 3.0 face; use TC3-HMAC-SHA256")

    @staticmethod
    def _route(headers):
        action = headers.get("x-tc-action")
        if not action:
            raise V3Error("MissingParameter", "the X-TC-Action header is missing")
        version = headers.get("x-tc-version")
        if not version:
            raise V3Error("MissingParameter", "the X-TC-Version header is missing")
        if version != VERSION:
            raise V3Error("NoSuchVersion", f"X-TC-Version {version} does not exist; the emulated version is {VERSION}")
        if action not in ACTION_NAMES:
            raise V3Error("InvalidAction", f"action {action} does not exist (emulated: {', '.join(ACTION_NAMES)})")
        region = headers.get("x-tc-region")
        if not region:
            raise V3Error("MissingParameter", "the X-TC-Region header is missing")
        if region not in REGION_OF:
            raise V3Error("UnsupportedRegion", f"region {region} is not supported (3.0 names such as ap-guangzhou)")
        return REGION_OF[region]

    def _check_rate(self, secret_id, action):
        emulator = self.emulator
        if not emulator.config.rate_limits:
            return
        rate = limit_of(action)
        if not emulator.limiter.allow((secret_id, FACE, action), rate):
            raise V3Error("RequestLimitExceeded", f"{action} is limited to {rate} requests per second per SecretId; retry with back-off")

    def _named(self, params):
        emulator = self.emulator
        if not emulator.faults.wants_instances():
            return frozenset()
        ids = params.get("InstanceIds") if isinstance(params, dict) else None
        named = {value for value in ids if isinstance(value, str)} if isinstance(ids, list) else set()
        with emulator.store.lock:
            for value in list(named):
                inst = emulator.store.get(value)
                if inst is not None:
                    named.update((inst.instance_id, inst.legacy_id))
        return frozenset(named)

    @staticmethod
    def _run(handler, ctx, params):
        try:
            return handler(ctx, params)
        except V3Error:
            raise
        except Exception:  # pylint: disable=broad-exception-caught
            raise V3Error("InternalError", "emulator bug: " + traceback.format_exc(limit=3).replace("\n", " | ")) from None

    def _short_circuit(self, entry, fault, request_id):
        answer = SHORT_CIRCUIT[fault.kind]
        log = self.emulator.log
        if answer is not None:
            error = V3Error(*answer)
            log.finish(entry, code=error.code, fault=fault.kind)
            return Reply(200, error_body(error, request_id))
        log.finish(entry, fault=fault.kind)
        if fault.kind == "http_500":
            return Reply(500, HTTP_500_BODY, content_type="text/html")
        return Reply(200, ('{"Response": {"RequestId": "' + request_id[:8]).encode("ascii"))
