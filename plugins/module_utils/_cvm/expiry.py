# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Expiry times: durations such as ``8h``, times in ISO 8601, and when each instance of a task should go.

Private: may change without notice. API 3.0 takes a timer's time as ISO
8601 in UTC, at least 5 minutes ahead (api-notes/v3.md 10.1.1).
"""

from __future__ import annotations

import calendar
import re
import time

DURATION = re.compile(r"^\s*(?:(\d+)\s*d)?\s*(?:(\d+)\s*h)?\s*(?:(\d+)\s*m)?\s*$", re.IGNORECASE)
ISO_FORMAT = "%Y-%m-%dT%H:%M:%SZ"
# The API refuses a timer less than 5 minutes ahead; a few more cover a create that takes a while.
MIN_LEAD = 10 * 60
# Two expiry times this close are the same (a timer set at create is set a few seconds before the creation time).
SAME_TIME = 5 * 60


class TimeFormatError(ValueError):
    """A duration or a time that cannot be read; the message says what is accepted."""


def parse_duration(text):
    """Seconds in a duration such as ``30m``, ``8h``, ``2d`` or ``1d12h``."""
    match = DURATION.match(str(text))
    if not match or not any(match.groups()):
        raise TimeFormatError("{0!r} is not a duration: use days, hours and minutes such as 30m, 8h, 2d or 1d12h".format(text))
    days, hours, minutes = (int(value or 0) for value in match.groups())
    return ((days * 24 + hours) * 60 + minutes) * 60


def parse_time(text):
    """Unix seconds of ``2024-05-01T10:00:00Z``, ``2024-05-01T18:00:00+08:00`` or ``2024-05-01 10:00:00`` (taken as UTC)."""
    value = str(text).strip()
    offset = 0
    zone = re.search(r"(Z|[+-]\d{2}:?\d{2})$", value)
    if zone:
        marker = zone.group(1)
        value = value[: zone.start()]
        if marker != "Z":
            sign = 1 if marker[0] == "+" else -1
            digits = marker[1:].replace(":", "")
            offset = sign * (int(digits[:2]) * 3600 + int(digits[2:]) * 60)
    for layout in ("%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"):
        try:
            return calendar.timegm(time.strptime(value, layout)) - offset
        except ValueError:
            continue
    raise TimeFormatError("{0!r} is not a time: use ISO 8601 such as 2024-05-01T10:00:00Z or 2024-05-01T18:00:00+08:00".format(text))


def iso(epoch):
    """``2024-05-01T10:00:00Z``, the form API 3.0 takes and answers."""
    return time.strftime(ISO_FORMAT, time.gmtime(int(epoch)))


def wanted_expiry(spec, created_time=None, now=None):
    """When an instance of ``spec`` should be given back (Unix seconds), or None when the task sets no expiry.

    ``expire_at`` is one time for every instance; ``expire_after`` counts from
    each instance's creation (``created_time``, ISO), or from ``now`` for one
    about to be bought.
    """
    if spec.expire_at:
        return parse_time(spec.expire_at)
    if spec.expire_after:
        start = parse_time(created_time) if created_time else (time.time() if now is None else now)
        return int(start) + spec.expire_after
    return None


def same_time(first, second):
    return first is not None and second is not None and abs(int(first) - int(second)) <= SAME_TIME
