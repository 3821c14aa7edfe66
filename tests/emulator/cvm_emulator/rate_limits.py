# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Request rate limits (``--rate-limits``): a token bucket per (SecretId, face, action).

The table is keyed by API 3.0 action name, where Tencent documents the
limits (docs/api-notes/v3.md section 1.7); a legacy action takes the limit of the
3.0 action of the same meaning, so both faces read one table.  A bucket
holds at most ``rate`` tokens (burst = the per-second limit), refills at
``rate`` tokens per second and starts full.
"""

import threading
import time

# 3.0 action -> requests per second; the documented ones [DOC], then [EMU] choices.
LIMITS = {
    "RunInstances": 10,
    "DescribeInstances": 40,
    "DescribeInstancesStatus": 40,
    "TerminateInstances": 10,
    "InquiryPriceRunInstances": 10,
    "DescribeInstanceTypeConfigs": 40,
    "StartInstances": 10,
    # [EMU] the siblings of StartInstances get its limit.
    "StopInstances": 10,
    "RebootInstances": 10,
    # api-notes/v3.md 10.1.2-10.1.4 (S16-S18) and 10.5 (S19).
    "ImportInstancesActionTimer": 10,
    "DescribeInstancesActionTimer": 10,
    "DeleteInstancesActionTimer": 10,
    "DescribeInstancesAttributes": 20,
}
# [EMU] every action not listed above.
DEFAULT_LIMIT = 20

# legacy action -> the 3.0 action whose limit it takes
LEGACY_EQUIVALENTS = {
    "RunInstancesHour": "RunInstances",
    "DescribeInstances": "DescribeInstances",
    # One instance per call, where TerminateInstances' 10/s is per call of up to 100: taking that
    # limit would make the legacy give-back 100 times slower than its 3.0 meaning. Not documented;
    # our choice is the default rate (a 4400 over the real limit is retried after a back-off).
    "ReturnInstance": None,
    "InquiryInstancePriceHour": "InquiryPriceRunInstances",
    "StartInstances": "StartInstances",
    "StopInstances": "StopInstances",
    "RestartInstances": "RebootInstances",
    "UpdateInstanceBandwidthHour": "ResetInstancesInternetMaxBandwidth",
    "ModifySecurityGroupsOfInstance": "ModifyInstancesAttribute",
    "DescribeSecurityGroupEx": "DescribeSecurityGroups",
    "DescribeInstancesOfSecurityGroup": "DescribeInstances",
}


def limit_of(action_v3):
    return LIMITS.get(action_v3, DEFAULT_LIMIT)


def legacy_limit(action):
    return limit_of(LEGACY_EQUIVALENTS[action])


class RateLimiter:
    def __init__(self, clock=time.monotonic):
        self.clock = clock
        self._lock = threading.Lock()
        self._buckets = {}  # key -> [tokens, last refill time]

    def allow(self, key, rate):
        """Take one token from ``key``'s bucket (capacity and refill ``rate``/s); False when empty."""
        now = self.clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                bucket = self._buckets[key] = [float(rate), now]
            tokens = min(float(rate), bucket[0] + (now - bucket[1]) * rate)
            bucket[1] = now
            if tokens >= 1.0:
                bucket[0] = tokens - 1.0
                return True
            bucket[0] = tokens
            return False

    def reset(self):
        with self._lock:
            self._buckets.clear()
