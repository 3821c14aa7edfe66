# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A 3.0 Instance as a neutral Instance (_cvm/v3/records.py, api-notes/v3.md 3.2.1, 3.2.2, 5.4, 5.5): every key, status, time and tag."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.model import INSTANCE_KEYS, STATUS_NAMES, Instance
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.v3.records import LIFECYCLE_OPERATIONS, instance_from_record, status_name, utc_time

# A DescribeInstances Instance in the shape of 3.2.1, values in the style of the CLI examples.
FULL = {
    "Placement": {"Zone": "ap-guangzhou-3", "HostId": None, "ProjectId": 3},
    "InstanceId": "ins-a19qoqqk",
    "Uuid": "6a1f3c1e-0d7b-4c55-9f1e-3b4a2f0e9d11",
    "InstanceName": "web",
    "InstanceType": "S2.MEDIUM4",
    "CPU": 2,
    "Memory": 4,
    "InstanceState": "RUNNING",
    "RestrictState": "NORMAL",
    "InstanceChargeType": "POSTPAID_BY_HOUR",
    "SystemDisk": {"DiskType": "CLOUD_PREMIUM", "DiskId": "disk-8s6m0k2a", "DiskSize": 50, "CdcId": None},
    "DataDisks": [
        {
            "DiskType": "CLOUD_SSD",
            "DiskId": "disk-data0001",
            "DiskSize": 100,
            "DeleteWithInstance": True,
            "Encrypt": False,
            "KmsKeyId": None,
            "ThroughputPerformance": 0,
        },
        {"DiskType": "LOCAL_BASIC", "DiskId": "disk-data0002", "DiskSize": 10, "DeleteWithInstance": True},
    ],
    "PrivateIpAddresses": ["10.3.0.17", "10.3.0.18"],
    "PublicIpAddresses": ["203.0.113.10"],
    "IPv6Addresses": None,
    "InternetAccessible": {"InternetChargeType": "TRAFFIC_POSTPAID_BY_HOUR", "InternetMaxBandwidthOut": 10, "PublicIpAssigned": True},
    "VirtualPrivateCloud": {"VpcId": "vpc-gzdemo01", "SubnetId": "subnet-gz3web01", "AsVpcGateway": True, "PrivateIpAddresses": None, "Ipv6AddressCount": None},
    "ImageId": "img-3wnd9xpl",
    "OsName": "CentOS 7.4 64bit",
    "RenewFlag": "NOTIFY_AND_MANUAL_RENEW",
    "CreatedTime": "2024-05-01T02:00:00Z",
    "ExpiredTime": None,
    "SecurityGroupIds": ["sg-gzweb001", "sg-gzssh001"],
    "LoginSettings": {"KeyIds": ["skey-3glfot13"]},
    "Tags": [{"Key": "team", "Value": "web"}, {"Key": "ansible-cvm-client-token", "Value": "tok-1"}],
    "StopChargingMode": "NOT_APPLICABLE",
    "LatestOperation": "RunInstances",
    "LatestOperationState": "SUCCESS",
    "LatestOperationRequestId": "c7de1287-061d-4ace-8caf-6ad8e5a2f29a",
    "LatestOperationErrorMsg": None,
    "IsolatedSource": "NOTISOLATED",
    "DisableApiTermination": False,
    "HostName": "web-1",
    "DefaultLoginUser": "root",
    "DefaultLoginPort": 22,
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
    "public_ips": ["203.0.113.10"],
    "vpc_id": "vpc-gzdemo01",
    "subnet_id": "subnet-gz3web01",
    "vpc_gateway": True,
    "bandwidth": 10,
    "bandwidth_type": "PayByTraffic",
    "project_id": 3,
    "system_disk": {"disk_id": "disk-8s6m0k2a", "disk_type": "CLOUD_PREMIUM", "disk_size": 50},
    "data_disks": [
        {"disk_id": "disk-data0001", "disk_type": "CLOUD_SSD", "disk_size": 100},
        {"disk_id": "disk-data0002", "disk_type": "LOCAL_BASIC", "disk_size": 10},
    ],
    "created_time": "2024-05-01T02:00:00Z",
    "security_group_ids": ["sg-gzweb001", "sg-gzssh001"],
    # DescribeInstances reports no timer (10.1.5): the backend's complete_instances fills it in.
    "expire_time": None,
    # NOT_APPLICABLE while running (10.2.3).
    "stop_charging_mode": None,
    "termination_protection": False,
    "tags": {"team": "web", "ansible-cvm-client-token": "tok-1"},
}


def convert(region="ap-guangzhou", zone_ids=None, **changes):
    return instance_from_record(dict(copy.deepcopy(FULL), **changes), region, zone_ids)


def test_every_key_of_a_full_instance():
    instance = instance_from_record(FULL, "ap-guangzhou")
    assert isinstance(instance, Instance)
    assert instance.as_dict() == FULL_INSTANCE
    assert set(FULL_INSTANCE) == INSTANCE_KEYS


def test_the_record_is_not_changed():
    record = copy.deepcopy(FULL)
    instance = instance_from_record(record, "ap-guangzhou")
    instance.public_ips.append("x")
    instance.security_group_ids.append("sg-x")
    instance.system_disk["disk_size"] = 1
    instance.tags["x"] = "y"
    assert record == FULL


def test_the_region_is_the_request_s():
    assert convert(region="ap-guangzhou").region == "ap-guangzhou"


# -- status (3.2.2, 5.4) ----------------------------------------------------------------


@pytest.mark.parametrize(
    "state, status",
    [
        ("PENDING", "pending"),
        ("LAUNCH_FAILED", "launch_failed"),
        ("RUNNING", "running"),
        ("STOPPED", "stopped"),
        ("STARTING", "starting"),
        ("STOPPING", "stopping"),
        ("REBOOTING", "rebooting"),
        ("TERMINATING", "terminating"),
        # "Stopped, waiting to be destroyed": given back.
        ("SHUTDOWN", "terminated"),
        ("ENTER_RESCUE_MODE", "maintenance"),
        ("RESCUE_MODE", "maintenance"),
        ("EXIT_RESCUE_MODE", "maintenance"),
        ("ENTER_SERVICE_LIVE_MIGRATE", "maintenance"),
        ("SERVICE_LIVE_MIGRATE", "maintenance"),
        ("EXIT_SERVICE_LIVE_MIGRATE", "maintenance"),
        ("SOMETHING_NEW", "maintenance"),
        (None, "maintenance"),
    ],
)
def test_every_instance_state(state, status):
    assert convert(InstanceState=state, LatestOperationState="SUCCESS").status == status
    assert status in STATUS_NAMES


def test_every_3_0_state_has_a_status_name_and_the_15_documented_states_are_covered():
    states = [
        "PENDING",
        "LAUNCH_FAILED",
        "RUNNING",
        "STOPPED",
        "STARTING",
        "STOPPING",
        "REBOOTING",
        "SHUTDOWN",
        "TERMINATING",
        "ENTER_RESCUE_MODE",
        "RESCUE_MODE",
        "EXIT_RESCUE_MODE",
        "ENTER_SERVICE_LIVE_MIGRATE",
        "SERVICE_LIVE_MIGRATE",
        "EXIT_SERVICE_LIVE_MIGRATE",
    ]
    assert len({status_name({"InstanceState": state}) for state in states}) == 10


@pytest.mark.parametrize(
    "operation",
    [
        "ResetInstancesPassword",
        "ResetInstancesInternetMaxBandwidth",
        "ResetInstance",
        "ResetInstancesType",
        "ResizeInstanceDisks",
        "ModifyInstancesAttribute",
        "AssociateSecurityGroups",
    ],
)
def test_a_running_instance_with_another_operation_in_progress_is_operating(operation):
    # Legacy status 10-20 (5.4).
    assert convert(InstanceState="RUNNING", LatestOperation=operation, LatestOperationState="OPERATING").status == "operating"


@pytest.mark.parametrize("operation", sorted(LIFECYCLE_OPERATIONS))
def test_a_lifecycle_operation_in_progress_shows_in_the_state_itself(operation):
    assert convert(InstanceState="RUNNING", LatestOperation=operation, LatestOperationState="OPERATING").status == "running"


@pytest.mark.parametrize("operation_state", ["SUCCESS", "FAILED", None])
def test_a_finished_operation_leaves_the_instance_running(operation_state):
    assert convert(InstanceState="RUNNING", LatestOperation="ResetInstancesPassword", LatestOperationState=operation_state).status == "running"


@pytest.mark.parametrize("operation", [None, ""])
def test_operating_without_a_named_operation_is_running(operation):
    assert convert(InstanceState="RUNNING", LatestOperation=operation, LatestOperationState="OPERATING").status == "running"


@pytest.mark.parametrize("state, status", [("STOPPED", "stopped"), ("PENDING", "pending"), ("SHUTDOWN", "terminated")])
def test_only_a_running_instance_can_be_operating(state, status):
    assert convert(InstanceState=state, LatestOperation="ResetInstancesPassword", LatestOperationState="OPERATING").status == status


# -- values that may be null or absent (1.6, 3.2.1) ---------------------------------------


@pytest.mark.parametrize("value", [None, []])
def test_no_public_ip(value):
    assert convert(PublicIpAddresses=value).public_ips == []


def test_absent_lists_and_structures():
    record = {"InstanceId": "ins-00000001", "InstanceState": "PENDING"}
    instance = instance_from_record(record, "ap-guangzhou")
    assert instance.as_dict() == {
        "instance_id": "ins-00000001",
        "instance_name": "",
        "uuid": None,
        "region": "ap-guangzhou",
        "zone": "",
        "zone_id": None,
        "status": "pending",
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
    "field", ["PrivateIpAddresses", "DataDisks", "SecurityGroupIds", "Tags", "SystemDisk", "InternetAccessible", "VirtualPrivateCloud", "Placement"]
)
def test_null_is_as_absent(field):
    expected = instance_from_record({key: value for key, value in FULL.items() if key != field}, "ap-guangzhou").as_dict()
    assert convert(**{field: None}).as_dict() == expected


def test_the_basic_network_has_no_vpc():
    instance = convert(VirtualPrivateCloud={"VpcId": "", "SubnetId": "", "AsVpcGateway": False})
    assert (instance.vpc_id, instance.subnet_id, instance.vpc_gateway) == (None, None, False)


def test_the_first_private_ip_is_the_primary_one():
    assert convert(PrivateIpAddresses=["172.16.0.9", "172.16.0.10"]).private_ip == "172.16.0.9"


# -- created time (1.6) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024-05-01T02:00:00Z", "2024-05-01T02:00:00Z"),
        ("2020-09-22T00:00:00+00:00", "2020-09-22T00:00:00Z"),
        ("2023-11-14T22:13:20+00:00", "2023-11-14T22:13:20Z"),
        (None, None),
        ("", None),
    ],
)
def test_created_time_in_both_documented_forms(text, expected):
    assert utc_time(text) == expected
    assert convert(CreatedTime=text).created_time == expected


def test_an_unreadable_time_is_passed_through():
    assert utc_time("yesterday") == "yesterday"


# -- zone IDs (5.1, 5.5) ---------------------------------------------------------------------


def test_the_zone_id_comes_from_describe_zones_when_it_was_asked():
    assert convert(zone_ids={"ap-guangzhou-3": 100003}).zone_id == 100003
    assert convert(zone_ids={"ap-guangzhou-3": 100099}).zone_id == 100099


def test_the_zone_id_falls_back_to_the_static_rule():
    assert convert(zone_ids={"ap-guangzhou-4": 100004}).zone_id == 100003
    assert convert(zone_ids=None).zone_id == 100003
    assert convert(region="ap-shanghai-fsi", Placement={"Zone": "ap-shanghai-fsi-3", "ProjectId": 0}).zone_id == 700003


def test_a_zone_of_an_undocumented_prefix_needs_describe_zones():
    placement = {"Zone": "ap-tokyo-2", "ProjectId": 0}
    assert convert(region="ap-tokyo", Placement=placement).zone_id is None
    assert convert(region="ap-tokyo", Placement=placement, zone_ids={"ap-tokyo-2": 250002}).zone_id == 250002


# -- tags, billing, type ---------------------------------------------------------------------


def test_tags_are_a_dict():
    assert convert(Tags=[{"Key": "a", "Value": "1"}, {"Key": "b", "Value": ""}]).tags == {"a": "1", "b": ""}
    assert convert(Tags=[]).tags == {}
    assert convert(Tags=[{"Key": "a", "Value": "1"}, "junk"]).tags == {"a": "1"}


@pytest.mark.parametrize(
    "charge, bandwidth_type",
    [
        ("BANDWIDTH_POSTPAID_BY_HOUR", "PayByHour"),
        ("TRAFFIC_POSTPAID_BY_HOUR", "PayByTraffic"),
        ("BANDWIDTH_PREPAID", "BANDWIDTH_PREPAID"),
        ("BANDWIDTH_PACKAGE", "BANDWIDTH_PACKAGE"),
        (None, None),
    ],
)
def test_internet_charge_type_in_the_words_of_bandwidth_type(charge, bandwidth_type):
    internet = {"InternetChargeType": charge, "InternetMaxBandwidthOut": 5}
    instance = convert(InternetAccessible=internet)
    assert instance.bandwidth_type == bandwidth_type and instance.bandwidth == 5


@pytest.mark.parametrize("instance_type, family", [("S1.SMALL2", "S1"), ("S5se.LARGE8", "S5se"), ("GN7.2XLARGE40", "GN7"), (None, None), ("WEIRD", None)])
def test_the_family_is_the_type_s_prefix(instance_type, family):
    instance = convert(InstanceType=instance_type)
    assert instance.instance_type == instance_type and instance.instance_family == family


def test_cpu_and_memory_are_the_instance_s_not_the_name_s():
    # The CLI example lists S2.SMALL2 with Memory 1 (5.3).
    instance = convert(InstanceType="S2.SMALL2", CPU=1, Memory=1)
    assert (instance.cpu, instance.memory) == (1, 1)


def test_security_groups_keep_their_priority_order():
    assert convert(SecurityGroupIds=["sg-b", "sg-a", "sg-c"]).security_group_ids == ["sg-b", "sg-a", "sg-c"]


# -- the guardrail keys (10.1.5, 10.2.3, 10.6) ------------------------------------------------


@pytest.mark.parametrize(
    "state, charging, mode",
    [
        ("STOPPED", "STOP_CHARGING", "stop_charging"),
        ("STOPPED", "KEEP_CHARGING", "keep_charging"),
        # A stopped instance that cannot stop charging may show NOT_APPLICABLE (10.2.3): it keeps charging.
        ("STOPPED", "NOT_APPLICABLE", "keep_charging"),
        ("STOPPED", None, "keep_charging"),
        ("RUNNING", "NOT_APPLICABLE", None),
        ("RUNNING", "STOP_CHARGING", None),
        ("STOPPING", "STOP_CHARGING", None),
        ("STARTING", "KEEP_CHARGING", None),
        ("SHUTDOWN", "STOP_CHARGING", None),
    ],
)
def test_the_stop_charging_mode_of_a_stopped_instance(state, charging, mode):
    assert convert(InstanceState=state, StopChargingMode=charging).stop_charging_mode == mode


def test_a_missing_stop_charging_mode_on_a_stopped_instance_keeps_charging():
    record = {key: value for key, value in FULL.items() if key != "StopChargingMode"}
    assert instance_from_record(dict(record, InstanceState="STOPPED"), "ap-guangzhou").stop_charging_mode == "keep_charging"


@pytest.mark.parametrize("value, protected", [(True, True), (False, False), (None, False), (1, True), (0, False)])
def test_termination_protection_is_disable_api_termination(value, protected):
    assert convert(DisableApiTermination=value).termination_protection is protected


def test_an_instance_without_disable_api_termination_is_not_protected():
    record = {key: value for key, value in FULL.items() if key != "DisableApiTermination"}
    assert instance_from_record(record, "ap-guangzhou").termination_protection is False


def test_the_expiry_never_comes_from_the_listing():
    # ExpiredTime is the PREPAID expiry (10.1.5), not a timer: the timer is DescribeInstancesActionTimer's.
    instance = convert(ExpiredTime="2030-01-01T00:00:00Z", InstanceChargeType="PREPAID")
    assert instance.expire_time is None and instance.unreported == frozenset()


def test_a_spot_instance_shows_its_charge_type():
    assert convert(InstanceChargeType="SPOTPAID").instance_charge_type == "SPOTPAID"
