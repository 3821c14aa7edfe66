# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Value rules shared by the 3.0 actions: ids, pages, filters, instance lookup and state rules.

State rules (api-notes/v3.md 7 items 11-12, [EMU] where the notes are
silent), checked for every listed instance before anything changes (no
partial success):

* a returned instance -> ``UnsupportedOperation.InstanceStateTerminated``;
* TERMINATING -> ``UnsupportedOperation.InstanceStateTerminating``;
* the legacy fault status -> ``UnsupportedOperation.InstanceStateCorrupted``;
* a pending transition (PENDING, STARTING, STOPPING, REBOOTING) or a legacy
  status 10-20 (LatestOperationState OPERATING) ->
  ``OperationDenied.InstanceOperationInProgress``;
* any other state the action does not accept ->
  ``UnsupportedOperation.InstanceState<State>`` (Running, Stopped, LaunchFailed).
"""

import re

from .. import states
from .errors import V3Error, out_of_range, too_many
from .render import BUSY_STATUSES, V3_STATES, current

INSTANCE_ID = re.compile(r"ins-[a-z0-9]{8}")
SG_ID = re.compile(r"sg-[a-z0-9]{8}")
MAX_IDS = 100
# Statuses that are a transition in themselves (seeded ones stay in them: still "in progress").
TRANSITIONAL = frozenset((states.CREATING, states.STARTING, states.STOPPING, states.REBOOTING))
STATE_WORDS = {states.RUNNING: "Running", states.STOPPED: "Stopped", states.LAUNCH_FAILED: "LaunchFailed"}


def instance_ids(params, name="InstanceIds", required=True, limit=MAX_IDS, malformed="InvalidInstanceId.Malformed"):
    """The ids of ``name`` (a list), format-checked (``malformed``: the action's code for a bad id)."""
    ids = params.get(name) or []
    if required and not ids:
        raise V3Error("MissingParameter", f"the required parameter {name} is missing (give 1-{limit} instance ids)")
    if len(ids) > limit:
        raise too_many(f"{name} accepts at most {limit} ids, got {len(ids)}")
    for instance_id in ids:
        if not INSTANCE_ID.fullmatch(instance_id):
            raise V3Error(malformed, f"instance id {instance_id!r} is malformed (ins- and 8 lower-case letters or digits)")
    return ids


def no_duplicates(values, name):
    seen = set()
    for value in values:
        if value in seen:
            raise V3Error("InvalidParameterValue", f"{name} lists {value} more than once")
        seen.add(value)


def page(params, default=20, maximum=100):
    offset = params.get("Offset", 0)
    limit = params.get("Limit", default)
    if offset < 0:
        raise out_of_range(f"Offset must be >= 0, got {offset}")
    if not 1 <= limit <= maximum:
        raise out_of_range(f"Limit must be between 1 and {maximum}, got {limit}")
    return offset, limit


def filters(params, known, max_filters=10, max_values=5):
    """``[(name, values)]``; ``known(name)`` says whether a filter name exists."""
    given = params.get("Filters") or []
    if len(given) > max_filters:
        raise V3Error("InvalidFilterValue.LimitExceeded", f"at most {max_filters} Filters per request, got {len(given)}")
    result = []
    for index, item in enumerate(given):
        name, values = item["Name"], item["Values"]
        if len(values) > max_values:
            raise V3Error("InvalidFilterValue.LimitExceeded", f"Filters.{index} ({name}) has {len(values)} values; at most {max_values}")
        if not values:
            raise V3Error("InvalidParameterValue", f"Filters.{index} ({name}) has no Values")
        if not known(name):
            raise V3Error("InvalidFilter", f"Filters.{index}: {name!r} is not a filter of this action")
        result.append((name, values))
    return result


def find_all(store, ids, region, now=None):
    """Every listed instance of ``region``; one unknown (or of another region) -> InvalidInstanceId.NotFound.
    With ``now``, a terminated instance (gone from 3.0 listings) counts as unknown too."""
    found = []
    missing = []
    for instance_id in ids:
        inst = store.instances.get(instance_id)
        if inst is None or inst.region != region or (now is not None and inst.effective(now)[0] == states.RETURNED):
            missing.append(instance_id)
        else:
            found.append(inst)
    if missing:
        raise V3Error("InvalidInstanceId.NotFound", f"instance(s) {', '.join(missing)} not found in this region")
    return found


def require_state(inst, now, allowed, action, busy_ok=False):
    """Raise the state error of the module docstring unless ``inst`` may undergo ``action`` now."""
    status, _since, pending = current(inst, now)
    instance_id = inst.instance_id
    if status == states.RETURNED:
        raise V3Error("UnsupportedOperation.InstanceStateTerminated", f"instance {instance_id} is terminated")
    if status == states.RETURNING:
        raise V3Error("UnsupportedOperation.InstanceStateTerminating", f"instance {instance_id} is terminating")
    if busy_ok or (status in allowed and not pending):
        return status
    if status == states.FAULT:
        raise V3Error(
            "UnsupportedOperation.InstanceStateCorrupted",
            (f"instance {instance_id} is in fault (legacy status 1; shown as RUNNING with RestrictState PROTECTIVELY_ISOLATED); {action} is not possible"),
        )
    if pending or status in BUSY_STATUSES or status in TRANSITIONAL:
        raise V3Error("OperationDenied.InstanceOperationInProgress", f"instance {instance_id} has an operation in progress; retry {action} when it is done")
    raise V3Error(
        f"UnsupportedOperation.InstanceState{STATE_WORDS[status]}", f"instance {instance_id} is {V3_STATES[status]}; {action} is not possible in this state"
    )


def refuse_stopped_without_charging(inst, now, action):
    """v3.md 10.2.2: while stopped without charging, only starting (and terminating) is possible."""
    if inst.stopped_without_charging(now):
        raise V3Error(
            "UnsupportedOperation.StoppedModeStopCharging", f"instance {inst.instance_id} is stopped without charging (STOP_CHARGING); start it before {action}"
        )
