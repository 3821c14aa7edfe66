# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Waiting until instances settle: a capped polling schedule over ``Backend.get``.

Private: may change without notice.
"""

from __future__ import annotations

import time

from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import QcloudError
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.model import FAILED_STATUSES, GONE_STATUSES


class InstanceWaitError(QcloudError):
    """Instances did not all settle: one failed or was given back, or the time ran out."""

    def __init__(self, message, instances):
        super().__init__(message)
        # The last Instance seen of each instance, by ID.
        self.instances = instances


def next_poll_time(elapsed, fast_interval=1.0, fast_until=5.0, factor=1.5, max_interval=60.0):
    """When to poll next, in seconds since the wait began, after a poll at ``elapsed``.

    Every ``fast_interval`` for the first ``fast_until`` seconds, where most
    creates finish, so a quick create is seen within a second; then each poll
    ``factor`` times as late as the one before (never less than
    ``fast_interval``, never more than ``max_interval`` apart), so a slow one
    costs about log1.5 of its duration in polls. The cap of 60 s keeps that
    bound (ceil(log1.5(duration)) + 3 polls) for creates of up to 381 s, past
    the default wait_timeout of 300 s; a cap of 30 s broke it from 183 s on
    (tests/perf/bench_api_economy.py).
    """
    if elapsed < fast_until:
        return elapsed + fast_interval
    return elapsed + min(max(elapsed * (factor - 1), fast_interval), max_interval)


def _seen(instances, instance_ids):
    """``ins-1 pending, ins-2 not listed yet``: what the last poll saw of each instance."""
    return ", ".join("{0} {1}".format(i, instances[i].status if i in instances else "not listed yet") for i in instance_ids)


def wait_for_status(backend, instance_ids, wanted, timeout, clock=time.monotonic, sleep=time.sleep, first_delay=0.5, schedule=next_poll_time, what="running"):
    """Poll until every instance of ``instance_ids`` is in one of the ``wanted`` statuses; the Instances by ID.

    The first poll comes ``first_delay`` seconds in, the next ones at the
    times ``schedule`` gives (counted from the start, so the time the polls
    themselves take does not add up). No sleep goes past the deadline; the
    last poll happens at it. Raises InstanceWaitError when an instance fails
    or is given back (unless ``wanted`` accepts that) or the timeout passes;
    ``what`` names the goal in its message.
    """
    instance_ids = list(instance_ids)
    wanted = frozenset(wanted)
    broken_statuses = (FAILED_STATUSES | GONE_STATUSES) - wanted
    instances = {}
    pending = list(instance_ids)
    start = clock()
    deadline = start + timeout
    target = first_delay
    while True:
        pause = min(start + target, deadline) - clock()
        if pause > 0:
            sleep(pause)
        for instance in backend.get(pending):
            instances[instance.instance_id] = instance
        broken = [i for i in instance_ids if i in instances and instances[i].status in broken_statuses]
        if broken:
            raise InstanceWaitError("instance(s) will not reach {0}: {1}".format(what, _seen(instances, broken)), instances)
        pending = [i for i in instance_ids if i not in instances or instances[i].status not in wanted]
        if not pending:
            return instances
        if clock() >= deadline:
            raise InstanceWaitError(
                "timed out after {0} seconds waiting for instance(s) to reach {1}: {2}".format(timeout, what, _seen(instances, pending)), instances
            )
        target = schedule(target)
