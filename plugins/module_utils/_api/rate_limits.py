# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pacing requests within the API's per-action rate limits, across every thread of the process.

Private: may change without notice. Tencent documents a default limit per
action and account (api-notes/v3.md 1.7: RunInstances 10/s, DescribeInstances
40/s, ...); the legacy API documents none, so a legacy action takes the limit
of the 3.0 action of the same meaning, and an action without a documented
limit is paced at DEFAULT_RATE. A request over the limit would be refused
(``RequestLimitExceeded``, legacy 4400) and retried after a back-off; pacing
spends the wait once, up front, and keeps parallel work (the inventory's
pages, a give-back of many instances) from being refused at all.
"""

from __future__ import annotations

import threading
import time

RATES = {
    "RunInstances": 10,
    "DescribeInstances": 40,
    "DescribeInstancesStatus": 40,
    "TerminateInstances": 10,
    "InquiryPriceRunInstances": 10,
    "DescribeInstanceTypeConfigs": 40,
    "StartInstances": 10,
    # Not documented: the siblings of StartInstances are taken to share its limit.
    "StopInstances": 10,
    "RebootInstances": 10,
}
# Requests per second for an action without a documented limit: our choice.
DEFAULT_RATE = 20

LEGACY_EQUIVALENTS = {
    "RunInstancesHour": "RunInstances",
    # One instance per call, where TerminateInstances' 10/s is per call of up to 100: taking that
    # limit would make the legacy give-back 100 times slower than its 3.0 meaning. Not documented;
    # our choice is the default rate (a 4400 over the real limit is retried after a back-off).
    "ReturnInstance": None,
    "InquiryInstancePriceHour": "InquiryPriceRunInstances",
    "RestartInstances": "RebootInstances",
    "UpdateInstanceBandwidthHour": "ResetInstancesInternetMaxBandwidth",
    "ModifySecurityGroupsOfInstance": "ModifyInstancesAttribute",
    "DescribeSecurityGroupEx": "DescribeSecurityGroups",
    "DescribeInstancesOfSecurityGroup": "DescribeInstances",
}


def rate_of(protocol, action):
    if protocol == "legacy":
        action = LEGACY_EQUIVALENTS.get(action, action)
    return RATES.get(action, DEFAULT_RATE)


class TokenBucket:
    """``rate`` tokens per second, at most ``rate - 1`` at once (a second's burst but one), full at first.

    The API's bucket holds ``rate``, but it starts at the first request's
    arrival, a few milliseconds after ours (that request also opens the
    connection): a full burst followed by a request 1/rate later can arrive
    early and be refused. The one token held back absorbs that.
    """

    def __init__(self, rate, clock=time.monotonic):
        self.rate = float(rate)
        self.burst = max(1.0, self.rate - 1.0)
        self._clock = clock
        self._tokens = self.burst
        self._stamp = clock()
        self._lock = threading.Lock()

    def reserve(self):
        """Take a token; how many seconds to wait before the request it pays for may leave."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self.burst, self._tokens + (now - self._stamp) * self.rate)
            self._stamp = now
            self._tokens -= 1.0
            if self._tokens >= 0:
                return 0.0
            return -self._tokens / self.rate


class Pacer:
    """One bucket per (protocol, SecretId, action), shared by every client of the process."""

    def __init__(self, clock=time.monotonic, sleep=time.sleep):
        self._clock = clock
        self._sleep = sleep
        self._buckets = {}
        self._lock = threading.Lock()

    def wait(self, protocol, secret_id, action):
        key = (protocol, secret_id, action)
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = TokenBucket(rate_of(protocol, action), self._clock)
        # Sleep outside every lock: the other threads reserve their own slots meanwhile.
        delay = bucket.reserve()
        if delay > 0:
            self._sleep(delay)
        return delay


PROCESS_PACER = Pacer()
