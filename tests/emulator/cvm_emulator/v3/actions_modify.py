# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""ResetInstancesInternetMaxBandwidth, ModifyInstancesAttribute, AssociateSecurityGroups,
DisassociateSecurityGroups (api-notes/v3.md 3.9-3.11, 7 item 15).

All change the neutral state at once (the next read through either face
shows it; ``LatestOperation`` names the action with state SUCCESS) and are
all or nothing over their ``InstanceIds``.

* ResetInstancesInternetMaxBandwidth: only ``InternetMaxBandwidthOut``;
  one id when an instance is BANDWIDTH_POSTPAID_BY_HOUR, else up to 100 of
  one bandwidth charge type; 0..100 Mbps (TRAFFIC) or 0..200 (BANDWIDTH),
  as the legacy UpdateInstanceBandwidthHour; RUNNING or STOPPED (not
  stopped with STOP_CHARGING); raising from 0 assigns a public IP unless the
  create refused one.
* ModifyInstancesAttribute: exactly one of InstanceName (1-60 characters;
  any state but TERMINATING), SecurityGroups (replaces the list, order =
  priority, at most 5, an empty list unbinds all [EMU]; RUNNING or STOPPED),
  DisableApiTermination (any state but TERMINATING; turning it on for an
  instance with an UNDO timer ->
  ``UnsupportedOperation.InvalidInstanceNotSupportedProtectedInstance``) or
  UserData (the rules of ``rules.check_user_data``; RUNNING or STOPPED; the
  new text is stored, immediate).  Every attribute is refused for an
  instance stopped without charging
  (``UnsupportedOperation.StoppedModeStopCharging``, v3.md 10.2.2).
  HostName, CamRoleName, EnableJumboFrame are documented attributes the
  emulator does not change -> ``UnsupportedOperation``.
* Associate/DisassociateSecurityGroups: one group per call; Associate
  appends it (already bound: no change), at most 5 groups; Disassociate
  removes it (not bound: no change); RUNNING or STOPPED.
"""

from .. import operations, states, timers
from ..network import public_ip
from ..security_groups import SecurityGroupBook
from . import checks, rules
from .create import MAX_BANDWIDTH
from .errors import V3Error, combination, out_of_range, too_many
from .render import CHARGE_TYPES
from .schema import BOOL, IDS, IGNORED, INT, STR, List, Struct, req

CHANGEABLE = (states.RUNNING, states.STOPPED)
ATTRIBUTES = ("InstanceName", "SecurityGroups", "DisableApiTermination", "UserData")
UNEMULATED = ("HostName", "CamRoleName", "EnableJumboFrame")
FIELDS = {"InstanceName": "name", "SecurityGroups": "security_group_ids", "DisableApiTermination": "disable_api_termination", "UserData": "user_data"}
# Attributes that need RUNNING or STOPPED; the others may change in any state but TERMINATING.
STATE_BOUND = ("SecurityGroups", "UserData")
MAX_GROUPS = 5


class ModifyActions:
    def __init__(self, store, clock):
        self.store = store
        self.clock = clock
        self.book = SecurityGroupBook(store)

    def handlers(self):
        group_call = Struct(SecurityGroupIds=req(List(STR)), InstanceIds=req(IDS))
        return {
            "ResetInstancesInternetMaxBandwidth": (
                Struct(
                    InstanceIds=req(IDS),
                    InternetAccessible=req(
                        Struct(
                            InternetMaxBandwidthOut=req(INT),
                            InternetChargeType=STR,
                            PublicIpAssigned=BOOL,
                            BandwidthPackageId=STR,
                            InternetServiceProvider=STR,
                            IPv4AddressType=STR,
                            IPv6AddressType=STR,
                            AntiDDoSPackageId=STR,
                        )
                    ),
                    StartTime=STR,
                    EndTime=STR,
                ),
                self.reset_bandwidth,
            ),
            "ModifyInstancesAttribute": (
                Struct(
                    InstanceIds=req(IDS),
                    InstanceName=STR,
                    SecurityGroups=List(STR),
                    DisableApiTermination=BOOL,
                    HostName=STR,
                    UserData=STR,
                    CamRoleName=STR,
                    CamRoleType=IGNORED,
                    AutoReboot=IGNORED,
                    EnableJumboFrame=BOOL,
                ),
                self.modify_attribute,
            ),
            "AssociateSecurityGroups": (group_call, self.associate),
            "DisassociateSecurityGroups": (group_call, self.disassociate),
        }

    def _instances(self, ctx, params, now):
        ids = checks.instance_ids(params)
        checks.no_duplicates(ids, "InstanceIds")
        return checks.find_all(self.store, ids, ctx.region)

    def reset_bandwidth(self, ctx, params):
        internet = params["InternetAccessible"]
        extra = sorted(set(internet) - {"InternetMaxBandwidthOut"})
        if extra:
            raise V3Error("InvalidParameter", f"only InternetAccessible.InternetMaxBandwidthOut can be changed, not {', '.join(extra)}")
        if params.get("StartTime") is not None or params.get("EndTime") is not None:
            raise combination("StartTime/EndTime apply to prepaid bandwidth only; these instances are postpaid")
        bandwidth = internet["InternetMaxBandwidthOut"]
        store = self.store
        with store.lock:
            now = self.clock()
            instances = self._instances(ctx, params, now)
            charges = {inst.bandwidth_charge for inst in instances}
            if len(charges) > 1:
                raise combination("InstanceIds mix bandwidth charge types; change one type per call")
            (charge,) = charges
            if charge == "by_hour" and len(instances) > 1:
                raise too_many("BANDWIDTH_POSTPAID_BY_HOUR bandwidth is changed one instance per call")
            if not 0 <= bandwidth <= MAX_BANDWIDTH[charge]:
                raise out_of_range(f"InternetMaxBandwidthOut must be between 0 and {MAX_BANDWIDTH[charge]} for {CHARGE_TYPES[charge]}, got {bandwidth}")
            for inst in instances:
                checks.require_state(inst, now, CHANGEABLE, "ResetInstancesInternetMaxBandwidth")
                checks.refuse_stopped_without_charging(inst, now, "ResetInstancesInternetMaxBandwidth")
            changes = []
            for inst in instances:
                change = {"bandwidth": bandwidth, "latest_operation": operations.record(operations.SET_BANDWIDTH, ctx.request_id)}
                if bandwidth > 0 and not inst.public_ips and inst.public_ip_wanted:
                    change["public_ips"] = [public_ip(store.next_counter("public_ip"))]
                changes.append((inst, change))
            store.update_many(changes)
        return {}

    def modify_attribute(self, ctx, params):
        given = [name for name in ATTRIBUTES + UNEMULATED if params.get(name) is not None]
        if not given:
            raise V3Error("MissingParameter", f"give one attribute to change: {', '.join(ATTRIBUTES)}")
        if len(given) > 1:
            raise combination(f"one attribute per call, got {', '.join(given)}")
        (attribute,) = given
        if attribute in UNEMULATED:
            raise V3Error("UnsupportedOperation", f"changing {attribute} is not emulated")
        value = params[attribute]
        if attribute == "InstanceName" and not 1 <= len(value) <= 60:
            raise V3Error("InvalidInstanceName.TooLong" if value else "InvalidParameterValue", f"InstanceName must have 1-60 characters, got {len(value)}")
        if attribute == "UserData":
            value = rules.check_user_data(value)
        store = self.store
        with store.lock:
            now = self.clock()
            if attribute == "SecurityGroups":
                self._check_groups(ctx, value)
            instances = self._instances(ctx, params, now)
            for inst in instances:
                checks.require_state(inst, now, CHANGEABLE, "ModifyInstancesAttribute", busy_ok=attribute not in STATE_BOUND)
                checks.refuse_stopped_without_charging(inst, now, "ModifyInstancesAttribute")
            if attribute == "DisableApiTermination" and value:
                timed = [inst.instance_id for inst in instances if timers.undo_of(store, inst.instance_id, now) is not None]
                if timed:
                    raise V3Error(
                        "UnsupportedOperation.InvalidInstanceNotSupportedProtectedInstance",
                        f"instance(s) {', '.join(timed)} have a pending termination timer; delete it (DeleteInstancesActionTimer) before turning protection on",
                    )
            field = FIELDS[attribute]
            store.update_many(
                [
                    (
                        inst,
                        {
                            field: list(value) if isinstance(value, list) else value,
                            "latest_operation": operations.record(operations.MODIFY_ATTRIBUTE, ctx.request_id),
                        },
                    )
                    for inst in instances
                ]
            )
        return {}

    def _check_groups(self, ctx, sg_ids):
        for sg_id in sg_ids:
            if not checks.SG_ID.fullmatch(sg_id):
                raise V3Error("InvalidSgId.Malformed", f"security group id {sg_id!r} is malformed (sg-xxxxxxxx)")
        checks.no_duplicates(sg_ids, "SecurityGroups")
        for sg_id in sg_ids:
            if self.book.find(sg_id, ctx.region) is None:
                raise V3Error("InvalidSecurityGroupId.NotFound", f"security group {sg_id} does not exist in this region")
        if len(sg_ids) > MAX_GROUPS:
            raise V3Error("LimitExceeded.AssociateUSGLimitExceeded", f"an instance can be in at most {MAX_GROUPS} security groups, got {len(sg_ids)}")

    def _one_group(self, ctx, params):
        sg_ids = params["SecurityGroupIds"]
        if len(sg_ids) != 1:
            raise too_many(f"SecurityGroupIds takes exactly one group per call, got {len(sg_ids)}")
        self._check_groups(ctx, sg_ids)
        return sg_ids[0]

    def associate(self, ctx, params):
        return self._change_groups(ctx, params, operations.ASSOCIATE_GROUPS, "AssociateSecurityGroups")

    def disassociate(self, ctx, params):
        return self._change_groups(ctx, params, operations.DISASSOCIATE_GROUPS, "DisassociateSecurityGroups")

    def _change_groups(self, ctx, params, operation, action):
        store = self.store
        with store.lock:
            sg_id = self._one_group(ctx, params)
            now = self.clock()
            instances = self._instances(ctx, params, now)
            changes = []
            for inst in instances:
                checks.require_state(inst, now, CHANGEABLE, action)
                groups = list(inst.security_group_ids)
                if operation == operations.ASSOCIATE_GROUPS and sg_id not in groups:
                    groups.append(sg_id)
                    if len(groups) > MAX_GROUPS:
                        raise V3Error("LimitExceeded.AssociateUSGLimitExceeded", (f"instance {inst.instance_id} is already in {MAX_GROUPS} security groups"))
                elif operation == operations.DISASSOCIATE_GROUPS and sg_id in groups:
                    groups.remove(sg_id)
                changes.append((inst, {"security_group_ids": groups, "latest_operation": operations.record(operation, ctx.request_id)}))
            store.update_many(changes)
        return {}
