# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ImportInstancesActionTimer, DescribeInstancesActionTimer, DeleteInstancesActionTimer
(api-notes/v3.md 10.1.2-10.1.4, 10.7 items 1-3); the timers themselves are ``timers.py``'s.

* Import: ``InstanceIds`` (1-100, ``InvalidParameterValue.InstanceIdMalformed``,
  none twice) and ``ActionTimer`` (``rules.check_action_timer``), both
  required; then for the whole call: every instance of the region
  (``InvalidInstanceId.NotFound``), not terminating or terminated (the state
  errors of ``checks``), without an UNDO timer
  (``FailedOperation.MutActionTimerExist``), not protected nor failed to launch
  (``UnsupportedOperation.NotSupportImportInstancesActionTimer``); any
  failing id fails the call and nothing is set.  Answers ``ActionTimerIds``,
  one per instance, in request order.
* Describe: every filter optional, AND of those given: ``ActionTimerIds``,
  ``InstanceIds`` (<= 100 each, ``InvalidParameterValue.LimitExceeded``;
  unknown ids simply match nothing), ``TimerAction``
  (``TerminateInstances``), ``StatusList`` (``UNDO``/``DOING``/``DONE``),
  ``StartActionTime``/``EndActionTime`` (inclusive; ``YYYY-MM-DDThh:mm:ssZ``
  or ``YYYY-MM-DD hh:mm:ss``, both UTC, else
  ``InvalidParameterValue.InvalidTimeFormat``).  The region's timers,
  earliest ``ActionTime`` first (then oldest first); no paging, no
  ``TotalCount``; DONE timers stay listed ``timer_keep`` seconds.
* Delete: ``ActionTimerIds`` (required, 1-100, none twice); with
  ``timer_delete_mode`` ``strict`` (default) an id that is unknown in the
  region or not UNDO any more answers ``InvalidParameterValue`` and nothing
  is deleted; ``ignore`` skips such ids and deletes the others.
"""

import calendar
import time

from .. import timers
from . import checks, rules
from .errors import V3Error, invalid_value, too_many
from .schema import IDS, IGNORED, STR, List, Struct, req

TIMER = Struct(TimerAction=STR, ActionTime=req(STR), Externals=IGNORED, ActionTimerId=IGNORED, Status=IGNORED, InstanceId=IGNORED)
MAX_IDS = 100
RANGE_FORMATS = ("%Y-%m-%dT%H:%M:%SZ", "%Y-%m-%d %H:%M:%S")


def _range_time(params, name):
    text = params.get(name)
    if text is None:
        return None
    for pattern in RANGE_FORMATS:
        try:
            return calendar.timegm(time.strptime(text, pattern))
        except ValueError:
            continue
    raise V3Error("InvalidParameterValue.InvalidTimeFormat", f"{name} must be YYYY-MM-DDThh:mm:ssZ or YYYY-MM-DD hh:mm:ss (UTC), got {text!r}")


def _limited(params, name):
    values = params.get(name) or []
    if len(values) > MAX_IDS:
        raise too_many(f"{name} accepts at most {MAX_IDS} values, got {len(values)}")
    return values


class TimerActions:
    def __init__(self, store, config, clock):
        self.store = store
        self.config = config
        self.clock = clock

    def handlers(self):
        return {
            "ImportInstancesActionTimer": (Struct(InstanceIds=req(IDS), ActionTimer=req(TIMER)), self.import_timers),
            "DescribeInstancesActionTimer": (
                Struct(ActionTimerIds=List(STR), InstanceIds=IDS, TimerAction=STR, EndActionTime=STR, StartActionTime=STR, StatusList=List(STR)),
                self.describe_timers,
            ),
            "DeleteInstancesActionTimer": (Struct(ActionTimerIds=req(List(STR))), self.delete_timers),
        }

    def import_timers(self, ctx, params):
        ids = checks.instance_ids(params, malformed="InvalidParameterValue.InstanceIdMalformed")
        checks.no_duplicates(ids, "InstanceIds")
        store = self.store
        with store.lock:
            now = self.clock()
            action_time = rules.check_action_timer(params["ActionTimer"], now)
            instances = checks.find_all(store, ids, ctx.region)
            for inst in instances:
                checks.require_state(inst, now, (), "ImportInstancesActionTimer", busy_ok=True)
            timed = [inst.instance_id for inst in instances if timers.undo_of(store, inst.instance_id, now) is not None]
            if timed:
                raise V3Error("FailedOperation.MutActionTimerExist", f"instance(s) {', '.join(timed)} already have a TerminateInstances timer")
            for inst in instances:
                why = None
                if inst.disable_api_termination:
                    why = "it has termination protection (DisableApiTermination)"
                elif inst.charge_type == "prepaid":
                    why = "it is PREPAID"
                elif inst.effective(now)[0] == "launch_failed":
                    why = "it failed to launch"
                if why:
                    raise V3Error("UnsupportedOperation.NotSupportImportInstancesActionTimer", f"cannot set a timer for instance {inst.instance_id}: {why}")
            made = [timers.new_timer(store, inst.instance_id, ctx.region, action_time, now) for inst in instances]
            store.update_many([], timers=made)
        return {"ActionTimerIds": [timer["timer_id"] for timer in made]}

    def describe_timers(self, ctx, params):
        timer_ids = set(_limited(params, "ActionTimerIds"))
        instance_ids = set(_limited(params, "InstanceIds"))
        action = params.get("TimerAction")
        if action is not None and action != timers.TERMINATE:
            raise invalid_value(f"TimerAction must be {timers.TERMINATE}, got {action!r}")
        statuses = params.get("StatusList") or []
        for value in statuses:
            if value not in timers.STATUSES:
                raise invalid_value(f"StatusList values must be {', '.join(timers.STATUSES)}, got {value!r}")
        start, end = _range_time(params, "StartActionTime"), _range_time(params, "EndActionTime")
        store = self.store
        with store.lock:
            now = self.clock()
            keep = self.config.timer_keep
            found = []
            for timer in store.timers.values():
                if timer["region"] != ctx.region or not timers.listed(timer, now, keep):
                    continue
                if (timer_ids and timer["timer_id"] not in timer_ids) or (instance_ids and timer["instance_id"] not in instance_ids):
                    continue
                if statuses and timers.status(timer, now) not in statuses:
                    continue
                if (start is not None and timer["action_time"] < start) or (end is not None and timer["action_time"] > end):
                    continue
                found.append(timer)
            found.sort(key=lambda timer: (timer["action_time"], timer["seq"]))
            return {"ActionTimers": [timers.render(timer, now) for timer in found]}

    def delete_timers(self, ctx, params):
        ids = params["ActionTimerIds"]
        if not ids:
            raise V3Error("MissingParameter", "the required parameter ActionTimerIds is missing (give 1-100 timer ids)")
        if len(ids) > MAX_IDS:
            raise too_many(f"ActionTimerIds accepts at most {MAX_IDS} ids, got {len(ids)}")
        checks.no_duplicates(ids, "ActionTimerIds")
        store = self.store
        with store.lock:
            now = self.clock()
            deletable, refused = [], []
            for timer_id in ids:
                timer = store.timers.get(timer_id)
                if timer is None or timer["region"] != ctx.region or not timers.listed(timer, now, self.config.timer_keep):
                    refused.append(f"{timer_id} (unknown)")
                elif timers.status(timer, now) != timers.UNDO:
                    refused.append(f"{timer_id} ({timers.status(timer, now)}: only UNDO timers can be deleted)")
                else:
                    deletable.append(timer_id)
            if refused and self.config.timer_delete_mode == "strict":
                raise invalid_value(f"cannot delete timer(s) {', '.join(refused)}; nothing was deleted")
            if deletable:
                store.update_many([], drop_timers=deletable)
        return {}
