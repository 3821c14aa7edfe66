# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""How a listed instance differs from its task (_cvm/drift.py), from legacy records through their Instances."""

from __future__ import annotations

import pytest

from ansible_collections.qcloud.cvm.plugins.module_utils._ansible.instance_options import spec_from_options
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.drift import HIDDEN, IN_PLACE_OPTIONS, Difference, differences, same_groups
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


# -- the guardrails ---------------------------------------------------------------------

AT = "2099-12-24T18:00:00Z"


def guarded(**fields):
    """An instance of the task (as ``instance()``) with the guardrail keys a 3.0 listing fills in set to ``fields``."""
    listed = instance()
    for name, value in fields.items():
        setattr(listed, name, value)
    return listed


def options_of(diffs):
    return [(d.option, d.current, d.wanted, d.in_place) for d in diffs]


@pytest.mark.parametrize(
    "charge, market, difference",
    [
        ("SPOTPAID", "on_demand", ("market", "spot", "on_demand", False)),
        ("POSTPAID_BY_HOUR", "spot", ("market", "on_demand", "spot", False)),
        ("PREPAID", "spot", ("market", "on_demand", "spot", False)),
        ("SPOTPAID", "spot", None),
        ("POSTPAID_BY_HOUR", "on_demand", None),
        (None, "spot", None),
    ],
)
def test_the_market_is_replace_only(charge, market, difference):
    found = options_of(differences(guarded(instance_charge_type=charge), spec(market=market)))
    assert found == ([difference] if difference else [])


def test_user_data_that_differs_is_replace_only_and_never_shown():
    secret = "#!/bin/sh\nexport TOKEN=hunter2\n"
    diffs = differences(instance(), spec(user_data=secret), user_data={"ins-aaaa0001": "#!/bin/sh\nexport TOKEN=hunter3\n"})
    assert options_of(diffs) == [("user_data", "(not shown)", "(not shown)", False)]
    assert "hunter" not in repr(diffs)


@pytest.mark.parametrize(
    "task_data, reported, differs",
    [
        ("echo hi\n", {"ins-aaaa0001": "echo hi\n"}, False),
        ("echo hi\n", {"ins-aaaa0001": None}, True),
        ("echo hi\n", {"ins-aaaa0001": "echo hi"}, True),
        # Not asked of the API, or the instance missing from its answer: not compared.
        ("echo hi\n", None, False),
        ("echo hi\n", {}, False),
        ("echo hi\n", {"ins-other": "x"}, False),
        # A task without user data never compares it.
        (None, {"ins-aaaa0001": "echo hi\n"}, False),
    ],
)
def test_user_data_is_compared_where_the_task_sets_it_and_the_api_told(task_data, reported, differs):
    diffs = differences(instance(), spec(user_data=task_data), user_data=reported)
    assert [d.option for d in diffs] == (["user_data"] if differs else [])


@pytest.mark.parametrize(
    "protected, wanted, difference",
    [
        (False, True, ("termination_protection", False, True, True)),
        (True, False, ("termination_protection", True, False, True)),
        (True, True, None),
        (False, False, None),
        (True, None, None),
        (False, None, None),
    ],
)
def test_termination_protection_changes_in_place_where_the_task_sets_it(protected, wanted, difference):
    found = options_of(differences(guarded(termination_protection=protected), spec(termination_protection=wanted)))
    assert found == ([difference] if difference else [])


@pytest.mark.parametrize(
    "current, difference",
    [
        (None, ("expire_time", None, AT, True)),
        ("2099-12-24T12:00:00Z", ("expire_time", "2099-12-24T12:00:00Z", AT, True)),
        ("2099-12-24T18:05:01Z", ("expire_time", "2099-12-24T18:05:01Z", AT, True)),
        ("2099-12-24T17:54:59Z", ("expire_time", "2099-12-24T17:54:59Z", AT, True)),
        # Within 5 minutes: the same time (a timer set at create is a few seconds off the creation time).
        (AT, None),
        ("2099-12-24T18:05:00Z", None),
        ("2099-12-24T17:55:00Z", None),
    ],
)
def test_expire_at_changes_in_place_with_five_minutes_of_tolerance(current, difference):
    found = options_of(differences(guarded(expire_time=current), spec(expire_at=AT)))
    assert found == ([difference] if difference else [])


def test_expire_at_is_compared_in_utc_whatever_its_spelling():
    assert differences(guarded(expire_time=AT), spec(expire_at="2099-12-25T02:00:00+08:00")) == []


def test_expire_after_counts_from_each_instance_s_created_time():
    task = spec(expire_after="8h")
    early = guarded(created_time="2099-05-01T02:00:00Z", expire_time="2099-05-01T10:00:03Z")
    late = guarded(created_time="2099-05-01T04:00:00Z", expire_time="2099-05-01T10:00:03Z")
    assert differences(early, task) == []
    assert options_of(differences(late, task)) == [("expire_time", "2099-05-01T10:00:03Z", "2099-05-01T12:00:00Z", True)]


def test_an_expiry_the_api_does_not_report_is_not_compared():
    listed = guarded(expire_time=None)
    listed.unreported = frozenset(("expire_time",))
    assert differences(listed, spec(expire_at=AT)) == []


def test_a_task_without_an_expiry_leaves_a_timer_alone():
    assert differences(guarded(expire_time="2099-01-01T00:00:00Z"), SPEC) == []


def test_in_place_options_are_the_four_the_api_changes_without_losing_data():
    assert IN_PLACE_OPTIONS == ("bandwidth", "security_group_ids", "expire_time", "termination_protection")
    assert not Difference("market", "spot", "on_demand").in_place and not Difference("user_data", HIDDEN, HIDDEN).in_place
    assert Difference("expire_time", None, AT).in_place and Difference("termination_protection", False, True).in_place


def test_the_guardrail_differences_come_after_what_must_be_replaced():
    listed = guarded(instance_charge_type="SPOTPAID", termination_protection=True, expire_time=None)
    listed.bandwidth = 1
    task = spec(cpu=4, user_data="x", termination_protection=False, expire_at=AT, security_group_ids=["sg-a"])
    assert [d.option for d in differences(listed, task, user_data={"ins-aaaa0001": "y"})] == [
        "cpu",
        "market",
        "user_data",
        "bandwidth",
        "security_group_ids",
        "termination_protection",
        "expire_time",
    ]
