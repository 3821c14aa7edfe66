# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Tencent Cloud API 3.0's wire protocol: TC3-HMAC-SHA256 over JSON POST.

Private: may change without notice. Section numbers refer to
``docs/api-notes/v3.md``:

* every request is a POST of the action's parameters as a JSON body with
  ``Content-Type: application/json``, exactly (1.2); the action, version,
  timestamp, region and session token travel as ``X-TC-*`` headers (1.3);
* the signature is an HMAC chain over a canonical request that covers the
  Content-Type and Host headers and the SHA-256 of the body bytes, scoped to
  the UTC date and the service (1.4);
* answers are HTTP 200 JSON ``{"Response": {...}}``; an error is a
  ``Response.Error`` with ``Code`` and ``Message`` (1.6);
* which error codes are worth resending is our reading of 1.7.

The signing functions are pure and take the exact method, path, query string,
headers and body bytes, so the worked examples of section 2 (GET ones
included) can be reproduced with them; the client only ever POSTs.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

from ansible_collections.qcloud.cvm.plugins.module_utils._api.base import ApiClient, PreparedRequest
from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import ApiError, TransportError
from ansible_collections.qcloud.cvm.plugins.module_utils._version import COLLECTION_VERSION

ALGORITHM = "TC3-HMAC-SHA256"
TERMINATOR = "tc3_request"

DEFAULT_SERVICE = "cvm"
DEFAULT_VERSION = "2017-03-12"

# Exactly this: a "; charset=utf-8" would be signed too, and some HTTP
# libraries add one silently; we send the header ourselves, byte for byte (1.3).
CONTENT_TYPE = "application/json"
# Error messages reach the user in the task result; English is what an
# Ansible user most likely reads. The only other value is zh-CN (1.3).
LANGUAGE = "en-US"
# The SDK accepts only [0-9a-zA-Z-_,;.] here, so no slash before the version.
REQUEST_CLIENT = "ansible-qcloud.cvm_{0}".format(COLLECTION_VERSION)

# Parameters whose values must never appear in a message, wherever they sit:
# LoginSettings.Password of RunInstances (and of ResetInstance), the top-level
# Password of ResetInstancesPassword.
SECRET_PARAMETERS = ("Password",)

# Actions that change nothing; a read-only client sends no other (RunInstances
# with DryRun aside, see V3Client.is_read_only).
READ_ONLY_PREFIXES = ("Describe", "Inquiry")

# The create. Without a ClientToken the server cannot tell a resent request
# from a second create, so one is never sent twice (4.1).
CREATE_ACTION = "RunInstances"

# Rate limiting: the request was refused before it did anything, so it is safe
# to resend after a back-off; the sub-codes (IPLimitExceeded, UinLimitExceeded,
# GlobalRegionUinLimitExceeded, ...) are the same refusal counted per caller (1.7).
THROTTLED_CLASS = "RequestLimitExceeded"
# Errors of the platform rather than of the request: InternalError and its
# sub-codes, and a service that is briefly down (1.7).
RETRYABLE_CLASSES = frozenset((THROTTLED_CLASS, "InternalError"))
# The instance (or the service) is busy with something else: the same request
# succeeds once it is done (1.7, the CVM-specific transient codes). The
# UnsupportedOperation.InstanceState* codes that 1.7 also lists are not
# retried here: whether waiting helps depends on what the caller asked for
# (stopping an instance that is still Pending), so the caller decides.
RETRYABLE_CODES = frozenset(
    (
        "InternalServerError",
        "ServiceUnavailable",
        "ResourceInUse",
        "MutexOperation.TaskRunning",
        "OperationDenied.InstanceOperationInProgress",
    )
)
# The timestamp is more than 5 minutes from the server's time (1.3, 1.7). A
# retry signs with the same clock, so it fails again: say what to fix instead.
SIGNATURE_EXPIRED = "AuthFailure.SignatureExpire"
CLOCK_HINT = "check this machine's clock: Tencent Cloud refuses a request whose X-TC-Timestamp is more than 5 minutes from its own time"


# -- signing (1.4), pure functions ---------------------------------------------


def sha256_hex(data):
    """Lower-case hex SHA-256 of ``data`` (bytes, or text taken as UTF-8)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def canonical_headers(headers):
    """CanonicalHeaders and SignedHeaders of the headers to sign (1.4 step 3).

    ``headers`` maps each signed header's name to its value as sent; names
    and values are lower-cased and trimmed, and sorted by name.
    """
    items = sorted((name.strip().lower(), str(value).strip().lower()) for name, value in headers.items())
    canonical = "".join("{0}:{1}\n".format(name, value) for name, value in items)
    return canonical, ";".join(name for name, dummy in items)


def canonical_request(method, path, query, headers, payload):
    """The CanonicalRequest (1.4 steps 1-4).

    ``query`` is the exact text after ``?`` (empty for POST), ``headers`` the
    signed headers as sent and ``payload`` the exact body bytes (empty for GET).
    """
    canonical, signed = canonical_headers(headers)
    # ``canonical`` ends in a newline, hence the empty line before SignedHeaders.
    return "\n".join((method.upper(), path, query, canonical, signed, sha256_hex(payload)))


def utc_date(timestamp):
    """``YYYY-MM-DD`` of ``timestamp`` in UTC, whatever this machine's time zone (1.4 step 5)."""
    return time.strftime("%Y-%m-%d", time.gmtime(int(timestamp)))


def credential_scope(date, service=DEFAULT_SERVICE):
    """``<date>/<service>/tc3_request`` (1.4 step 5)."""
    return "{0}/{1}/{2}".format(date, service, TERMINATOR)


def string_to_sign(timestamp, scope, canonical):
    """The StringToSign of a CanonicalRequest (1.4 step 6)."""
    return "\n".join((ALGORITHM, str(int(timestamp)), scope, sha256_hex(canonical)))


def _hmac(key, text):
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def derive_keys(secret_key, date, service=DEFAULT_SERVICE):
    """kDate, kService and kSigning as raw bytes (1.4 step 7)."""
    k_date = _hmac(("TC3" + secret_key).encode("utf-8"), date)
    k_service = _hmac(k_date, service)
    return k_date, k_service, _hmac(k_service, TERMINATOR)


def signature(secret_key, date, service, text):
    """Lower-case hex HMAC-SHA256 of a StringToSign under the derived key (1.4 step 8)."""
    signing_key = derive_keys(secret_key, date, service)[2]
    return hmac.new(signing_key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def authorization(secret_id, scope, signed_headers, signature_hex):
    """The Authorization header value (1.4 step 9; note the ``, `` separators)."""
    return "{0} Credential={1}/{2}, SignedHeaders={3}, Signature={4}".format(ALGORITHM, secret_id, scope, signed_headers, signature_hex)


def sign(secret_id, secret_key, timestamp, method, path, query, headers, payload, service=DEFAULT_SERVICE):
    """The Authorization header of one request: 1.4 steps 1-9 in a row."""
    date = utc_date(timestamp)
    scope = credential_scope(date, service)
    canonical = canonical_request(method, path, query, headers, payload)
    text = string_to_sign(timestamp, scope, canonical)
    return authorization(secret_id, scope, canonical_headers(headers)[1], signature(secret_key, date, service, text))


# -- what to send ----------------------------------------------------------------


def without_none(value):
    """``value`` with every ``None`` member of a dict left out: as for the legacy client, ``None`` means "not sent"."""
    if isinstance(value, dict):
        return {key: without_none(item) for key, item in value.items() if item is not None}
    if isinstance(value, (list, tuple)):
        return [without_none(item) for item in value]
    return value


def encode_body(params):
    """The JSON body bytes of ``params`` (1.2).

    Serialised as the official Python SDK does (default separators, keys in
    the caller's order, non-ASCII as ``\\uXXXX``), so the bytes are pure ASCII
    and the same as the SDK's for the same dict. These bytes are both signed
    and sent: nothing re-encodes them on the way.
    """
    return json.dumps(without_none(params), ensure_ascii=True).encode("ascii")


def secret_values(params):
    """The values of every SECRET_PARAMETERS key at any depth of ``params``."""
    found = []
    if isinstance(params, dict):
        for key, value in params.items():
            if key in SECRET_PARAMETERS and isinstance(value, str) and value:
                found.append(value)
            else:
                found.extend(secret_values(value))
    elif isinstance(params, (list, tuple)):
        for item in params:
            found.extend(secret_values(item))
    return found


def may_resend(action, params):
    """Whether the same request may be sent again after a failure (1.7, 4.1).

    Only a create without a ClientToken may not: after a timeout or an error
    the instances may exist anyway, and a second request would create them
    again, at a cost. With a ClientToken the server recognises the resend.
    """
    return action != CREATE_ACTION or bool(params.get("ClientToken"))


# -- what an answer means ----------------------------------------------------------


def error_class(code):
    """The part of an error code before its first dot: ``RequestLimitExceeded`` of ``RequestLimitExceeded.IPLimitExceeded``."""
    return code.split(".", 1)[0]


def is_throttled(code):
    return error_class(code) == THROTTLED_CLASS


def is_retryable(code):
    return error_class(code) in RETRYABLE_CLASSES or code in RETRYABLE_CODES


def v3_error(action, error, request_id, scrub):
    """The ApiError of a ``Response.Error`` (1.6): its ``Code`` is the class, its ``Message`` the text."""
    code = str(error["Code"])
    hint = CLOCK_HINT if code == SIGNATURE_EXPIRED else None
    return ApiError(action, code, scrub(error.get("Message", "")), request_id=request_id, retryable=is_retryable(code), throttled=is_throttled(code), hint=hint)


class V3Client(ApiClient):
    """A client of one API 3.0 service (``cvm`` by default) on one endpoint, for one region.

    ``service`` and ``version`` are what the credential scope and
    ``X-TC-Version`` carry, so another product (``vpc``, ``2017-03-12``) can
    reuse the client; every other argument is ApiClient's.
    """

    protocol = "v3"

    def __init__(self, *args, service=DEFAULT_SERVICE, version=DEFAULT_VERSION, **kwargs):
        super().__init__(*args, **kwargs)
        self.service = service
        self.version = version

    def _clone_settings(self):
        return dict(super()._clone_settings(), service=self.service, version=self.version)

    def __repr__(self):
        return "V3Client(service={0!r}, region={1!r}, endpoint={2!r})".format(self.service, self.region, self.endpoint)

    def is_read_only(self, action, params):
        # Check mode validates a create with DryRun, which creates nothing (4.2).
        if action == CREATE_ACTION:
            return params.get("DryRun") is True
        return action.startswith(READ_ONLY_PREFIXES)

    def prepare(self, action, params, now):
        # Each attempt is signed anew with a fresh timestamp; the body bytes
        # stay the same, so a resend carries the same ClientToken (1.7).
        timestamp = int(now)
        body = encode_body(params)
        signed = {"Host": self.endpoint.host_header, "Content-Type": CONTENT_TYPE}
        credentials = self.credentials
        headers = dict(signed)
        headers.update(
            {
                "X-TC-Action": action,
                "X-TC-Version": self.version,
                "X-TC-Timestamp": str(timestamp),
                # Sent for every action, even those that document it as optional (1.3).
                "X-TC-Region": self.region,
            }
        )
        if credentials.security_token:
            # Temporary credentials only; not signed (1.3).
            headers["X-TC-Token"] = credentials.security_token
        headers["X-TC-Language"] = LANGUAGE
        headers["X-TC-RequestClient"] = REQUEST_CLIENT
        headers["Authorization"] = sign(credentials.secret_id, credentials.secret_key, timestamp, "POST", self.endpoint.path, "", signed, body, self.service)
        secrets = secret_values(params)
        if credentials.security_token:
            secrets.append(credentials.security_token)
        return PreparedRequest(body, headers, secrets)

    def decode(self, action, response, secrets):
        try:
            # The bytes, not response.text: requests would guess a charset
            # from the Content-Type, json detects UTF-8 itself.
            answer = json.loads(response.content)
        except ValueError:
            raise TransportError(action, "the answer from {0} is not JSON".format(self.endpoint.url), status=200) from None
        payload = answer.get("Response") if isinstance(answer, dict) else None
        if not isinstance(payload, dict):
            raise TransportError(action, "the answer from {0} has no 'Response' object".format(self.endpoint.url), status=200)
        error = payload.get("Error")
        if error is not None:
            if not isinstance(error, dict) or not error.get("Code"):
                raise TransportError(action, "the answer from {0} has an 'Error' without a 'Code'".format(self.endpoint.url), status=200)
            raise v3_error(action, error, payload.get("RequestId"), lambda text: self.scrub(text, secrets))
        return payload

    def _send_once(self, action, params):
        # A create without ClientToken is sent at most once, whatever failed:
        # its errors are made non-retryable here, so neither the retry policy
        # nor a caller that reads ``retryable`` sends it again (4.1).
        try:
            return super()._send_once(action, params)
        except (ApiError, TransportError) as error:
            if error.retryable and not may_resend(action, params):
                error.retryable = False
            raise
