# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The 3.0 face's view of an instance: the ``Instance`` structure (api-notes/v3.md 3.2.1, 5.4, 5.5).

Rendered from the neutral ``model.InstanceState`` on every read, like the
legacy record, so an instance made or changed through either face looks
the same through both: family ``CVM.S1`` + 1 vCPU / 2 GB <-> ``S1.SMALL2``,
``local_basic`` <-> ``LOCAL_BASIC`` (legacy storageType 1), ``by_hour`` <->
``BANDWIDTH_POSTPAID_BY_HOUR`` (networkPayMode 3), zone 100003 <->
``ap-guangzhou-3``, China-time ``createTime`` <-> ISO UTC ``CreatedTime``.

States (``states.TABLE``, v3.md 5.4): the legacy "fault" (1) has no 3.0
state; [EMU] it shows as ``RUNNING`` with ``RestrictState``
``PROTECTIVELY_ISOLATED``, and every 3.0 change but TerminateInstances
and renaming answers ``UnsupportedOperation.InstanceStateCorrupted``.
Legacy statuses 10-20 show as RUNNING with ``LatestOperationState``
OPERATING.  A returned instance (legacy 5) is gone from 3.0 listings at
once; a LAUNCH_FAILED one stays ``forget_delay`` seconds, as in the legacy
face.

``StopChargingMode``: ``STOP_CHARGING`` or ``KEEP_CHARGING`` while STOPPED
(a stop through the legacy face, or of a seeded stopped instance, keeps
charging), ``NOT_APPLICABLE`` in every other state; while stopped without
charging ``InternetAccessible.InternetChargeType`` is ``""`` and the public
IP is gone (``PublicIpAddresses`` null).  ``InstanceChargeType`` is
``SPOTPAID`` for spot instances.
"""

import time

from .. import operations, states
from ..images import IMAGES
from . import images, types, zones

V3_STATES = {name: (codes[1] or "RUNNING") for name, codes in states.TABLE.items()}
DISK_TYPES = {"local_basic": "LOCAL_BASIC", "cloud_basic": "CLOUD_BASIC", "local_ssd": "LOCAL_SSD", "cloud_ssd": "CLOUD_SSD", "cloud_premium": "CLOUD_PREMIUM"}
NEUTRAL_DISKS = {name: neutral for neutral, name in DISK_TYPES.items()}
CHARGE_TYPES = {"by_hour": "BANDWIDTH_POSTPAID_BY_HOUR", "by_traffic": "TRAFFIC_POSTPAID_BY_HOUR"}
NEUTRAL_CHARGES = {name: neutral for neutral, name in CHARGE_TYPES.items()}
INSTANCE_CHARGE_TYPES = {"postpaid_by_hour": "POSTPAID_BY_HOUR", "spot": "SPOTPAID", "prepaid": "PREPAID"}
BUSY_STATUSES = frozenset(operations.BUSY_STATUS_OPERATIONS)


def iso_utc(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def current(inst, now):
    """(status, since, pending): ``pending`` is True while a status transition has not completed."""
    if inst.next_status is not None:
        if now >= inst.next_at:
            return inst.next_status, inst.next_at, False
        return inst.status, inst.status_time, True
    return inst.status, inst.status_time, False


def listed(status, since, now, forget):
    """Whether 3.0 listings show an instance in ``status`` since ``since``."""
    if status == states.RETURNED:
        return False
    return not (status == states.LAUNCH_FAILED and now >= since + forget)


def latest_operation(inst, status, pending):
    """(LatestOperation, LatestOperationState, LatestOperationRequestId, LatestOperationErrorMsg)."""
    record = inst.latest_operation
    if status in BUSY_STATUSES:
        return operations.BUSY_STATUS_OPERATIONS[status], "OPERATING", None, None
    if not record:
        if status == states.LAUNCH_FAILED:
            return "RunInstances", "FAILED", None, "the instance failed to launch"
        return None, None, None, None
    name = operations.V3_NAMES.get(record["name"], record["name"])
    if status == states.LAUNCH_FAILED:
        return name, "FAILED", record.get("request_id"), record.get("error") or "the instance failed to launch"
    return name, "OPERATING" if pending else "SUCCESS", record.get("request_id"), None


def host_name(inst, image):
    if inst.host_name:
        return inst.host_name
    octets = (inst.private_ip or "0.0.0.0").split(".")
    return f"VM-{octets[2]}-{octets[3]}-{images.OS[image.image_id][0].lower()}"


def instance(inst, now):
    """The ``Instance`` item of DescribeInstances."""
    image = IMAGES[inst.image_id]
    status, _since, pending = current(inst, now)
    operation, op_state, op_request, op_error = latest_operation(inst, status, pending)
    root = inst.system_disk
    windows = image.windows
    stopped = status == states.STOPPED
    # v3.md 10.2.3/10.2.4: while stopped without charging the bandwidth charge reads back empty.
    without_charging = stopped and inst.stopped_mode == "stop_charging"
    return {
        "Placement": {"Zone": zones.zone_name(inst.zone_id), "ProjectId": inst.project_id, "HostId": None},
        "InstanceId": inst.instance_id,
        "InstanceType": types.type_name(inst.family, inst.cpu, inst.mem),
        "CPU": inst.cpu,
        "Memory": inst.mem,
        "RestrictState": "PROTECTIVELY_ISOLATED" if status == states.FAULT else "NORMAL",
        "InstanceName": inst.name,
        "InstanceChargeType": INSTANCE_CHARGE_TYPES[inst.charge_type],
        "SystemDisk": {"DiskType": DISK_TYPES[root["type"]], "DiskId": root["disk_id"], "DiskSize": root["size"]},
        "DataDisks": [
            {"DiskType": DISK_TYPES[disk["type"]], "DiskId": disk["disk_id"], "DiskSize": disk["size"], "DeleteWithInstance": True, "Encrypt": False}
            for disk in inst.data_disks
        ],
        "PrivateIpAddresses": [inst.private_ip],
        "PublicIpAddresses": list(inst.public_ips) or None,
        "InternetAccessible": {
            "InternetChargeType": "" if without_charging else CHARGE_TYPES[inst.bandwidth_charge],
            "InternetMaxBandwidthOut": inst.bandwidth,
            "PublicIpAssigned": bool(inst.public_ips),
        },
        "VirtualPrivateCloud": {"VpcId": inst.vpc_id or "", "SubnetId": inst.subnet_id or "", "AsVpcGateway": bool(inst.is_vpc_gateway)},
        "ImageId": inst.image_id,
        "RenewFlag": None,
        "CreatedTime": iso_utc(inst.created_at),
        "ExpiredTime": None,
        "OsName": images.os_name(inst.image_id),
        "SecurityGroupIds": list(inst.security_group_ids),
        "LoginSettings": {"KeyIds": list(inst.key_ids) or None},
        "InstanceState": V3_STATES[status],
        "Tags": [{"Key": key, "Value": value} for key, value in inst.tags],
        "StopChargingMode": ("STOP_CHARGING" if without_charging else "KEEP_CHARGING") if stopped else "NOT_APPLICABLE",
        "Uuid": inst.uuid,
        "LatestOperation": operation,
        "LatestOperationState": op_state,
        "LatestOperationRequestId": op_request,
        "LatestOperationErrorMsg": op_error,
        "DisasterRecoverGroupId": "",
        "IPv6Addresses": None,
        "CamRoleName": None,
        "HpcClusterId": "",
        "RdmaIpAddresses": None,
        "DedicatedClusterId": "",
        "IsolatedSource": "NOTISOLATED",
        "LicenseType": "TencentCloud",
        "DisableApiTermination": bool(inst.disable_api_termination),
        "DefaultLoginUser": "Administrator" if windows else "root",
        "DefaultLoginPort": 3389 if windows else 22,
        "HostName": host_name(inst, image),
        "EnableJumboFrame": False,
    }
