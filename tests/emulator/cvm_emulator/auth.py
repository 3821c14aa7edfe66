# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Common-parameter checks in the order of api-notes/legacy.md section 7, steps 2-5.

missing Action/Region/Timestamp/Nonce/SecretId/Signature (4000) -> unknown
SecretId (4104) -> Token (4105) -> signature (4100) -> timestamp window (4500)
-> nonce reuse (4500).  Version, Action and Region are checked by the
pipeline afterwards.
"""

import collections
import hmac
import re
import threading

from . import signing
from .errors import MISSING, NOT_INTEGER, ApiError, invalid

COMMON_REQUIRED = ("Action", "Region", "Timestamp", "Nonce", "SecretId", "Signature")
_UINT = re.compile(r"[0-9]+")


class Authenticator:
    def __init__(self, secret_id, secret_key, security_token, window, clock, host_for=None):
        """``host_for(action)``: the real host an action is signed for (default cvm.api.qcloud.com)."""
        self.host_for = host_for or (lambda _action: signing.API_HOST)
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.security_token = security_token
        self.window = window
        self.clock = clock
        self._lock = threading.Lock()
        self._seen = set()
        # (time seen, key) in arrival order, so expiry is a pop from the left.
        self._expiry = collections.deque()

    def check(self, method, host_header, params):
        for name in COMMON_REQUIRED:
            if params.get(name, "") == "":
                raise invalid(f"missing required common parameter {name}", MISSING)
        for name in ("Timestamp", "Nonce"):
            if not _UINT.fullmatch(params[name]):
                raise invalid(f"{name} must be an unsigned integer, got {params[name]!r}", NOT_INTEGER)
        if int(params["Nonce"]) == 0:
            raise invalid("Nonce must be a positive integer", NOT_INTEGER)
        if not hmac.compare_digest(params["SecretId"].encode("utf-8"), self.secret_id.encode("utf-8")):
            raise ApiError("AuthFailure.SecretIdNotFound", f"SecretId {params['SecretId']} does not exist")
        if self.security_token is not None:
            token = params.get("Token", "")
            if not hmac.compare_digest(token.encode("utf-8"), self.security_token.encode("utf-8")):
                raise ApiError("AuthFailure.TokenFailure", "Token is missing or wrong for these temporary credentials")
        hosts = signing.candidate_hosts(host_header, self.host_for(params["Action"]))
        if not signing.verify(method, hosts, params, self.secret_key):
            algorithm = "HmacSHA256" if signing.digest_name(params) == "sha256" else "HmacSHA1"
            raise ApiError(
                "AuthFailure",
                (
                    f"signature mismatch: expected {algorithm} over {method} + host + /v2/index.php + '?' + "
                    f"every parameter but Signature sorted by key with raw values; hosts tried: {', '.join(hosts)}"
                ),
            )
        if self.window > 0:
            self._check_replay(params)

    def _check_replay(self, params):
        now = self.clock()
        timestamp = int(params["Timestamp"])
        if abs(now - timestamp) > self.window:
            raise ApiError(
                "InvalidRequest.ReplayAttack",
                (f"Timestamp {timestamp} is outside the allowed window of +/-{self.window:g} s around server time {int(now)} (clock skew)"),
            )
        key = (params["SecretId"], int(params["Nonce"]))
        with self._lock:
            while self._expiry and self._expiry[0][0] < now - self.window:
                self._seen.discard(self._expiry.popleft()[1])
            if key in self._seen:
                raise ApiError(
                    "InvalidRequest.ReplayAttack", (f"Nonce {params['Nonce']} was reused for this SecretId within the {self.window:g} s window (replay)")
                )
            self._seen.add(key)
            self._expiry.append((now, key))

    def forget_nonces(self):
        with self._lock:
            self._seen.clear()
            self._expiry.clear()
