# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""API 3.0 Instance structures as neutral Instances (api-notes/v3.md 3.2.1, 3.2.2, 5.4, 5.5).

Private: may change without notice. The only code that reads a 3.0 instance.
"""

from __future__ import annotations

import time

from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.instance_types import family_of_type
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.model import Instance
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.regions import zone_id_of

# InstanceState (3.2.2) by the neutral name it shares with the legacy API (5.4).
STATUS_BY_STATE = {
    "PENDING": "pending",
    "LAUNCH_FAILED": "launch_failed",
    "RUNNING": "running",
    "STOPPED": "stopped",
    "STARTING": "starting",
    "STOPPING": "stopping",
    "REBOOTING": "rebooting",
    "TERMINATING": "terminating",
    # "Stopped, waiting to be destroyed": given back, in the recycle bin (5.4).
    "SHUTDOWN": "terminated",
}
STATES_BY_STATUS = {name: state for state, name in STATUS_BY_STATE.items()}
# Operations whose progress the instance state shows itself; any other one in
# progress on a RUNNING instance is what the legacy API calls status 10-20 (5.4).
LIFECYCLE_OPERATIONS = frozenset(("RunInstances", "StartInstances", "StopInstances", "RebootInstances", "TerminateInstances"))

# InternetChargeType in the words of the module's bandwidth_type option (5.1).
BANDWIDTH_TYPES = {"BANDWIDTH_POSTPAID_BY_HOUR": "PayByHour", "TRAFFIC_POSTPAID_BY_HOUR": "PayByTraffic"}
BANDWIDTH_CHARGE_TYPES = {name: charge for charge, name in BANDWIDTH_TYPES.items()}


def status_name(record):
    state = record.get("InstanceState")
    name = STATUS_BY_STATE.get(state)
    if name is None:
        return "maintenance"
    if (
        name == "running"
        and record.get("LatestOperationState") == "OPERATING"
        and record.get("LatestOperation") not in LIFECYCLE_OPERATIONS
        and record.get("LatestOperation")
    ):
        return "operating"
    return name


def stop_charging_mode(record):
    """keep_charging / stop_charging for a stopped instance (10.2.3); None otherwise.

    A stopped instance that cannot stop charging shows NOT_APPLICABLE: it keeps charging.
    """
    if record.get("InstanceState") != "STOPPED":
        return None
    return "stop_charging" if record.get("StopChargingMode") == "STOP_CHARGING" else "keep_charging"


def utc_time(text):
    """ISO 8601 in UTC as ``YYYY-MM-DDTHH:MM:SSZ``, from either documented form (``...Z`` or ``...+00:00``, 1.6)."""
    if not text:
        return None
    text = str(text)
    for suffix in ("Z", "+00:00"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
            break
    try:
        parsed = time.strptime(text, "%Y-%m-%dT%H:%M:%S")
    except ValueError:
        return str(text)
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", parsed)


def _disk(disk):
    disk = disk or {}
    return {"disk_id": disk.get("DiskId"), "disk_type": disk.get("DiskType"), "disk_size": disk.get("DiskSize")}


def instance_from_record(record, region, zone_ids=None):
    """The neutral Instance of one 3.0 Instance structure listed in ``region``.

    ``zone_ids`` maps zone names to numeric IDs (DescribeZones); without an
    entry the static rule of 5.1 gives the ID.
    """
    placement = record.get("Placement") or {}
    zone = placement.get("Zone") or ""
    internet = record.get("InternetAccessible") or {}
    network = record.get("VirtualPrivateCloud") or {}
    charge = internet.get("InternetChargeType")
    private_ips = record.get("PrivateIpAddresses") or []
    return Instance(
        instance_id=record.get("InstanceId") or "",
        instance_name=record.get("InstanceName") or "",
        uuid=record.get("Uuid"),
        region=region,
        zone=zone,
        zone_id=(zone_ids or {}).get(zone) or zone_id_of(zone),
        status=status_name(record),
        instance_type=record.get("InstanceType"),
        instance_family=family_of_type(record.get("InstanceType")),
        cpu=record.get("CPU"),
        memory=record.get("Memory"),
        image_id=record.get("ImageId"),
        instance_charge_type=record.get("InstanceChargeType"),
        private_ip=private_ips[0] if private_ips else None,
        # May be null (3.2.1).
        public_ips=list(record.get("PublicIpAddresses") or []),
        vpc_id=network.get("VpcId") or None,
        subnet_id=network.get("SubnetId") or None,
        vpc_gateway=bool(network.get("AsVpcGateway")),
        bandwidth=internet.get("InternetMaxBandwidthOut"),
        # Empty while stopped without charging (api-notes/v3.md 10.2.4): not reported then.
        bandwidth_type=BANDWIDTH_TYPES.get(charge, charge) or None,
        project_id=placement.get("ProjectId"),
        system_disk=_disk(record.get("SystemDisk")),
        data_disks=[_disk(disk) for disk in record.get("DataDisks") or []],
        created_time=utc_time(record.get("CreatedTime")),
        security_group_ids=list(record.get("SecurityGroupIds") or []),
        tags={tag.get("Key"): tag.get("Value") for tag in record.get("Tags") or [] if isinstance(tag, dict)},
        stop_charging_mode=stop_charging_mode(record),
        termination_protection=bool(record.get("DisableApiTermination")),
    )
