# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Terminations nobody called for: action timers firing (3.0 ``ActionTimer``, api-notes/v3.md 10.1,
10.7 items 1-3) and spot reclaim (10.3.4, 10.7 item 6); and the termination every path shares.

A timer is a JSON-able dict kept by the store (its own table in the state
file): ``timer_id`` (uuid4), ``instance_id``, ``region``, ``action``
(``TerminateInstances``), ``action_time`` (Unix seconds, whole), ``seq``,
``created_at``, ``fired`` and ``done_at``.  Its ``Status`` is computed from
the clock: ``UNDO`` before ``action_time``; ``DOING`` from then while its
instance is TERMINATING (``return_delay``); ``DONE`` afterwards, listed for
``timer_keep`` seconds more (default 24 h), then no longer.

Firing is lazy, like every other transition: each API call (either face)
and each control call first runs ``fire_due``, which is one comparison
with the earliest pending ``action_time`` unless a timer is due.  A due
timer terminates its instance *as of* ``action_time`` (TERMINATING since
then, terminated ``return_delay`` later), so the outcome does not depend on
when the next call comes, and a restart with ``--state-file`` fires what
came due meanwhile.  [EMU] choices:

* the timer fires whatever the instance is doing then (pending, stopping,
  stopped without charging, a legacy operation 10-20), and also when the
  instance has termination protection (protection guards API deletion
  only, v3.md 10.6; the API refuses the combination both ways, so only a
  seeded or hand-made state has it);
* an instance that failed to launch is left alone (its timer becomes DONE);
* ``LatestOperation`` shows ``TerminateInstances`` / ``OPERATING`` with a
  null request id (no call of the user's did it) -- the same as a reclaim;
* an instance terminated by any other path (TerminateInstances,
  ReturnInstance, a reclaim) takes its pending timers with it: they are
  deleted, DescribeInstancesActionTimer no longer lists them.
"""

import calendar
import time

from . import operations, states

TERMINATE = "TerminateInstances"
UNDO, DOING, DONE = "UNDO", "DOING", "DONE"
STATUSES = (UNDO, DOING, DONE)
ISO = "%Y-%m-%dT%H:%M:%SZ"
# Nothing left to destroy: already terminating or terminated, or never launched.
_ALREADY = frozenset((states.RETURNING, states.RETURNED, states.LAUNCH_FAILED))


def iso_utc(epoch):
    return time.strftime(ISO, time.gmtime(epoch))


def parse_iso(text):
    """``YYYY-MM-DDThh:mm:ssZ`` -> Unix seconds, or None."""
    try:
        return calendar.timegm(time.strptime(text, ISO))
    except (TypeError, ValueError):
        return None


def destroy(at, delay, cause, request_id=None):
    """The instance changes of a termination started at ``at`` (TERMINATING for ``delay`` seconds)."""
    return {
        "status": states.RETURNING,
        "status_time": at,
        "next_status": states.RETURNED,
        "next_at": at + delay,
        "latest_operation": operations.record(operations.TERMINATE, request_id),
        "termination_cause": cause,
    }


def new_timer(store, instance_id, region, action_time, now):
    """A timer dict (not yet stored); hold ``store.lock``."""
    return {
        "timer_id": store.new_uuid(),
        "instance_id": instance_id,
        "region": region,
        "action": TERMINATE,
        "action_time": int(action_time),
        "seq": store.next_counter("timer"),
        "created_at": now,
        "fired": False,
        "done_at": None,
    }


def status(timer, now):
    if not timer["fired"] and now < timer["action_time"]:
        return UNDO
    done_at = timer["done_at"]
    return DOING if done_at is None or now < done_at else DONE


def listed(timer, now, keep):
    return status(timer, now) != DONE or now < timer["done_at"] + keep


def render(timer, now):
    """The 3.0 ``ActionTimer`` structure (all six fields, v3.md 10.1.1)."""
    return {
        "TimerAction": timer["action"],
        "ActionTime": iso_utc(timer["action_time"]),
        "Externals": {},
        "ActionTimerId": timer["timer_id"],
        "Status": status(timer, now),
        "InstanceId": timer["instance_id"],
    }


def pending_of(store, instance_ids):
    """Ids of the timers not yet fired of these instances (dropped when they are terminated otherwise)."""
    wanted = set(instance_ids)
    return [timer["timer_id"] for timer in store.timers.values() if not timer["fired"] and timer["instance_id"] in wanted]


def undo_of(store, instance_id, now):
    """The instance's UNDO timer, or None (there is at most one: FailedOperation.MutActionTimerExist)."""
    for timer in store.timers.values():
        if timer["instance_id"] == instance_id and status(timer, now) == UNDO:
            return timer
    return None


def by_instance(store, now, keep):
    """instance id -> its newest listed timer (the control API's ``actionTimer``)."""
    found = {}
    for timer in store.timers.values():
        if listed(timer, now, keep):
            found[timer["instance_id"]] = timer
    return found


def fire_due(store, clock, config):
    """Fire every timer whose ``action_time`` has come (see the module docstring)."""
    due = store.next_due
    if due is None or clock() < due:
        return
    with store.lock:
        now = clock()
        ready = sorted((t for t in store.timers.values() if not t["fired"] and t["action_time"] <= now), key=lambda t: (t["action_time"], t["seq"]))
        if not ready:
            return
        pairs, fired = [], []
        for timer in ready:
            at = timer["action_time"]
            inst = store.instances.get(timer["instance_id"])
            if inst is None or inst.effective(at)[0] in _ALREADY:
                fired.append(dict(timer, fired=True, done_at=at))
                continue
            delay = config.return_delay
            pairs.append((inst, destroy(at, delay, "timer")))
            fired.append(dict(timer, fired=True, done_at=at + delay))
        store.update_many(pairs, timers=fired)
