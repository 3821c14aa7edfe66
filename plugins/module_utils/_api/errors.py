# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The errors the collection raises, from the transport up.

Private: may change without notice. Every error knows the structured fields
it adds to a failed task (``details()``), so the modules turn any of them into
one failure without knowing which layer raised it.
"""

from __future__ import annotations


class QcloudError(Exception):
    """Base of every error of the collection."""

    retryable = False

    def details(self):
        """Structured fields for the task's failure result."""
        return {}


class ConfigError(QcloudError):
    """An option cannot be used (a missing credential, an unknown region, a malformed endpoint, ...)."""


class ReadOnlyViolation(QcloudError):
    """A client made read-only (check mode) was asked to change something: a bug, never the user's fault."""


class ApiError(QcloudError):
    """The API answered with an error.

    ``code`` is the API's error class as text (for example
    ``InvalidParameter.InvaildZoneId`` or ``InvalidZone.MismatchRegion``),
    ``message`` its text and ``request_id`` its request ID where it sends one.
    ``retryable`` and ``throttled`` are decided by the protocol that decoded it.
    """

    def __init__(self, action, code, message, request_id=None, retryable=False, throttled=False, hint=None, payload=None):
        self.action = action
        # The whole decoded answer, for protocols whose errors carry more (legacy batch ``detail``).
        self.payload = payload or {}
        self.code = code
        self.api_message = message
        self.request_id = request_id
        self.retryable = retryable
        self.throttled = throttled
        text = "{0} failed: {1}: {2}".format(action, code, message)
        if request_id:
            text += " (request ID {0})".format(request_id)
        if hint:
            text += " ({0})".format(hint)
        super().__init__(text)

    def details(self):
        return {"api_error": {"action": self.action, "code": self.code, "message": self.api_message, "request_id": self.request_id}}


class TransportError(QcloudError):
    """No usable answer: a connection error, a timeout, an HTTP error or a body that cannot be read."""

    def __init__(self, action, message, retryable=False, status=None):
        self.action = action
        self.status = status
        self.retryable = retryable
        super().__init__("{0} failed: {1}".format(action, message))

    def details(self):
        return {"transport_error": {"action": self.action, "http_status": self.status, "message": str(self)}}


class TaskFailure(QcloudError):
    """A task cannot go on: ``message`` says why and what to do; ``cause`` is the error behind it, if any."""

    def __init__(self, message, cause=None):
        self.cause = cause
        super().__init__(message)

    def details(self):
        return self.cause.details() if isinstance(self.cause, QcloudError) else {}
