# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""TC3-HMAC-SHA256 verification (api-notes/v3.md 1.4, 7 item 3).

Order: ``Authorization`` missing or unparsable -> AuthFailure.InvalidAuthorization;
unknown SecretId -> AuthFailure.SecretIdNotFound; ``X-TC-Timestamp`` missing
(MissingParameter) or not an integer (InvalidParameter); more than the
window away from server time -> AuthFailure.SignatureExpire; credential
scope (date = the UTC date of the timestamp, the action's service,
``tc3_request``), the signed headers or the signature itself wrong ->
AuthFailure.SignatureFailure; a configured security token missing or wrong
in ``X-TC-Token`` -> AuthFailure.TokenFailure.

The canonical request is rebuilt from what was received: the raw query
(GET; empty for POST), the raw body bytes, and the received value of every
header named in SignedHeaders (``Host`` as received: ``127.0.0.1:PORT``
locally).  There is no nonce in TC3: the timestamp window is the only
replay guard.
"""

import hashlib
import hmac
import re
import time

from .errors import V3Error

ALGORITHM = "TC3-HMAC-SHA256"
TERMINATOR = "tc3_request"
UNSIGNED = "UNSIGNED-PAYLOAD"
_HEX64 = re.compile(r"[0-9a-f]{64}")
_INT = re.compile(r"[0-9]+")


def _hmac(key, text):
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).digest()


def signature(secret_key, date, service, string_to_sign):
    k_date = _hmac(("TC3" + secret_key).encode("utf-8"), date)
    k_service = _hmac(k_date, service)
    k_signing = _hmac(k_service, TERMINATOR)
    return hmac.new(k_signing, string_to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


def canonical_request(method, raw_query, headers, signed, body):
    payload = UNSIGNED.encode("ascii") if headers.get("x-tc-content-sha256") == UNSIGNED else body
    lines = "".join(f"{name}:{headers[name].strip().lower()}\n" for name in signed)
    query = raw_query if method == "GET" else ""
    return "\n".join((method, "/", query, lines, ";".join(signed), hashlib.sha256(payload).hexdigest()))


def parse_authorization(value):
    """``TC3-HMAC-SHA256 Credential=ID/DATE/SERVICE/tc3_request, SignedHeaders=a;b, Signature=hex``."""
    if not value:
        raise V3Error("AuthFailure.InvalidAuthorization", "the Authorization header is missing (TC3-HMAC-SHA256 expected)")
    algorithm, _space, rest = value.strip().partition(" ")
    if algorithm != ALGORITHM:
        raise V3Error("AuthFailure.InvalidAuthorization", f"Authorization must start with {ALGORITHM}, got {algorithm!r}")
    parts = {}
    for item in rest.split(","):
        key, equals, text = item.strip().partition("=")
        if not equals:
            raise V3Error("AuthFailure.InvalidAuthorization", f"Authorization part {item.strip()!r} is not Key=Value")
        parts[key.strip()] = text.strip()
    missing = [key for key in ("Credential", "SignedHeaders", "Signature") if not parts.get(key)]
    if missing:
        raise V3Error("AuthFailure.InvalidAuthorization", f"Authorization lacks {', '.join(missing)}")
    credential = parts["Credential"].split("/")
    if len(credential) != 4 or not all(credential):
        raise V3Error("AuthFailure.InvalidAuthorization", "Credential must be SecretId/YYYY-MM-DD/service/tc3_request, got " + parts["Credential"])
    return credential, parts["SignedHeaders"], parts["Signature"]


class Tc3Verifier:
    def __init__(self, secret_id, secret_key, security_token, window, clock):
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.security_token = security_token
        self.window = window
        self.clock = clock

    def check(self, method, headers, raw_query, body, services):
        """Verify a request; ``services`` are the credential-scope services allowed for its action.

        Returns the SecretId.  ``headers`` maps lower-case names to the values received.
        """
        credential, signed_text, received = parse_authorization(headers.get("authorization"))
        secret_id, date, service, terminator = credential
        if not hmac.compare_digest(secret_id.encode("utf-8"), self.secret_id.encode("utf-8")):
            raise V3Error("AuthFailure.SecretIdNotFound", f"SecretId {secret_id} does not exist (or is disabled)")
        timestamp = headers.get("x-tc-timestamp")
        if not timestamp:
            raise V3Error("MissingParameter", "the X-TC-Timestamp header is missing")
        if not _INT.fullmatch(timestamp):
            raise V3Error("InvalidParameter", f"X-TC-Timestamp must be Unix seconds, got {timestamp!r}")
        now = self.clock()
        if self.window > 0 and abs(now - int(timestamp)) > self.window:
            raise V3Error(
                "AuthFailure.SignatureExpire",
                (f"signature expired: X-TC-Timestamp {timestamp} is more than {self.window:g} s away from server time {int(now)} (clock skew?)"),
            )
        expected_date = time.strftime("%Y-%m-%d", time.gmtime(int(timestamp)))
        if date != expected_date:
            raise _failure(f"the credential date {date} is not the UTC date of X-TC-Timestamp ({expected_date})")
        if service not in services:
            raise _failure(f"the credential scope names service {service!r}; this action is signed for {' or '.join(repr(name) for name in services)}")
        if terminator != TERMINATOR:
            raise _failure(f"the credential scope must end in {TERMINATOR}, got {terminator!r}")
        signed = signed_text.split(";")
        if signed != sorted(signed) or not {"content-type", "host"} <= set(signed):
            raise _failure(f"SignedHeaders must list content-type and host (lower case, sorted, ';'-separated), got {signed_text!r}")
        absent = [name for name in signed if name not in headers]
        if absent:
            raise _failure(f"signed header(s) {', '.join(absent)} not received")
        text = canonical_request(method, raw_query, headers, signed, body)
        string_to_sign = "\n".join(
            (ALGORITHM, timestamp, f"{date}/{service}/{TERMINATOR}", hashlib.sha256(text.encode("utf-8", "surrogateescape")).hexdigest())
        )
        expected = signature(self.secret_key, date, service, string_to_sign)
        if not _HEX64.fullmatch(received) or not hmac.compare_digest(expected, received):
            raise _failure(
                "signature mismatch (canonical request: method, '/', the raw query for GET, the signed headers as received, the SHA-256 of the raw body)"
            )
        if self.security_token is not None:
            token = headers.get("x-tc-token", "")
            if not hmac.compare_digest(token.encode("utf-8"), self.security_token.encode("utf-8")):
                raise V3Error("AuthFailure.TokenFailure", "X-TC-Token is missing or wrong for these temporary credentials")
        return secret_id


def _failure(detail):
    return V3Error("AuthFailure.SignatureFailure", "The provided credentials could not be validated. Please check your signature is correct. (" + detail + ")")
