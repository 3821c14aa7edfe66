# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The legacy face's view of an instance: the DescribeInstances record (api-notes/legacy.md section 4.2).

Rendered from the neutral ``model.InstanceState`` on every read; the key
order is part of the answer and stays as it is.
"""

import time

from . import catalog, states
from .images import IMAGE_TYPE_LABELS, IMAGES
from .vpcs import SUBNETS, VPCS

_CHINA_OFFSET = 8 * 3600

# neutral disk type <-> legacy storageType / rootType code
DISK_CODES = {"local_basic": 1, "cloud_basic": 2, "local_ssd": 3, "cloud_ssd": 4, "cloud_premium": 5}
DISK_TYPES = {code: name for name, code in DISK_CODES.items()}
# neutral bandwidth charge <-> legacy bandwidthType, networkPayMode
BANDWIDTH_TYPES = {"PayByHour": "by_hour", "PayByTraffic": "by_traffic"}
NETWORK_PAY_MODES = {"by_traffic": 2, "by_hour": 3}
# neutral charge type -> cvmPayMode (0 monthly post-paid, 1 prepaid, 2 hourly)
CVM_PAY_MODES = {"postpaid_by_hour": 2, "spot": 2, "prepaid": 1}


def china_time(epoch):
    """``YYYY-MM-DD HH:MM:SS`` in UTC+8, the console's (and the API's) local time."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(epoch + _CHINA_OFFSET))


def legacy_status(inst, now):
    """(legacy status code, since) at ``now``."""
    status, since = inst.effective(now)
    return states.LEGACY_CODE[status], since


def legacy_record(inst, now):
    """The DescribeInstances item: every field of api-notes/legacy.md 4.2 plus the [EMU] extras, then status."""
    image = IMAGES[inst.image_id]
    vpc = VPCS[inst.vpc_id] if inst.vpc_id else None
    subnet = SUBNETS[inst.subnet_id] if inst.subnet_id else None
    root = inst.system_disk
    disk = {"rootId": root["disk_id"], "rootSize": root["size"], "rootType": DISK_CODES[root["type"]]}
    if inst.data_disks:
        data = inst.data_disks[0]
        disk.update(storageId=data["disk_id"], storageSize=data["size"], storageType=DISK_CODES[data["type"]])
    status, since = legacy_status(inst, now)
    return {
        "unInstanceId": inst.instance_id,
        "instanceId": inst.legacy_id,
        "uuid": inst.uuid,
        "instanceName": inst.name,
        "instanceType": inst.family,
        "zoneId": inst.zone_id,
        "zoneName": catalog.ZONES[inst.zone_id].name,
        "Region": inst.region,
        "lanIp": inst.private_ip,
        "wanIpSet": list(inst.public_ips),
        "cpu": inst.cpu,
        "mem": inst.mem,
        "bandwidth": inst.bandwidth,
        "unImgId": inst.image_id,
        "imageType": IMAGE_TYPE_LABELS[image.image_type],
        "os": image.os,
        "createTime": china_time(inst.created_at),
        "deadlineTime": "0000-00-00 00:00",
        "autoRenew": 0,
        "projectId": inst.project_id,
        "cvmPayMode": CVM_PAY_MODES[inst.charge_type],
        "networkPayMode": NETWORK_PAY_MODES[inst.bandwidth_charge],
        "vpcId": vpc.numeric_id if vpc else 0,
        "subnetId": subnet.numeric_id if subnet else 0,
        "unVpcId": inst.vpc_id or "",
        "unSubnetId": inst.subnet_id or "",
        "isVpcGateway": 1 if inst.is_vpc_gateway else 0,
        "diskInfo": disk,
        "status": status,
        "statusTime": china_time(since),
    }


def control_record(inst, now, timer=None):
    """``GET /_emulator/instances``: the legacy record plus the ordered security groups, the 3.0 charge
    type, the instance's newest listed action timer (3.0 ``ActionTimer`` or None) and why it was terminated."""
    record = legacy_record(inst, now)
    record["instanceChargeType"] = {"spot": "SPOTPAID", "prepaid": "PREPAID"}.get(inst.charge_type, "POSTPAID_BY_HOUR")
    record["actionTimer"] = timer
    record["terminationCause"] = inst.termination_cause
    record["securityGroupIds"] = list(inst.security_group_ids)
    return record
