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
without effect.

``StoppedMode`` (v3.md 10.2, 10.7 item 4): ``KEEP_CHARGING`` (default) or
``STOP_CHARGING``, shown as ``StopChargingMode`` while STOPPED
(``NOT_APPLICABLE`` otherwise).  STOP_CHARGING needs a POSTPAID_BY_HOUR
instance whose system and data disks are all ``CLOUD_*``; any other listed
instance (a local disk, a spot instance) answers
``UnsupportedOperation.StoppedModeStopCharging`` for the whole call -- with
``stop_charging_mode`` ``lenient`` an ineligible pay-as-you-go instance is
stopped with charging instead (DOC S20's console behaviour); spot is always
refused.  Stopping without charging releases the public IP at once (the
instance shows none from STOPPING on) and StartInstances assigns a new one
(the private IP stays).  RebootInstances of an instance stopped without
charging answers ``UnsupportedOperation.StoppedModeStopCharging`` (before
the state error), as do the modify actions (``actions_modify``).
"""

from .. import operations, states
from ..network import public_ip
from . import checks
from .errors import V3Error, combination, invalid_value
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
                if action == "RebootInstances":
                    checks.refuse_stopped_without_charging(inst, now, action)
                checks.require_state(inst, now, (required,), action)
            modes = self._stopped_modes(instances, mode) if final == states.STOPPED else {}
            changes = []
            for inst in instances:
                change = {
                    "status": intermediate,
                    "status_time": now,
                    "next_status": final,
                    "next_at": now + self.config.power_delay,
                    "stopped_mode": modes.get(inst.instance_id),
                    "latest_operation": operations.record(operation, ctx.request_id),
                }
                if modes.get(inst.instance_id) == "stop_charging" and inst.public_ips:
                    change.update(public_ips=[], ip_released=True)
                if action == "StartInstances" and inst.ip_released:
                    change.update(public_ips=[public_ip(store.next_counter("public_ip"))], ip_released=False)
                changes.append((inst, change))
            store.update_many(changes)
        return {}

    def _stopped_modes(self, instances, mode):
        """instance id -> neutral stopped mode; refuses ineligible instances per ``stop_charging_mode``."""
        if mode == "KEEP_CHARGING":
            return {inst.instance_id: "keep_charging" for inst in instances}
        lenient = self.config.stop_charging_mode == "lenient"
        modes = {}
        for inst in instances:
            if inst.stop_charging_eligible():
                modes[inst.instance_id] = "stop_charging"
            elif lenient and inst.charge_type != "spot":
                modes[inst.instance_id] = "keep_charging"
            else:
                why = "a spot instance" if inst.charge_type == "spot" else "not every disk is a cloud disk (CLOUD_*)"
                raise V3Error(
                    "UnsupportedOperation.StoppedModeStopCharging", f"instance {inst.instance_id} cannot stop without charging: {why}; use KEEP_CHARGING"
                )
        return modes
