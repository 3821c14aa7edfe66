# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What every API client does, whatever its wire protocol.

Private: may change without notice. ``ApiClient.call`` refuses actions that
change something when the client is read-only (check mode is enforced where
requests are sent, whatever a module's code does), sends with retries of the
same business parameters (each attempt signed anew), counts requests, turns
HTTP-library exceptions into TransportError and keeps secrets out of every
message. A protocol subclass says how to sign and encode one request
(``prepare``), how to read one answer (``decode``) and which actions only
read (``is_read_only``).
"""

from __future__ import annotations

import importlib
import importlib.util
import time

from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import QcloudError, ReadOnlyViolation, TransportError
from ansible_collections.qcloud.cvm.plugins.module_utils._api.rate_limits import PROCESS_PACER
from ansible_collections.qcloud.cvm.plugins.module_utils._api.retries import RetryPolicy
from ansible_collections.qcloud.cvm.plugins.module_utils._version import COLLECTION_VERSION

# requests is imported when the first client is made, not with this module: an
# inventory answered from its cache sends no request and is spared the import
# (about 50 ms, measured by tests/perf/bench_inventory.py).
HAS_REQUESTS = importlib.util.find_spec("requests") is not None

USER_AGENT = "ansible-collection-qcloud.cvm/{0}".format(COLLECTION_VERSION)
REDACTED = "********"


class Credentials:
    """An API key (and the session token of temporary credentials); repr never shows the secrets."""

    __slots__ = ("secret_id", "secret_key", "security_token")

    def __init__(self, secret_id, secret_key, security_token=None):
        self.secret_id = secret_id
        self.secret_key = secret_key
        self.security_token = security_token or None

    def secrets(self):
        return tuple(value for value in (self.secret_key, self.security_token) if value)

    def __repr__(self):
        return "Credentials(secret_id={0!r}, secret_key={1!r})".format(self.secret_id, REDACTED)


class PreparedRequest:
    """One signed attempt: the body and headers to POST, and the values it must never show."""

    __slots__ = ("body", "headers", "secrets")

    def __init__(self, body, headers, secrets=()):
        self.body = body
        self.headers = headers
        self.secrets = tuple(secrets)


class ApiClient:
    """One API key, one region, one endpoint, one keep-alive HTTP session."""

    protocol = None

    def __init__(
        self,
        credentials,
        region,
        endpoint,
        validate_certs=True,
        timeout=30,
        retry_policy=None,
        session=None,
        clock=time.time,
        read_only=False,
        pacer=PROCESS_PACER,
    ):
        if not HAS_REQUESTS:
            raise QcloudError("the Python library 'requests' is required")
        self.credentials = credentials
        self.region = region
        self.endpoint = endpoint
        self.validate_certs = validate_certs
        self.timeout = timeout
        self.retry_policy = retry_policy or RetryPolicy()
        self.read_only = read_only
        self._clock = clock
        self._requests = importlib.import_module("requests")
        self._session = session or self._requests.Session()
        # None: no pacing (tests that count requests without waiting).
        self.pacer = pacer
        self._settings = dict(validate_certs=validate_certs, timeout=timeout, retry_policy=self.retry_policy, clock=clock, read_only=read_only, pacer=pacer)
        # How many HTTP requests this client sent; benchmarks and tests read it.
        self.request_count = 0

    def clone(self):
        """A client like this one with an HTTP session of its own, for another thread."""
        return type(self)(self.credentials, self.region, self.endpoint, **self._clone_settings())

    def _clone_settings(self):
        return dict(self._settings)

    # -- what a protocol says ------------------------------------------------

    def is_read_only(self, action, params):
        raise NotImplementedError

    def prepare(self, action, params, now):
        """The PreparedRequest of one attempt at ``now`` (Unix seconds)."""
        raise NotImplementedError

    def decode(self, action, response, secrets):
        """The payload of ``response`` (a requests Response), or ApiError / TransportError."""
        raise NotImplementedError

    # -- what every client does ------------------------------------------------

    def call(self, action, params=None):
        """Send ``action`` with ``params``; the decoded payload, after the retries the policy allows."""
        params = params or {}
        if self.read_only and not self.is_read_only(action, params):
            raise ReadOnlyViolation("refusing to send {0}: this client is read-only (check mode)".format(action))
        return self.retry_policy.run(lambda: self._send_once(action, params), lambda error: getattr(error, "retryable", False))

    def _send_once(self, action, params):
        if self.pacer is not None:
            self.pacer.wait(self.protocol, self.credentials.secret_id, action)
        prepared = self.prepare(action, params, self._clock())
        headers = dict(prepared.headers)
        headers.setdefault("User-Agent", USER_AGENT)
        self.request_count += 1
        exceptions = self._requests.exceptions
        try:
            response = self._session.post(self.endpoint.url, data=prepared.body, headers=headers, timeout=self.timeout, verify=self.validate_certs)
        except exceptions.SSLError as error:
            raise TransportError(action, "TLS error talking to {0}: {1}".format(self.endpoint.url, self.scrub(error))) from None
        except exceptions.Timeout:
            raise TransportError(action, "no answer from {0} within {1} seconds".format(self.endpoint.url, self.timeout), retryable=True) from None
        except exceptions.ConnectionError as error:
            raise TransportError(action, "connection to {0} failed: {1}".format(self.endpoint.url, self.scrub(error)), retryable=True) from None
        except exceptions.RequestException as error:
            raise TransportError(action, "request to {0} failed: {1}".format(self.endpoint.url, self.scrub(error))) from None
        if response.status_code >= 500:
            raise TransportError(action, "HTTP {0} from {1}".format(response.status_code, self.endpoint.url), retryable=True, status=response.status_code)
        if response.status_code != 200:
            raise TransportError(action, "HTTP {0} from {1}".format(response.status_code, self.endpoint.url), status=response.status_code)
        return self.decode(action, response, prepared.secrets)

    def scrub(self, text, extra_secrets=()):
        """``text`` with every secret this client knows replaced by stars."""
        text = str(text)
        for secret in self.credentials.secrets() + tuple(extra_secrets):
            if secret:
                text = text.replace(secret, REDACTED)
        return text
