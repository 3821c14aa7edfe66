# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Neutral specs and filters as legacy requests (_cvm/legacy/requests.py): RunInstancesHour, the quote, the DescribeInstances streams."""

from __future__ import annotations

import pytest

from ansible_collections.qcloud.cvm.plugins.module_utils._ansible.instance_options import spec_from_options
from ansible_collections.qcloud.cvm.plugins.module_utils._api.legacy import flatten_parameters
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.filters import InstanceFilter
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.legacy.requests import (
    MAX_STREAMS_PER_REGION,
    describe_queries,
    price_parameters,
    run_instances_hour_parameters,
)

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
    # not RunInstancesHour parameters
    "state": "present",
    "wait": True,
    "wait_timeout": 300,
    "secret_key": "s3cr3t",
    "region": "gz",
}

# The parameters of RunInstancesHour (api-notes/legacy.md 3.1).
DOCUMENTED = {
    "zoneId",
    "cpu",
    "mem",
    "imageId",
    "storageSize",
    "instanceType",
    "imageType",
    "bandwidthType",
    "bandwidth",
    "wanIp",
    "vpcId",
    "subnetId",
    "isVpcGateway",
    "storageType",
    "rootSize",
    "password",
    "keyId",
    "needSecurityAgent",
    "needMonitorAgent",
    "projectId",
    "instanceName",
    "goodsNum",
    "clientToken",
    "privateIpAddresses",
}


def spec(**changes):
    return spec_from_options(dict(OPTIONS, **changes))


# -- RunInstancesHour ------------------------------------------------------------


def test_every_option_becomes_its_documented_parameter():
    params = run_instances_hour_parameters(spec(), 3, "tok-1")
    assert set(params) == DOCUMENTED
    assert params == {
        "zoneId": 100003,
        "cpu": 2,
        "mem": 4,
        "imageId": "img-3wnd9xpl",
        "storageSize": 50,
        "instanceType": "CVM.S2",
        "imageType": 2,
        "bandwidthType": "PayByTraffic",
        "bandwidth": 5,
        "wanIp": 1,
        "vpcId": "vpc-gzdemo01",
        "subnetId": "subnet-gz3web01",
        "isVpcGateway": 0,
        "storageType": 2,
        "rootSize": 30,
        "password": "Ab12#xyz",
        "keyId": None,
        "needSecurityAgent": 0,
        "needMonitorAgent": 1,
        "projectId": 0,
        "instanceName": "web",
        "goodsNum": 3,
        "clientToken": "tok-1",
        "privateIpAddresses": None,
    }
    # Booleans travel as the API's 0/1.
    assert all(type(value) is not bool for value in params.values())  # pylint: disable=unidiomatic-typecheck


def test_unset_options_are_not_sent_and_storage_size_always_is():
    flat = flatten_parameters(run_instances_hour_parameters(spec(wan_ip=None, root_size=None, password=None, vpc_id=None, subnet_id=None, storage_size=0), 1))
    assert not {"wanIp", "rootSize", "password", "vpcId", "subnetId", "keyId", "clientToken"} & set(flat)
    assert not any(key.startswith("privateIpAddresses") for key in flat)
    assert flat["storageSize"] == "0"


def test_an_unset_name_is_sent_as_the_api_default_name():
    params = run_instances_hour_parameters(spec(instance_name=None), 1)
    assert params["instanceName"] == "\u672a\u547d\u540d"


def test_private_ip_travels_as_a_zero_based_list():
    flat = flatten_parameters(run_instances_hour_parameters(spec(private_ip_addresses=["172.16.1.20"]), 1, "tok"))
    assert flat["privateIpAddresses.0"] == "172.16.1.20"
    assert flat["clientToken"] == "tok" and flat["goodsNum"] == "1"
    assert flat["wanIp"] == "1" and flat["isVpcGateway"] == "0"


@pytest.mark.parametrize("storage_type", [1, 2, 3])
def test_storage_type_round_trips(storage_type):
    assert run_instances_hour_parameters(spec(storage_type=storage_type), 1)["storageType"] == storage_type


@pytest.mark.parametrize("instance_type", ["CVM.S1", "CVM.S2", "CVM.I1", "CVM.I2", "CVM.M1", "CVM.M2", "CVM.C2"])
def test_instance_type_round_trips(instance_type):
    assert run_instances_hour_parameters(spec(instance_type=instance_type), 1)["instanceType"] == instance_type


def test_the_agents_and_the_key():
    params = run_instances_hour_parameters(spec(password=None, key_id="skey-1", need_security_agent=True, need_monitor_agent=False), 1)
    assert params["keyId"] == "skey-1" and params["password"] is None
    assert params["needSecurityAgent"] == 1 and params["needMonitorAgent"] == 0


# -- InquiryInstancePriceHour -----------------------------------------------------


def test_price_parameters_are_the_documented_subset():
    assert price_parameters(spec(), 3) == {
        "cpu": 2,
        "mem": 4,
        "imageId": "img-3wnd9xpl",
        "imageType": 2,
        "storageSize": 50,
        "storageType": 2,
        "bandwidthType": "PayByTraffic",
        "bandwidth": 5,
        "goodsNum": 3,
        "zoneId": 100003,
        "rootSize": 30,
        "instanceType": "CVM.S2",
    }


def test_price_parameters_leave_out_what_is_not_set_and_never_the_password():
    params = price_parameters(spec(root_size=None), 2)
    assert "rootSize" not in params and "password" not in params and "clientToken" not in params
    assert params["goodsNum"] == 2


# -- DescribeInstances streams -----------------------------------------------------


def test_no_filter_is_one_unfiltered_stream():
    assert describe_queries(InstanceFilter(), "ap-guangzhou") == [{}]


@pytest.mark.parametrize("statuses", [None, []])
def test_the_default_and_the_empty_statuses_are_one_unfiltered_stream(statuses):
    assert describe_queries(InstanceFilter(statuses=statuses), "ap-guangzhou") == [{}]


def test_one_stream_per_status_value_by_its_legacy_code():
    assert describe_queries(InstanceFilter(statuses=["stopped", "running", "running"]), "ap-guangzhou") == [{"status": 2}, {"status": 4}]
    assert describe_queries(InstanceFilter(statuses=["launch_failed", "terminating"]), "ap-guangzhou") == [{"status": -1}, {"status": 6}]


@pytest.mark.parametrize("statuses", [["operating"], ["maintenance"], ["running", "operating"]])
def test_statuses_without_a_legacy_code_are_checked_in_code_only(statuses):
    assert describe_queries(InstanceFilter(statuses=statuses), "ap-guangzhou") == [{}]


def test_zones_are_asked_for_in_their_own_region_only():
    instance_filter = InstanceFilter(zone_ids=[100003, 200001, 100001])
    assert describe_queries(instance_filter, "ap-guangzhou") == [{"zoneId": 100001}, {"zoneId": 100003}]
    assert describe_queries(instance_filter, "ap-shanghai") == [{"zoneId": 200001}]
    assert describe_queries(instance_filter, "ap-beijing") == []


def test_a_zone_of_an_unknown_region_is_filtered_in_code_everywhere():
    instance_filter = InstanceFilter(zone_ids=[990001, 100003])
    assert describe_queries(instance_filter, "ap-guangzhou") == [{}]
    assert describe_queries(instance_filter, "ap-beijing") == [{}]


def test_projects_and_statuses_combine():
    assert describe_queries(InstanceFilter(project_ids=[7, 0], statuses=["running"]), "ap-guangzhou") == [
        {"projectId": 0, "status": 2},
        {"projectId": 7, "status": 2},
    ]


def test_instance_names_use_each_name_as_search_word():
    assert describe_queries(InstanceFilter(instance_names=["web", "db"]), "ap-guangzhou") == [{"searchWord": "db"}, {"searchWord": "web"}]


def test_instance_names_with_search_word_drop_names_that_cannot_match():
    assert describe_queries(InstanceFilter(instance_names=["web-1", "db-1"], search_word="WEB"), "ap-guangzhou") == [{"searchWord": "web-1"}]
    assert describe_queries(InstanceFilter(instance_names=["db-1"], search_word="web"), "ap-guangzhou") == []


def test_search_word_is_sent_as_given():
    assert describe_queries(InstanceFilter(search_word="Web"), "ap-guangzhou") == [{"searchWord": "Web"}]


def test_instance_ids_are_sent_in_chunks_of_100():
    ids = ["ins-{0:08d}".format(number) for number in range(250)]
    streams = describe_queries(InstanceFilter(instance_ids=ids), "ap-guangzhou")
    assert [len(stream["instanceIds"]) for stream in streams] == [100, 100, 50]
    assert sorted(i for stream in streams for i in stream["instanceIds"]) == ids


def test_every_filter_at_once_is_the_product_of_its_values():
    instance_filter = InstanceFilter(zone_ids=[100003, 100004], project_ids=[1], statuses=["running"], instance_names=["web"], instance_ids=["ins-1"])
    assert describe_queries(instance_filter, "ap-guangzhou") == [
        {"zoneId": zone, "projectId": 1, "status": 2, "searchWord": "web", "instanceIds": ["ins-1"]} for zone in (100003, 100004)
    ]


def test_too_many_combinations_move_the_largest_filter_to_code():
    statuses = ["pending", "launch_failed", "running", "stopped", "starting", "stopping", "rebooting", "terminating", "terminated", "fault"]
    instance_filter = InstanceFilter(project_ids=list(range(8)), statuses=statuses)
    streams = describe_queries(instance_filter, "ap-guangzhou")
    assert 8 * 10 > MAX_STREAMS_PER_REGION >= len(streams)
    assert streams == [{"projectId": project} for project in range(8)]


def test_the_cap_applies_to_each_region_on_its_own():
    zones = [100001, 100002, 100003, 100004]
    instance_filter = InstanceFilter(zone_ids=zones + [200001], project_ids=list(range(20)))
    # 4 zones x 20 projects in Guangzhou is past the cap: the projects are checked in code; Shanghai has 1 x 20.
    assert describe_queries(instance_filter, "ap-guangzhou") == [{"zoneId": zone} for zone in zones]
    assert describe_queries(instance_filter, "ap-shanghai") == [{"zoneId": 200001, "projectId": project} for project in range(20)]
