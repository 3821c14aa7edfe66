# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One instance: its static DescribeInstances record and its lazily computed status.

Status changes are stored as "status since T, becomes S2 at T2", so
creating -> running and returning -> returned need no background thread and
survive a restart unchanged.
"""

import time

from .images import IMAGE_TYPE_LABELS

CREATING, RUNNING, STOPPED, FAULT, RETURNED, RETURNING, CREATE_FAILED = 3, 2, 4, 1, 5, 6, -1

# Statuses in which an instance no longer holds its private IP.
RELEASED = frozenset((RETURNING, RETURNED, CREATE_FAILED))
# Statuses after which the instance drops out of DescribeInstances once forget_delay passed.
GONE = frozenset((RETURNED, CREATE_FAILED))

_CHINA_OFFSET = 8 * 3600


def china_time(epoch):
    """``YYYY-MM-DD HH:MM:SS`` in UTC+8, the console's (and the API's) local time."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(epoch + _CHINA_OFFSET))


class Instance:
    __slots__ = ("record", "seq", "created_at", "status", "status_time", "next_status", "next_at")

    def __init__(self, record, seq, created_at, status, status_time, next_status=None, next_at=None):
        self.record = record
        self.seq = seq
        self.created_at = created_at
        self.status = status
        self.status_time = status_time
        self.next_status = next_status
        self.next_at = next_at

    @property
    def instance_id(self):
        return self.record["unInstanceId"]

    @property
    def region(self):
        return self.record["Region"]

    def effective(self, now):
        """(status, since) at time ``now``."""
        if self.next_status is not None and now >= self.next_at:
            return self.next_status, self.next_at
        return self.status, self.status_time

    def listed(self, now, forget_delay):
        status, since = self.effective(now)
        return status not in GONE or now < since + forget_delay

    def view(self, now):
        status, since = self.effective(now)
        out = dict(self.record)
        out["status"] = status
        out["statusTime"] = china_time(since)
        return out

    def to_row(self):
        return {
            "record": self.record,
            "seq": self.seq,
            "created_at": self.created_at,
            "status": self.status,
            "status_time": self.status_time,
            "next_status": self.next_status,
            "next_at": self.next_at,
        }

    @classmethod
    def from_row(cls, row):
        return cls(row["record"], row["seq"], row["created_at"], row["status"], row["status_time"],
                   row["next_status"], row["next_at"])


def build_record(ids, req, region, zone, network, created_at):
    """The DescribeInstances item for one new instance.

    ``ids`` holds instance_id, legacy_id, uuid, root_disk_id, data_disk_id;
    ``network`` holds lan_ip, wan_ips, vpc, subnet (vpc/subnet may be None).
    """
    vpc, subnet = network["vpc"], network["subnet"]
    disk = {"rootId": ids["root_disk_id"], "rootSize": req.root_size, "rootType": req.storage_type}
    if req.storage_size > 0:
        disk.update(storageId=ids["data_disk_id"], storageSize=req.storage_size, storageType=req.storage_type)
    return {
        "unInstanceId": ids["instance_id"],
        "instanceId": ids["legacy_id"],
        "uuid": ids["uuid"],
        "instanceName": req.name,
        "instanceType": req.instance_type,
        "zoneId": zone.zone_id,
        "zoneName": zone.name,
        "Region": region,
        "lanIp": network["lan_ip"],
        "wanIpSet": list(network["wan_ips"]),
        "cpu": req.cpu,
        "mem": req.mem,
        "bandwidth": req.bandwidth,
        "unImgId": req.image.image_id,
        "imageType": IMAGE_TYPE_LABELS[req.image.image_type],
        "os": req.image.os,
        "createTime": china_time(created_at),
        "deadlineTime": "0000-00-00 00:00",
        "autoRenew": 0,
        "projectId": req.project_id,
        "cvmPayMode": 2,
        "networkPayMode": 2 if req.bandwidth_type == "PayByTraffic" else 3,
        "vpcId": vpc.numeric_id if vpc else 0,
        "subnetId": subnet.numeric_id if subnet else 0,
        "unVpcId": vpc.vpc_id if vpc else "",
        "unSubnetId": subnet.subnet_id if subnet else "",
        "isVpcGateway": req.is_vpc_gateway,
        "diskInfo": disk,
    }
