# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""StartInstances, StopInstances, RebootInstances (api-notes/v3.md 3.8, 7 items 11-12).

Whole-call semantics: every id must exist in the region
(``InvalidInstanceId.NotFound``) and be in the right state (``checks``)
before anything changes; then each goes through its transition after the
shared ``power_delay``: Start STOPPED -> STARTING -> RUNNING, Stop RUNNING
-> STOPPING -> STOPPED, Reboot RUNNING -> REBOOTING -> RUNNING; the legacy
face sees the same statuses (8, 9, 7 then 2 or 4).  ``StopType`` and the
deprecated ``ForceStop``/``ForceReboot`` (not together) are accepted
without effect; ``StoppedMode`` (KEEP_CHARGING default, STOP_CHARGING) is
kept and shown as ``StopChargingMode`` while stopped.
"""

from .. import operations, states
from . import checks
from .errors import combination, invalid_value
from .schema import BOOL, IDS, STR, Struct

STOP_TYPES = ("SOFT", "HARD", "SOFT_FIRST")
STOPPED_MODES = {"KEEP_CHARGING": "keep_charging", "STOP_CHARGING": "stop_charging"}
# action -> (required status, intermediate, final, neutral operation, deprecated force flag)
TRANSITIONS = {
    "StartInstances": (states.STOPPED, states.STARTING, states.RUNNING, operations.START, None),
    "StopInstances": (states.RUNNING, states.STOPPING, states.STOPPED, operations.STOP, "ForceStop"),
    "RebootInstances": (states.RUNNING, states.REBOOTING, states.RUNNING, operations.REBOOT, "ForceReboot"),
}
SCHEMAS = {
    "StartInstances": Struct(InstanceIds=IDS),
    "StopInstances": Struct(InstanceIds=IDS, ForceStop=BOOL, StopType=STR, StoppedMode=STR),
    "RebootInstances": Struct(InstanceIds=IDS, ForceReboot=BOOL, StopType=STR),
}


class PowerActions:
    def __init__(self, store, config, clock):
        self.store = store
        self.config = config
        self.clock = clock

    def handlers(self):
        return {action: (SCHEMAS[action], self._handler(action)) for action in TRANSITIONS}

    def _handler(self, action):
        return lambda ctx, params: self.change(action, ctx, params)

    def change(self, action, ctx, params):
        required, intermediate, final, operation, force = TRANSITIONS[action]
        ids = checks.instance_ids(params)
        checks.no_duplicates(ids, "InstanceIds")
        if force is not None:
            stop_type = params.get("StopType")
            if stop_type is not None and stop_type not in STOP_TYPES:
                raise invalid_value(f"StopType must be one of {', '.join(STOP_TYPES)}, got {stop_type!r}")
            if stop_type is not None and params.get(force) is not None:
                raise combination(f"{force} is deprecated and cannot be combined with StopType")
        mode = params.get("StoppedMode", "KEEP_CHARGING")
        if mode not in STOPPED_MODES:
            raise invalid_value(f"StoppedMode must be KEEP_CHARGING or STOP_CHARGING, got {mode!r}")
        store = self.store
        with store.lock:
            now = self.clock()
            instances = checks.find_all(store, ids, ctx.region)
            for inst in instances:
                checks.require_state(inst, now, (required,), action)
            changes = [
                (
                    inst,
                    {
                        "status": intermediate,
                        "status_time": now,
                        "next_status": final,
                        "next_at": now + self.config.power_delay,
                        "stopped_mode": STOPPED_MODES[mode] if final == states.STOPPED else None,
                        "latest_operation": operations.record(operation, ctx.request_id),
                    },
                )
                for inst in instances
            ]
            store.update_many(changes)
        return {}
