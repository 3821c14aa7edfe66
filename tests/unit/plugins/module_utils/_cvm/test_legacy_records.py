# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A legacy DescribeInstances record as an Instance (_cvm/legacy/records.py): every key, status, time and disk."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.legacy.records import (
    CODES_BY_STATUS,
    instance_from_record,
    status_name,
    utc_time,
)
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.model import INSTANCE_KEYS, STATUS_NAMES, Instance

FULL = {
    "unInstanceId": "ins-a19qoqqk",
    "instanceId": "qcvm0123456789abcdef0123456789abcd",
    "uuid": "6a1f3c1e-0d7b-4c55-9f1e-3b4a2f0e9d11",
    "instanceName": "web",
    "zoneId": 100003,
    "zoneName": "\u5e7f\u5dde\u4e09\u533a",
    "Region": "gz",
    "status": 2,
    "lanIp": "10.3.0.17",
    "wanIpSet": ["203.0.113.10", "203.0.113.11"],
    "cpu": 2,
    "mem": 4,
    "bandwidth": 10,
    "unImgId": "img-3wnd9xpl",
    "imageId": 3,
    "imageType": "\u516c\u6709\u955c\u50cf",
    "os": "centos7.2x86_64",
    "createTime": "2024-05-01 10:00:00",
    "deadlineTime": "0000-00-00 00:00",
    "statusTime": "2024-05-01 10:01:00",
    "autoRenew": 0,
    "projectId": 3,
    "cvmPayMode": 2,
    "networkPayMode": 2,
    "vpcId": 1001,
    "subnetId": 2001,
    "unVpcId": "vpc-gzdemo01",
    "unSubnetId": "subnet-gz3web01",
    "isVpcGateway": 1,
    "instanceType": "CVM.S2",
    "deviceClass": "VSELF_2",
    "diskInfo": {"rootId": "disk-root0001", "rootSize": 50, "rootType": 2, "storageId": "disk-data0001", "storageSize": 100, "storageType": 5},
}

FULL_INSTANCE = {
    "instance_id": "ins-a19qoqqk",
    "instance_name": "web",
    "uuid": "6a1f3c1e-0d7b-4c55-9f1e-3b4a2f0e9d11",
    "region": "ap-guangzhou",
    "zone": "ap-guangzhou-3",
    "zone_id": 100003,
    "status": "running",
    "instance_type": "S2.MEDIUM4",
    "instance_family": "S2",
    "cpu": 2,
    "memory": 4,
    "image_id": "img-3wnd9xpl",
    "instance_charge_type": "POSTPAID_BY_HOUR",
    "private_ip": "10.3.0.17",
    "public_ips": ["203.0.113.10", "203.0.113.11"],
    "vpc_id": "vpc-gzdemo01",
    "subnet_id": "subnet-gz3web01",
    "vpc_gateway": True,
    "bandwidth": 10,
    "bandwidth_type": "PayByTraffic",
    "project_id": 3,
    "system_disk": {"disk_id": "disk-root0001", "disk_type": "CLOUD_BASIC", "disk_size": 50},
    "data_disks": [{"disk_id": "disk-data0001", "disk_type": "CLOUD_PREMIUM", "disk_size": 100}],
    "created_time": "2024-05-01T02:00:00Z",
    # The legacy DescribeInstances reports neither (the backend lists the groups apart, api-notes/v3.md 6.5).
    "security_group_ids": [],
    # The legacy API has no timers, no stop charging and no protection (running: no stop mode at all).
    "expire_time": None,
    "stop_charging_mode": None,
    "termination_protection": False,
    "tags": {},
}


def convert(region="ap-guangzhou", **changes):
    record = dict(FULL, **changes)
    return instance_from_record(record, region)


def test_every_key_of_a_full_record():
    instance = instance_from_record(FULL, "ap-guangzhou")
    assert isinstance(instance, Instance)
    assert instance.as_dict() == FULL_INSTANCE
    assert set(FULL_INSTANCE) == INSTANCE_KEYS


def test_the_record_is_not_changed():
    record = copy.deepcopy(FULL)
    instance = instance_from_record(record, "ap-guangzhou")
    instance.public_ips.append("x")
    instance.system_disk["disk_size"] = 1
    assert record == FULL


def test_a_record_with_only_an_id_has_every_key_empty():
    instance = instance_from_record({"unInstanceId": "ins-1"}, "ap-shanghai")
    assert instance.as_dict() == {
        "instance_id": "ins-1",
        "instance_name": "",
        "uuid": None,
        "region": "ap-shanghai",
        "zone": "",
        "zone_id": None,
        "status": "maintenance",
        "instance_type": None,
        "instance_family": None,
        "cpu": None,
        "memory": None,
        "image_id": None,
        "instance_charge_type": None,
        "private_ip": None,
        "public_ips": [],
        "vpc_id": None,
        "subnet_id": None,
        "vpc_gateway": False,
        "bandwidth": None,
        "bandwidth_type": None,
        "project_id": None,
        "system_disk": {"disk_id": None, "disk_type": None, "disk_size": None},
        "data_disks": [],
        "created_time": None,
        "security_group_ids": [],
        "expire_time": None,
        "stop_charging_mode": None,
        "termination_protection": False,
        "tags": {},
    }


@pytest.mark.parametrize(
    "key, value, field, expected",
    [
        ("lanIp", "", "private_ip", None),
        ("wanIpSet", None, "public_ips", []),
        ("wanIpSet", [], "public_ips", []),
        ("unVpcId", "", "vpc_id", None),
        ("unSubnetId", "", "subnet_id", None),
        ("isVpcGateway", 0, "vpc_gateway", False),
        ("isVpcGateway", "1", "vpc_gateway", True),
        ("instanceName", None, "instance_name", ""),
        ("cpu", "2", "cpu", 2),
        ("mem", "x", "memory", None),
        ("projectId", "0", "project_id", 0),
        ("zoneId", "100004", "zone_id", 100004),
        ("bandwidth", 0, "bandwidth", 0),
    ],
)
def test_empty_and_textual_values(key, value, field, expected):
    assert getattr(convert(**{key: value}), field) == expected


# -- status ------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, name",
    [
        (-1, "launch_failed"),
        (1, "fault"),
        (2, "running"),
        (3, "pending"),
        (4, "stopped"),
        (5, "terminated"),
        (6, "terminating"),
        (7, "rebooting"),
        (8, "starting"),
        (9, "stopping"),
    ]
    + [(code, "operating") for code in range(10, 21)]
    + [
        (0, "maintenance"),
        (21, "maintenance"),
        (99, "maintenance"),
        (-2, "maintenance"),
        (None, "maintenance"),
        ("busy", "maintenance"),
        ("2", "running"),
        ("-1", "launch_failed"),
        ("15", "operating"),
    ],
)
def test_status_codes_are_named(code, name):
    assert status_name(code) == name
    assert convert(status=code).status == name


def test_every_name_is_a_documented_status_and_named_codes_map_back():
    assert {status_name(code) for code in range(-3, 30)} <= set(STATUS_NAMES)
    for name, code in CODES_BY_STATUS.items():
        assert status_name(code) == name
    # Statuses without one legacy code of their own are checked in code only.
    assert "operating" not in CODES_BY_STATUS and "maintenance" not in CODES_BY_STATUS


# -- time ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "china, utc",
    [
        ("2024-05-01 10:00:00", "2024-05-01T02:00:00Z"),
        ("2024-01-01 03:00:00", "2023-12-31T19:00:00Z"),
        ("2024-03-01 07:59:59", "2024-02-29T23:59:59Z"),
        ("2024-03-01 08:00:00", "2024-03-01T00:00:00Z"),
        ("0000-00-00 00:00:00", None),
        ("0000-00-00 00:00", None),
        ("2024-05-01T10:00:00Z", None),
        ("", None),
        (None, None),
    ],
)
def test_create_time_china_time_becomes_utc(china, utc):
    assert utc_time(china) == utc
    assert convert(createTime=china).created_time == utc


# -- region and zone -----------------------------------------------------------


@pytest.mark.parametrize(
    "record_region, listed_in, expected",
    [
        ("gz", "ap-guangzhou", "ap-guangzhou"),
        ("sh", "ap-guangzhou", "ap-shanghai"),
        ("ap-beijing", "ap-guangzhou", "ap-beijing"),
        ("GZ", "ap-shanghai", "ap-guangzhou"),
        ("xx", "ap-chengdu", "ap-chengdu"),
        (None, "ap-chengdu", "ap-chengdu"),
    ],
)
def test_region_is_the_3_0_name(record_region, listed_in, expected):
    assert convert(region=listed_in, Region=record_region).region == expected


@pytest.mark.parametrize(
    "zone_id, zone",
    [
        (100003, "ap-guangzhou-3"),
        (200001, "ap-shanghai-1"),
        (800002, "ap-beijing-2"),
        (300001, "ap-hongkong-1"),
        (110003, "ap-shenzhen-fsi-3"),
        (990001, ""),
        (None, ""),
    ],
)
def test_zone_is_the_3_0_name_of_the_zone_id(zone_id, zone):
    instance = convert(zoneId=zone_id)
    assert instance.zone == zone and instance.zone_id == zone_id


# -- type, billing ---------------------------------------------------------------


@pytest.mark.parametrize(
    "instance_type, cpu, mem, family, name",
    [
        ("CVM.S1", 1, 2, "S1", "S1.SMALL2"),
        ("CVM.S1", 1, 1, "S1", "S1.SMALL1"),
        ("CVM.S2", 4, 16, "S2", "S2.LARGE16"),
        ("CVM.M1", 8, 64, "M1", "M1.2XLARGE64"),
        ("CVM.C2", 16, 32, "C2", "C2.4XLARGE32"),
        ("CVM.S2", 3, 6, "S2", None),
        ("CVM.S5", 2, 4, "S5", None),
        (None, 2, 4, None, None),
    ],
)
def test_type_and_family(instance_type, cpu, mem, family, name):
    record = dict(FULL, cpu=cpu, mem=mem)
    if instance_type is None:
        del record["instanceType"]
    else:
        record["instanceType"] = instance_type
    instance = instance_from_record(record, "ap-guangzhou")
    assert instance.instance_family == family and instance.instance_type == name


@pytest.mark.parametrize("pay_mode, charge", [(2, "POSTPAID_BY_HOUR"), (1, "PREPAID"), (0, None), (None, None)])
def test_instance_charge_type(pay_mode, charge):
    assert convert(cvmPayMode=pay_mode).instance_charge_type == charge


@pytest.mark.parametrize("pay_mode, bandwidth_type", [(2, "PayByTraffic"), (3, "PayByHour"), (1, "BANDWIDTH_PREPAID"), (None, None)])
def test_bandwidth_type(pay_mode, bandwidth_type):
    assert convert(networkPayMode=pay_mode).bandwidth_type == bandwidth_type


# -- disks ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "number, name", [(1, "LOCAL_BASIC"), (2, "CLOUD_BASIC"), (3, "LOCAL_SSD"), (4, "CLOUD_SSD"), (5, "CLOUD_PREMIUM"), (9, None), (None, None)]
)
def test_disk_types_are_the_3_0_names(number, name):
    instance = convert(diskInfo={"rootId": "disk-r", "rootSize": 20, "rootType": number, "storageId": "disk-d", "storageSize": 10, "storageType": number})
    assert instance.system_disk["disk_type"] == name and instance.data_disks[0]["disk_type"] == name


def test_without_a_data_disk_there_is_none():
    for disk in (
        {"rootId": "disk-r", "rootSize": 20, "rootType": 1},
        {"rootId": "disk-r", "rootSize": 20, "rootType": 1, "storageSize": 0, "storageType": 1},
        {"rootId": "disk-r", "rootSize": "20", "rootType": "1", "storageSize": None},
    ):
        instance = convert(diskInfo=disk)
        assert instance.data_disks == []
        assert instance.system_disk == {"disk_id": "disk-r", "disk_type": "LOCAL_BASIC", "disk_size": 20}


def test_disk_info_as_a_list_or_missing():
    # Documented as an Array, every example is one object (api-notes/legacy.md 4.2).
    as_list = convert(diskInfo=[FULL["diskInfo"]])
    assert as_list.system_disk == FULL_INSTANCE["system_disk"] and as_list.data_disks == FULL_INSTANCE["data_disks"]
    for empty in ([], None, {}):
        instance = convert(diskInfo=empty)
        assert instance.system_disk == {"disk_id": None, "disk_type": None, "disk_size": None} and instance.data_disks == []


# -- the 3.0 guardrail keys (the legacy API has none of them) ----------------------------


@pytest.mark.parametrize("code, mode", [(4, "keep_charging"), ("4", "keep_charging"), (2, None), (9, None), (8, None), (3, None), (-1, None), (None, None)])
def test_a_stopped_instance_keeps_charging_and_no_other_has_a_stop_mode(code, mode):
    # The legacy API cannot stop charging: a stopped instance is billed on (cvm_instance_hour stopped_mode is v3 only).
    assert convert(status=code).stop_charging_mode == mode


@pytest.mark.parametrize("status", [2, 4, -1, 6])
def test_no_expiry_and_no_protection_whatever_the_record_says(status):
    # Fields of the 3.0 shape in a legacy record are not read: the legacy API reports neither.
    instance = convert(status=status, DisableApiTermination=True, ActionTimer={"ActionTime": "2030-01-01T00:00:00Z"}, StopChargingMode="STOP_CHARGING")
    assert instance.expire_time is None and instance.termination_protection is False
    assert "expire_time" not in instance.unreported
