# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""StartInstances, StopInstances, RestartInstances (docs/api-notes/legacy.md section 5.3).

Batch-async answers (section 2.1): ``detail`` maps each instance id as sent
to ``{code, message, requestId, codeDesc}``; the outer code is 0 when every
instance was accepted, 5100 when none was, 5400 when some were.  Accepted
instances move through the intermediate status to the final one after
``power_delay`` seconds (fixed when the call is accepted).
"""

from . import operations, states
from .errors import CONFLICT, NOT_ALLOWED, ApiError, invalid, missing
from .network import public_ip
from .params import list_values, optional_int

MAX_IDS = 100
TASK_BASE = 10**12

OPERATIONS = {"StartInstances": operations.START, "StopInstances": operations.STOP, "RestartInstances": operations.REBOOT}
# action -> (required status, intermediate, final, whether forceStop is a parameter)
TRANSITIONS = {
    "StartInstances": (states.STOPPED, states.STARTING, states.RUNNING, False),
    "StopInstances": (states.RUNNING, states.STOPPING, states.STOPPED, True),
    "RestartInstances": (states.RUNNING, states.REBOOTING, states.RUNNING, True),
}
_REQUIRED_WORDS = {states.STOPPED: "stopped (4)", states.RUNNING: "running (2)"}


class PowerActions:
    def __init__(self, store, config, clock):
        self.store = store
        self.config = config
        self.clock = clock

    def handlers(self):
        return {action: self._handler(action) for action in TRANSITIONS}

    def _handler(self, action):
        return lambda region, params, notes: self.change(action, region, params, notes)

    def change(self, action, region, params, notes):
        """``notes["busy_instance"]``: an id whose item fails with the busy fault (fault ``instance_id``)."""
        required, intermediate, final, has_force = TRANSITIONS[action]
        ids = list_values(params, "instanceIds")
        if not ids:
            raise missing("instanceIds.0")
        if len(ids) > MAX_IDS:
            raise invalid(f"instanceIds accepts at most {MAX_IDS} ids, got {len(ids)}")
        if has_force:
            force = optional_int(params, "forceStop", 0)
            if force not in (0, 1):
                raise invalid(f"forceStop must be 0 or 1, got {force}", NOT_ALLOWED)
        busy = notes.get("busy_instance")
        store = self.store
        with store.lock:
            now = self.clock()
            found = [store.get(instance_id) for instance_id in ids]
            keys = [inst.instance_id if inst is not None else instance_id for inst, instance_id in zip(found, ids)]
            for position, key in enumerate(keys):
                if key in keys[:position]:
                    raise invalid(f"instanceIds lists instance {ids[position]} more than once", CONFLICT)
            detail, changes = {}, []
            for instance_id, inst in zip(ids, found):
                try:
                    if inst is None or inst.region != region:
                        raise ApiError("ResourceNotFound", f"instance {instance_id} does not exist in Region {region}")
                    if busy is not None and busy in (instance_id, inst.instance_id, inst.legacy_id):
                        raise ApiError("OperationFail.SystemBusy", f"instance {instance_id}: the system is busy, retry later (injected fault)")
                    current, _since = inst.effective(now)
                    if current != required:
                        raise ApiError(
                            "OperationConstraints.InvaildInstanceStatus",
                            (f"instance {instance_id} has status {states.LEGACY_CODE[current]}; {action} needs {_REQUIRED_WORDS[required]}"),
                        )
                except ApiError as exc:
                    detail[instance_id] = {"code": exc.code, "message": exc.message, "requestId": "", "codeDesc": exc.code_desc}
                    continue
                request_id = str(TASK_BASE + store.next_counter("task"))
                change = {
                    "status": intermediate,
                    "status_time": now,
                    "next_status": final,
                    "next_at": now + self.config.power_delay,
                    "stopped_mode": "keep_charging" if final == states.STOPPED else None,
                    "latest_operation": operations.record(OPERATIONS[action], request_id),
                }
                if action == "StartInstances" and inst.ip_released:
                    # Stopped without charging through the 3.0 face: a new public IP at start.
                    change.update(public_ips=[public_ip(store.next_counter("public_ip"))], ip_released=False)
                changes.append((inst, change))
                detail[instance_id] = {"code": 0, "message": "", "requestId": request_id, "codeDesc": "Success"}
            if changes:
                store.update_many(changes)
        failed = len(ids) - len(changes)
        if failed == len(ids):
            raise ApiError("OperationFail", f"{action} failed for every instance ({failed}); see detail", extra={"detail": detail})
        if failed:
            raise ApiError("OperationFail.PartialFailure", (f"{action} failed for {failed} of {len(ids)} instances; see detail"), extra={"detail": detail})
        return {"detail": detail}
