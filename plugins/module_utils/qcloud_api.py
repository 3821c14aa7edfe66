# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A client for Tencent Cloud's legacy API (``/v2/index.php``).

It signs, sends, retries and decodes; it raises typed errors. It knows HTTP and
the legacy protocol, and nothing about Ansible argument specs, so the modules
and the inventory plugin share it unchanged.

The protocol facts (section numbers refer to ``spec/legacy-cvm-api.md``):

* every request carries the common parameters Action, Region, Timestamp, Nonce,
  SecretId, SignatureMethod, Signature and, for temporary credentials, Token (1.2);
* the signature is an HMAC over METHOD + host + path + '?' + the sorted,
  un-encoded ``key=value`` pairs, where ``_`` in keys reads as ``.`` (1.3);
* list parameters travel as ``name.0``, ``name.1``, ... (1.4);
* answers are HTTP 200 JSON; ``code`` 0 is success, anything else an error (2.1).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import importlib.util
import json
import random
import time

from urllib.parse import urlsplit

# requests is imported when the first client is made, not with this module: an
# inventory answered from its cache sends no request and is spared the import
# (about 50 ms, measured by tests/perf/bench_inventory.py).
HAS_REQUESTS = importlib.util.find_spec("requests") is not None
REQUESTS_IMPORT_ERROR = None if HAS_REQUESTS else "ModuleNotFoundError: No module named 'requests'"

from ansible_collections.qcloud.cvm.plugins.module_utils.retries import RetryPolicy

DEFAULT_ENDPOINT = "https://cvm.api.qcloud.com/v2/index.php"
SIGNATURE_METHOD = "HmacSHA256"
USER_AGENT = "ansible-collection-qcloud.cvm/0.1.0"

# Parameter names whose values must never appear in a message or exception.
SECRET_PARAMETERS = frozenset(("password", "Signature", "Token"))
REDACTED = "********"

# The API answers that are safe to send again unchanged. A create keeps its
# clientToken across attempts, so even a create that did succeed is not repeated.
# 4400 is the rate limit and 6000 the internal error whose documented advice is
# "retry later"; OperationFail.SystemBusy ("purchase system busy") and
# InnerError.VpcError are the two module errors RunInstancesHour documents as
# transient. Everything else (bad parameters, auth, balance, ...) fails at once.
RETRYABLE_CODES = frozenset((4400, 6000))
RETRYABLE_CODE_DESCS = frozenset(("OperationFail.SystemBusy", "InnerError.VpcError"))

# Actions that change nothing. In check mode the client refuses every other
# action, so no code path of a module can mutate under --check.
READ_ONLY_ACTION_PREFIXES = ("Describe", "Inquiry")

# 4500 is the answer to both a reused nonce and a timestamp outside the
# server's window; the nonce is random 63-bit, so in practice it means skew.
REPLAY_CODE = 4500


class QcloudError(Exception):
    """Base of every error this client raises; ``result()`` feeds fail_json."""

    retryable = False

    def result(self):
        return {}


class QcloudReadOnlyError(QcloudError):
    """A mutating action was attempted by a read-only (check mode) client: a bug, never the user's fault."""


class QcloudApiError(QcloudError):
    """The API answered with a non-zero ``code``."""

    def __init__(self, action, code, code_desc, message):
        self.action = action
        self.code = code
        self.code_desc = code_desc
        self.api_message = message
        super().__init__(self._describe())

    def _describe(self):
        text = "{0} failed: code {1} ({2}): {3}".format(self.action, self.code, self.code_desc or "no codeDesc", self.api_message)
        if self.code == REPLAY_CODE:
            text += " (check this machine's clock: the request's timestamp must be within the server's window, and each nonce used once)"
        return text

    @property
    def retryable(self):
        return self.code in RETRYABLE_CODES or self.code_desc in RETRYABLE_CODE_DESCS

    def result(self):
        return {"api_error": {"action": self.action, "code": self.code, "code_desc": self.code_desc, "message": self.api_message}}


class QcloudTransportError(QcloudError):
    """No usable answer: a connection error, a timeout, an HTTP error or a body that is not JSON."""

    def __init__(self, action, message, retryable=False, status=None):
        self.action = action
        self.status = status
        self._retryable = retryable
        super().__init__("{0} failed: {1}".format(action, message))

    @property
    def retryable(self):
        return self._retryable

    def result(self):
        return {"transport_error": {"action": self.action, "http_status": self.status, "message": str(self)}}


def flatten_parameters(params):
    """Turn action parameters into the flat ``key -> str`` form the API takes.

    Lists become ``name.0``, ``name.1`` ... (0-based, spec 1.4); ``None`` means
    "not sent"; booleans become 1/0, the API's own encoding of yes and no.
    """
    flat = {}
    for name, value in params.items():
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                flat["{0}.{1}".format(name, index)] = _to_text(item)
        else:
            flat[name] = _to_text(value)
    return flat


def _to_text(value):
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def string_to_sign(http_method, host, path, params):
    """The exact text the legacy API signs (spec 1.3 steps 1-5)."""
    pairs = sorted((key.replace("_", "."), value) for key, value in params.items() if key != "Signature")
    query = "&".join("{0}={1}".format(key, value) for key, value in pairs)
    return "{0}{1}{2}?{3}".format(http_method.upper(), host, path, query)


def sign(secret_key, text, signature_method=SIGNATURE_METHOD):
    """Base64 HMAC of ``text``: SHA-256 for HmacSHA256, SHA-1 otherwise (spec 1.3 step 6)."""
    digest = hashlib.sha256 if signature_method == "HmacSHA256" else hashlib.sha1
    mac = hmac.new(secret_key.encode("utf-8"), text.encode("utf-8"), digest)
    return base64.b64encode(mac.digest()).decode("ascii")


def host_header(endpoint):
    """The Host header requests sends for ``endpoint``: the port only when it is not the scheme's default."""
    parts = urlsplit(endpoint)
    default_port = {"http": 80, "https": 443}.get(parts.scheme)
    if parts.port and parts.port != default_port:
        return "{0}:{1}".format(parts.hostname, parts.port)
    return parts.hostname


class QcloudClient:
    """One API key, one region, one keep-alive HTTP session."""

    def __init__(self, secret_id, secret_key, region, endpoint=DEFAULT_ENDPOINT, security_token=None,
                 validate_certs=True, timeout=30, retries=4, retry_policy=None, session=None, clock=time.time, read_only=False):
        if not HAS_REQUESTS:
            raise QcloudError("the Python library 'requests' is required")
        self.secret_id = secret_id
        self._secret_key = secret_key
        self._security_token = security_token
        self.region = region
        self.endpoint = endpoint
        self.validate_certs = validate_certs
        self.timeout = timeout
        self.retry_policy = retry_policy or RetryPolicy(retries=retries)
        self._requests = importlib.import_module("requests")
        self._session = session or self._requests.Session()
        self._clock = clock
        self.read_only = read_only
        self._random = random.SystemRandom()
        parts = urlsplit(endpoint)
        self._host = host_header(endpoint)
        self._path = parts.path or "/"
        # How many HTTP requests this client sent; benchmarks and tests read it.
        self.request_count = 0

    def call(self, action, params=None):
        """Send ``action`` and return the decoded answer (the whole JSON object).

        Raises QcloudApiError for a non-zero code and QcloudTransportError when
        no usable answer came back, after the retries the policy allows.
        """
        if self.read_only and not action.startswith(READ_ONLY_ACTION_PREFIXES):
            raise QcloudReadOnlyError("refusing to send {0}: this client is read-only (check mode)".format(action))
        business = flatten_parameters(params or {})
        return self.retry_policy.run(lambda: self._send_once(action, business), lambda error: error.retryable)

    def _signed_parameters(self, action, business):
        # A fresh Timestamp and Nonce on every attempt: the server refuses a
        # reused nonce (4500), and the business parameters stay identical.
        params = dict(business)
        params.update({
            "Action": action,
            "Region": self.region,
            "Timestamp": str(int(self._clock())),
            "Nonce": str(self._random.randint(1, 2 ** 63 - 1)),
            "SecretId": self.secret_id,
            "SignatureMethod": SIGNATURE_METHOD,
        })
        if self._security_token:
            params["Token"] = self._security_token
        params["Signature"] = sign(self._secret_key, string_to_sign("POST", self._host, self._path, params))
        return params

    def _send_once(self, action, business):
        params = self._signed_parameters(action, business)
        self.request_count += 1
        try:
            response = self._session.post(
                self.endpoint,
                data=params,
                headers={"Host": self._host, "User-Agent": USER_AGENT},
                timeout=self.timeout,
                verify=self.validate_certs,
            )
        except self._requests.exceptions.SSLError as error:
            raise QcloudTransportError(action, "TLS error talking to {0}: {1}".format(self.endpoint, self.scrub(error))) from None
        except self._requests.exceptions.Timeout:
            raise QcloudTransportError(action, "no answer from {0} within {1} seconds".format(self.endpoint, self.timeout), retryable=True) from None
        except self._requests.exceptions.ConnectionError as error:
            raise QcloudTransportError(action, "connection to {0} failed: {1}".format(self.endpoint, self.scrub(error)), retryable=True) from None
        except self._requests.exceptions.RequestException as error:
            raise QcloudTransportError(action, "request to {0} failed: {1}".format(self.endpoint, self.scrub(error))) from None
        return self._decode(action, response, business)

    def _decode(self, action, response, business):
        if response.status_code >= 500:
            raise QcloudTransportError(action, "HTTP {0} from {1}".format(response.status_code, self.endpoint),
                                       retryable=True, status=response.status_code)
        if response.status_code != 200:
            raise QcloudTransportError(action, "HTTP {0} from {1}".format(response.status_code, self.endpoint), status=response.status_code)
        try:
            answer = json.loads(response.text)
        except ValueError:
            raise QcloudTransportError(action, "the answer from {0} is not JSON".format(self.endpoint), status=200) from None
        if not isinstance(answer, dict) or "code" not in answer:
            raise QcloudTransportError(action, "the answer from {0} has no 'code'".format(self.endpoint), status=200)
        try:
            code = int(answer["code"])  # some legacy products send "0" as a string
        except (TypeError, ValueError):
            raise QcloudTransportError(action, "the answer's 'code' is not a number: {0!r}".format(answer["code"]), status=200) from None
        if code != 0:
            secrets = [business.get(name) for name in SECRET_PARAMETERS]
            raise QcloudApiError(action, code, answer.get("codeDesc"), self.scrub(answer.get("message", ""), secrets))
        return answer

    def scrub(self, text, extra_secrets=()):
        """``text`` with every secret value this client knows replaced by stars."""
        text = str(text)
        for secret in (self._secret_key, self._security_token) + tuple(extra_secrets):
            if secret:
                text = text.replace(secret, REDACTED)
        return text
