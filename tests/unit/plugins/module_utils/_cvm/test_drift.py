# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""How a listed instance differs from its task (_cvm/drift.py), from legacy records through their Instances."""

from __future__ import annotations

import pytest

from ansible_collections.qcloud.cvm.plugins.module_utils._ansible.instance_options import spec_from_options
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.drift import Difference, differences, same_groups
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.legacy.records import instance_from_record

OPTIONS = {
    "zone_id": 100003,
    "cpu": 2,
    "mem": 4,
    "image_id": "img-3wnd9xpl",
    "storage_size": 50,
    "instance_type": "CVM.S2",
    "image_type": 2,
    "bandwidth_type": "PayByTraffic",
    "bandwidth": 5,
    "wan_ip": True,
    "vpc_id": "vpc-gzdemo01",
    "subnet_id": "subnet-gz3web01",
    "is_vpc_gateway": False,
    "storage_type": 2,
    "root_size": 30,
    "password": "Ab12#xyz",
    "key_id": None,
    "need_security_agent": False,
    "need_monitor_agent": True,
    "project_id": 0,
    "instance_name": "web",
    "goods_num": 3,
    "client_token": None,
    "private_ip_addresses": [],
}
SPEC = spec_from_options(OPTIONS)


def spec(**changes):
    return spec_from_options(dict(OPTIONS, **changes))


def record(**changes):
    base = {
        "unInstanceId": "ins-aaaa0001",
        "instanceName": "web",
        "zoneId": 100003,
        "status": 2,
        "cpu": 2,
        "mem": 4,
        "unImgId": "img-3wnd9xpl",
        "projectId": 0,
        "bandwidth": 5,
        "networkPayMode": 2,
        "instanceType": "CVM.S2",
        "vpcId": 1001,
        "subnetId": 2001,
        "unVpcId": "vpc-gzdemo01",
        "unSubnetId": "subnet-gz3web01",
        "lanIp": "172.16.1.20",
        "wanIpSet": ["203.0.113.9"],
        "isVpcGateway": 0,
        "diskInfo": {"rootId": "disk-r", "rootSize": 30, "rootType": 2, "storageId": "disk-d", "storageSize": 50, "storageType": 2},
    }
    base.update(changes)
    return base


def instance(**changes):
    return instance_from_record(record(**changes), "ap-guangzhou")


def found(**changes):
    return [(d.option, d.current, d.wanted) for d in differences(instance(**changes), SPEC)]


def test_an_instance_of_the_task_has_no_difference():
    assert differences(instance(), SPEC) == []


@pytest.mark.parametrize(
    "changes, difference",
    [
        (dict(cpu=4), ("cpu", 4, 2)),
        (dict(mem=8), ("mem", 8, 4)),
        (dict(unImgId="img-31tjrtph"), ("image_id", "img-31tjrtph", "img-3wnd9xpl")),
        (dict(projectId=1), ("project_id", 1, 0)),
        (dict(instanceType="CVM.S1"), ("instance_type", "CVM.S1", "CVM.S2")),
        (dict(unVpcId="vpc-gzdemo02"), ("vpc_id", "vpc-gzdemo02", "vpc-gzdemo01")),
        (dict(unSubnetId="subnet-gz4web01"), ("subnet_id", "subnet-gz4web01", "subnet-gz3web01")),
        (dict(isVpcGateway=1), ("is_vpc_gateway", True, False)),
        (dict(diskInfo={"rootSize": 30, "rootType": 2}), ("storage_size", 0, 50)),
        (dict(diskInfo={"rootSize": 30, "rootType": 2, "storageSize": 40, "storageType": 2}), ("storage_size", 40, 50)),
        (dict(diskInfo={"rootSize": 30, "rootType": 1, "storageSize": 50, "storageType": 1}), ("storage_type", 1, 2)),
        (dict(diskInfo={"rootSize": 30, "storageSize": 50, "storageType": 1}), ("storage_type", 1, 2)),
        (dict(diskInfo={"rootSize": 20, "rootType": 2, "storageSize": 50, "storageType": 2}), ("root_size", 20, 30)),
        (dict(networkPayMode=3), ("bandwidth_type", "PayByHour", "PayByTraffic")),
        (dict(wanIpSet=[]), ("wan_ip", False, True)),
        (dict(bandwidth=1), ("bandwidth", 1, 5)),
        (dict(bandwidth=None), ("bandwidth", 0, 5)),
    ],
)
def test_each_reported_setting_is_compared_by_its_option_name(changes, difference):
    assert found(**changes) == [difference]


def test_only_bandwidth_and_security_groups_change_in_place():
    assert [d.in_place for d in differences(instance(cpu=4, bandwidth=1), SPEC)] == [False, True]
    assert Difference("security_group_ids", [], ["sg-a"]).in_place and not Difference("vpc_id", None, "vpc-1").in_place


def test_what_cannot_change_in_place_comes_first():
    assert [d.option for d in differences(instance(bandwidth=1, cpu=4, mem=8), spec(security_group_ids=["sg-a"]))] == [
        "cpu",
        "mem",
        "bandwidth",
        "security_group_ids",
    ]


def test_what_the_api_does_not_report_is_not_compared():
    bare = record(networkPayMode=None)
    del bare["instanceType"]
    bare["diskInfo"] = {"rootSize": 30, "storageSize": 50}
    assert differences(instance_from_record(bare, "ap-guangzhou"), SPEC) == []


def test_what_the_task_does_not_ask_for_is_not_compared():
    assert differences(instance(diskInfo={"rootSize": 50, "rootType": 2, "storageSize": 50, "storageType": 2}), spec(root_size=None)) == []
    assert differences(instance(wanIpSet=[]), spec(wan_ip=None)) == []
    assert differences(instance(lanIp="172.16.1.99"), SPEC) == []
    assert differences(instance(), spec(security_group_ids=None)) == []


def test_create_time_only_options_never_differ():
    assert differences(instance(), spec(password=None, key_id="skey-1", need_security_agent=True, need_monitor_agent=False, image_type=1)) == []


def test_the_private_ip_is_compared_when_asked_for():
    fixed = spec(private_ip_addresses=["172.16.1.20"])
    assert differences(instance(), fixed) == []
    assert [(d.option, d.current, d.wanted) for d in differences(instance(lanIp="172.16.1.21"), fixed)] == [
        ("private_ip_addresses", ["172.16.1.21"], ["172.16.1.20"])
    ]


def test_an_instance_in_the_basic_network_is_not_one_in_a_vpc():
    basic = record(vpcId=0, subnetId=0)
    del basic["unVpcId"], basic["unSubnetId"]
    assert [d.option for d in differences(instance_from_record(basic, "ap-guangzhou"), SPEC)] == ["vpc_id", "subnet_id"]
    assert differences(instance(unVpcId="", unSubnetId=""), spec(vpc_id=None, subnet_id=None)) == []


def test_a_vpc_instance_listed_with_numeric_ids_only_does_not_drift():
    numeric = record()
    del numeric["unVpcId"], numeric["unSubnetId"]
    assert differences(instance_from_record(numeric, "ap-guangzhou"), SPEC) == []


def test_values_compare_across_int_and_str():
    assert differences(instance(cpu="2", projectId="0", bandwidth="5", zoneId="100003"), SPEC) == []


# -- security groups -----------------------------------------------------------------


@pytest.mark.parametrize(
    "current, wanted, ordered, same",
    [
        (["sg-a", "sg-b"], ["sg-a", "sg-b"], True, True),
        (["sg-b", "sg-a"], ["sg-a", "sg-b"], True, False),
        (["sg-b", "sg-a"], ["sg-a", "sg-b"], False, True),
        (["sg-a"], ["sg-a", "sg-b"], False, False),
        (["sg-a", "sg-a"], ["sg-a"], False, False),
        ([], [], False, True),
    ],
)
def test_same_groups(current, wanted, ordered, same):
    assert same_groups(current, wanted, ordered) is same


def test_groups_are_compared_in_order_only_where_the_api_reports_one():
    listed = instance()
    listed.security_group_ids = ["sg-b", "sg-a"]
    wanted = spec(security_group_ids=["sg-a", "sg-b"])
    assert differences(listed, wanted, groups_ordered=False) == []
    assert differences(listed, wanted, groups_ordered=True) == [Difference("security_group_ids", ["sg-b", "sg-a"], ["sg-a", "sg-b"])]
    listed.security_group_ids = []
    assert differences(listed, spec(security_group_ids=[]), groups_ordered=False) == []
