# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""What the latency benchmarks share: one API's environment, and the two floors a run is printed beside.

The emulator runs with ``--rate-limits`` and the latency is set through its
config (``POST /_emulator/config {"latency": L}``), so one emulator serves every
latency. The floors of a run are computed from its own request log:

* rate-limit floor: every action has its own token bucket (burst = the
  per-second limit, full at the start), so ``n`` requests of one action take at
  least ``max(0, n - burst) / limit`` seconds. The floor of a run is the **sum**
  over its actions: the module and the inventory do their phases one after the
  other (look-up, change, wait), and in every run measured here at most one
  action goes past its burst, so the sum equals the maximum anyway.
* latency floor: rounds of requests x latency. The rounds come from the client's
  **known concurrency**, not from the log's timestamps (with pacing at the rate
  limit, paced requests look sequential in the log though they are not):
  ``sum over actions of ceil(requests / concurrency of that action)``, where an
  action the client sends one at a time has concurrency 1 (look-ups, wait
  polls, one batch call), and the per-instance actions of the legacy API run on
  ``concurrency`` connections.

Also printed: the API span, from the first request's arrival to the last one's
plus the latency: how long the run's API work took as the emulator saw it.
"""

from __future__ import annotations

import math
import sys
import time

import perf_common as pc

sys.path.insert(0, str(pc.REPO_ROOT / "tests" / "emulator"))
from cvm_emulator import rate_limits as emulator_rate_limits  # noqa: E402  pylint: disable=wrong-import-position

APIS = ("legacy", "v3")
# The create actions, by API: an unchanged re-run must send none.
CREATE_ACTIONS = {"legacy": "RunInstancesHour", "v3": "RunInstances"}
# The throttling answer in the request log's ``code``: legacy 4400, 3.0 RequestLimitExceeded.
THROTTLED_CODES = (4400, "4400", "RequestLimitExceeded")


def endpoint(emulator, api):
    """The emulator's endpoint for ``api``: the legacy face's /v2/index.php, or the 3.0 face's root."""
    return emulator.base_url + ("/v2/index.php" if api == "legacy" else "")


def api_env(emulator, api, **extra):
    """perf_common's ansible environment, speaking ``api`` to the emulator (QCLOUD_CVM_API, QCLOUD_CVM_ENDPOINT)."""
    return pc.ansible_env(emulator, QCLOUD_CVM_API=api, QCLOUD_CVM_ENDPOINT=endpoint(emulator, api), **extra)


def start_rate_limited_emulator(*flags):
    return pc.start_emulator("--rate-limits", *flags)


def set_latency(emulator, latency):
    emulator.configure(latency=latency)


def let_buckets_refill():
    """Wait until every bucket is full again (burst = one second's worth), so that runs do not charge each other."""
    time.sleep(1.05)


def limit_of(api, action):
    """The emulator's requests per second for ``action`` on ``api``'s face (the same table the collection paces by)."""
    if api == "legacy":
        action = emulator_rate_limits.LEGACY_EQUIVALENTS.get(action, action)
    return emulator_rate_limits.limit_of(action)


def rate_limit_floor(api, by_action):
    """Seconds the rate limits alone impose on a run that sent ``by_action`` requests (see the module docstring)."""
    total = 0.0
    for action, count in by_action.items():
        limit = limit_of(api, action)
        total += max(0, count - limit) / float(limit)
    return total


def latency_rounds(by_action, concurrency_of):
    """Rounds of requests for a run, from the client's concurrency per action (``concurrency_of(action)``, default 1)."""
    return sum(math.ceil(count / float(concurrency_of(action) or 1)) for action, count in by_action.items())


def api_span(entries, latency):
    """Seconds from the first request's arrival to the last one's answer (arrival + latency), from the request log."""
    if not entries:
        return 0.0
    times = [entry["time"] for entry in entries]
    return max(times) - min(times) + latency


def throttled(entries):
    """The requests the emulator answered with its throttling error."""
    return sum(1 for entry in entries if entry.get("code") in THROTTLED_CODES)
