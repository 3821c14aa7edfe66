# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The latest operation on an instance, API-neutral (``InstanceState.latest_operation``).

Stored as ``{"name": <neutral name>, "request_id": <id or None>}`` plus
``"error"`` for a create that will fail.  Both faces write it; the 3.0 face
shows it as ``LatestOperation`` (the 3.0 action name below),
``LatestOperationState`` (OPERATING while a status transition is pending,
FAILED for a failed create, else SUCCESS), ``LatestOperationRequestId`` and
``LatestOperationErrorMsg``.  The legacy face does not show it.
"""

CREATE = "create"
START = "start"
STOP = "stop"
REBOOT = "reboot"
TERMINATE = "terminate"
SET_BANDWIDTH = "set_bandwidth"
MODIFY_ATTRIBUTE = "modify_attribute"
ASSOCIATE_GROUPS = "associate_security_groups"
DISASSOCIATE_GROUPS = "disassociate_security_groups"

V3_NAMES = {
    CREATE: "RunInstances",
    START: "StartInstances",
    STOP: "StopInstances",
    REBOOT: "RebootInstances",
    TERMINATE: "TerminateInstances",
    SET_BANDWIDTH: "ResetInstancesInternetMaxBandwidth",
    MODIFY_ATTRIBUTE: "ModifyInstancesAttribute",
    ASSOCIATE_GROUPS: "AssociateSecurityGroups",
    DISASSOCIATE_GROUPS: "DisassociateSecurityGroups",
    # written by emulators before the neutral names (legacy action names)
    "StartInstances": "StartInstances",
    "StopInstances": "StopInstances",
    "RestartInstances": "RebootInstances",
}

# Legacy statuses 10-20 ("an operation is running", legacy.md 4.3): the 3.0 action that
# LatestOperation names while the instance shows RUNNING + OPERATING (v3.md 5.4).
BUSY_STATUS_OPERATIONS = {
    "resetting_password": "ResetInstancesPassword",
    "formatting": "ResizeInstanceDisks",
    "creating_image": "CreateImage",
    "setting_bandwidth": "ResetInstancesInternetMaxBandwidth",
    "reinstalling": "ResetInstance",
    "binding_domain": "ModifyInstancesAttribute",
    "unbinding_domain": "ModifyInstancesAttribute",
    "binding_load_balancer": "ModifyInstancesAttribute",
    "unbinding_load_balancer": "ModifyInstancesAttribute",
    "upgrading": "ResetInstancesType",
    "distributing_key": "AssociateInstancesKeyPairs",
}


def record(name, request_id=None, error=None):
    entry = {"name": name, "request_id": request_id}
    if error:
        entry["error"] = error
    return entry
