# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Legacy DescribeInstances records as neutral Instances (api-notes/legacy.md 4.2, 4.3; api-notes/v3.md 5.4, 5.5).

Private: may change without notice. The only code that reads a legacy record.
"""

from __future__ import annotations

import calendar
import time

from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.instance_types import (
    DISK_TYPE_NAMES,
    conventional_type_name,
    family_of_option,
)
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.model import Instance
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.regions import region_name, zone_name

# Legacy status codes (4.3) by the neutral name they share with API 3.0 (v3 5.4).
STATUS_BY_CODE = {
    -1: "launch_failed",
    1: "fault",
    2: "running",
    3: "pending",
    4: "stopped",
    5: "terminated",
    6: "terminating",
    7: "rebooting",
    8: "starting",
    9: "stopping",
}
# 10-20 are operations on a running instance (password, bandwidth, image, ...);
# API 3.0 shows the same as RUNNING with an operation in progress (v3 5.4).
OPERATING_CODES = range(10, 21)
CODES_BY_STATUS = {name: code for code, name in STATUS_BY_CODE.items()}

# cvmPayMode and networkPayMode (4.2) in API 3.0 words (v3 5.5).
CHARGE_TYPES = {1: "PREPAID", 2: "POSTPAID_BY_HOUR"}
BANDWIDTH_TYPES = {1: "BANDWIDTH_PREPAID", 2: "PayByTraffic", 3: "PayByHour"}

_CHINA_OFFSET = 8 * 3600


def status_name(code):
    try:
        code = int(code)
    except (TypeError, ValueError):
        return "maintenance"
    if code in OPERATING_CODES:
        return "operating"
    return STATUS_BY_CODE.get(code, "maintenance")


def utc_time(china_time):
    """``2024-05-01 10:00:00`` (China time, UTC+8) as ``2024-05-01T02:00:00Z``; None when it cannot be read."""
    try:
        parsed = time.strptime(str(china_time), "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None
    epoch = calendar.timegm(parsed) - _CHINA_OFFSET
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def _disk(disk_id, disk_type, disk_size):
    return {"disk_id": disk_id, "disk_type": DISK_TYPE_NAMES.get(_int(disk_type)), "disk_size": _int(disk_size)}


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def instance_from_record(record, region):
    """The neutral Instance of one legacy record listed in ``region`` (3.0 name)."""
    disk = record.get("diskInfo")
    if isinstance(disk, list):  # documented as an Array, every example is an object (4.2)
        disk = disk[0] if disk else {}
    disk = disk or {}
    family = family_of_option(record["instanceType"]) if record.get("instanceType") else None
    cpu, memory = _int(record.get("cpu")), _int(record.get("mem"))
    zone_id = _int(record.get("zoneId"))
    data_disks = []
    if _int(disk.get("storageSize")):
        data_disks.append(_disk(disk.get("storageId"), disk.get("storageType"), disk.get("storageSize")))
    instance = Instance(
        instance_id=record.get("unInstanceId") or "",
        instance_name=record.get("instanceName") or "",
        uuid=record.get("uuid"),
        region=region_name(record.get("Region") or "") or region,
        zone=zone_name(zone_id) or "",
        zone_id=zone_id,
        status=status_name(record.get("status")),
        instance_type=conventional_type_name(family, cpu, memory) if family else None,
        instance_family=family,
        cpu=cpu,
        memory=memory,
        image_id=record.get("unImgId"),
        instance_charge_type=CHARGE_TYPES.get(_int(record.get("cvmPayMode"))),
        private_ip=record.get("lanIp") or None,
        public_ips=list(record.get("wanIpSet") or []),
        # The documented vpcId/subnetId are numeric internal IDs; the vpc-/subnet-
        # strings come as unVpcId/unSubnetId where the API sends them at all (4.2).
        vpc_id=record.get("unVpcId") or None,
        subnet_id=record.get("unSubnetId") or None,
        vpc_gateway=bool(_int(record.get("isVpcGateway"))),
        bandwidth=_int(record.get("bandwidth")),
        bandwidth_type=BANDWIDTH_TYPES.get(_int(record.get("networkPayMode"))),
        project_id=_int(record.get("projectId")),
        system_disk=_disk(disk.get("rootId"), disk.get("rootType"), disk.get("rootSize")),
        data_disks=data_disks,
        created_time=utc_time(record.get("createTime")),
        # The legacy API cannot stop charging: a stopped instance keeps charging.
        stop_charging_mode="keep_charging" if status_name(record.get("status")) == "stopped" else None,
    )
    if "unVpcId" not in record and _int(record.get("vpcId")):
        # In a VPC, but the record names it only by its numeric internal ID (4.2):
        # which vpc-/subnet- it is cannot be told, so it is never compared.
        instance.unreported = frozenset(("vpc_id", "subnet_id"))
    return instance
