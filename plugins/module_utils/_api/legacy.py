# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The legacy API's wire protocol (``/v2/index.php``): HmacSHA256 over form-encoded POST.

Private: may change without notice. Section numbers refer to
``docs/api-notes/legacy.md``:

* every request carries the common parameters Action, Region, Timestamp, Nonce,
  SecretId, SignatureMethod, Signature and, for temporary credentials, Token (1.2);
* the signature is an HMAC over METHOD + host + path + '?' + the sorted,
  un-encoded ``key=value`` pairs, where ``_`` in keys reads as ``.`` (1.3);
* list parameters travel as ``name.0``, ``name.1``, ..., objects as ``name.key`` (1.4);
* answers are HTTP 200 JSON; ``code`` 0 is success, anything else an error (2.1).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import random

from ansible_collections.qcloud.cvm.plugins.module_utils._api.base import ApiClient, PreparedRequest
from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import ApiError, TransportError

SIGNATURE_METHOD = "HmacSHA256"

# Parameters whose values must never appear in a message.
SECRET_PARAMETERS = ("password", "Signature", "Token")

# 4400 is the rate limit and 6000 the internal error whose documented advice
# is "retry later" (2.2); OperationFail.SystemBusy and InnerError.VpcError are
# the two errors RunInstancesHour documents as transient (2.3). A create keeps
# its clientToken across attempts, so a create that did succeed is not repeated.
RETRYABLE_CODES = frozenset((4400, 6000))
RETRYABLE_CLASSES = frozenset(("OperationFail.SystemBusy", "InnerError.VpcError"))
THROTTLED_CODE = 4400
# 4500 answers both a reused nonce and a timestamp outside the server's window;
# the nonce is random 63-bit, so in practice it means clock skew (1.5).
REPLAY_CODE = 4500

# Actions that change nothing; a read-only client sends no other.
READ_ONLY_PREFIXES = ("Describe", "Inquiry")


def flatten_parameters(params, prefix=""):
    """Action parameters in the flat ``key -> str`` form the API takes (1.4).

    Lists become ``name.0``, ``name.1`` ... (0-based), dicts ``name.key``;
    ``None`` means "not sent"; booleans are 1/0, the API's own yes and no.
    """
    flat = {}
    for name, value in params.items():
        key = "{0}{1}".format(prefix, name)
        if value is None:
            continue
        if isinstance(value, dict):
            flat.update(flatten_parameters(value, key + "."))
        elif isinstance(value, (list, tuple)):
            flat.update(flatten_parameters({str(index): item for index, item in enumerate(value)}, key + "."))
        elif isinstance(value, bool):
            flat[key] = "1" if value else "0"
        else:
            flat[key] = str(value)
    return flat


def string_to_sign(http_method, host, path, params):
    """The exact text the legacy API signs (1.3 steps 1-5)."""
    pairs = sorted((key.replace("_", "."), value) for key, value in params.items() if key != "Signature")
    query = "&".join("{0}={1}".format(key, value) for key, value in pairs)
    return "{0}{1}{2}?{3}".format(http_method.upper(), host, path, query)


def sign(secret_key, text, signature_method=SIGNATURE_METHOD):
    """Base64 HMAC of ``text``: SHA-256 for HmacSHA256, SHA-1 otherwise (1.3 step 6)."""
    digest = hashlib.sha256 if signature_method == "HmacSHA256" else hashlib.sha1
    mac = hmac.new(secret_key.encode("utf-8"), text.encode("utf-8"), digest)
    return base64.b64encode(mac.digest()).decode("ascii")


class LegacyClient(ApiClient):
    """A client of the legacy API on one host (``cvm.api.qcloud.com``, or ``dfw.api.qcloud.com`` for security groups)."""

    protocol = "legacy"

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._random = random.SystemRandom()

    def is_read_only(self, action, params):
        return action.startswith(READ_ONLY_PREFIXES)

    def prepare(self, action, params, now):
        # A fresh Timestamp and Nonce on every attempt: the server refuses a
        # reused nonce (4500), and the business parameters stay identical.
        signed = flatten_parameters(params)
        signed.update(
            {
                "Action": action,
                "Region": self.region,
                "Timestamp": str(int(now)),
                "Nonce": str(self._random.randint(1, 2**63 - 1)),
                "SecretId": self.credentials.secret_id,
                "SignatureMethod": SIGNATURE_METHOD,
            }
        )
        if self.credentials.security_token:
            signed["Token"] = self.credentials.security_token
        text = string_to_sign("POST", self.endpoint.host_header, self.endpoint.path, signed)
        signed["Signature"] = sign(self.credentials.secret_key, text)
        secrets = [signed.get(name) for name in SECRET_PARAMETERS if signed.get(name)]
        return PreparedRequest(signed, {"Host": self.endpoint.host_header}, secrets)

    def decode(self, action, response, secrets):
        try:
            answer = json.loads(response.text)
        except ValueError:
            raise TransportError(action, "the answer from {0} is not JSON".format(self.endpoint.url), status=200) from None
        if not isinstance(answer, dict) or "code" not in answer:
            raise TransportError(action, "the answer from {0} has no 'code'".format(self.endpoint.url), status=200)
        try:
            code = int(answer["code"])  # some legacy products send "0" as a string (2.1)
        except (TypeError, ValueError):
            raise TransportError(action, "the answer's 'code' is not a number: {0!r}".format(answer["code"]), status=200) from None
        if code != 0:
            raise legacy_error(action, code, answer, lambda text: self.scrub(text, secrets))
        return answer


def legacy_error(action, code, answer, scrub):
    """The ApiError of a legacy answer with a non-zero ``code``: its class is ``codeDesc``, else the number."""
    code_class = answer.get("codeDesc") or str(code)
    hint = None
    if code == REPLAY_CODE:
        hint = "check this machine's clock: the request's timestamp must be within the server's window, and each nonce used once"
    return ApiError(
        action,
        code_class,
        "{0} (code {1})".format(scrub(answer.get("message", "")), code),
        request_id=answer.get("requestId"),
        retryable=code in RETRYABLE_CODES or code_class in RETRYABLE_CLASSES,
        throttled=code == THROTTLED_CODE,
        hint=hint,
        payload=answer,
    )
