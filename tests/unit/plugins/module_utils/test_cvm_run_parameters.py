# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Module options -> RunInstancesHour parameters, and which instance records a request manages."""

from __future__ import annotations

import pytest

from ansible_collections.qcloud.cvm.plugins.module_utils.cvm import (
    RUN_INSTANCES_HOUR_PARAMETERS,
    UNNAMED_INSTANCE,
    configuration_differences,
    find_managed_instances,
    find_matching_instances,
    is_managed_instance,
    price_parameters,
    run_instances_hour_parameters,
)
from ansible_collections.qcloud.cvm.plugins.module_utils.qcloud_api import flatten_parameters

OPTIONS = {
    "zone_id": 100003, "cpu": 2, "mem": 4, "image_id": "img-3wnd9xpl", "storage_size": 50, "instance_type": "CVM.S2",
    "image_type": 2, "bandwidth_type": "PayByTraffic", "bandwidth": 5, "wan_ip": True, "vpc_id": "vpc-gzdemo01",
    "subnet_id": "subnet-gz3web01", "is_vpc_gateway": False, "storage_type": 2, "root_size": 30, "password": "Ab12#xyz",
    "key_id": None, "need_security_agent": False, "need_monitor_agent": True, "project_id": 0, "instance_name": "web",
    "goods_num": 3, "client_token": None, "private_ip_addresses": [],
    # not RunInstancesHour parameters
    "state": "present", "wait": True, "wait_timeout": 300, "secret_key": "s3cr3t", "region": "gz",
}


def test_every_option_maps_to_its_documented_api_name():
    assert dict(RUN_INSTANCES_HOUR_PARAMETERS) == {
        "zone_id": "zoneId", "cpu": "cpu", "mem": "mem", "image_id": "imageId", "storage_size": "storageSize",
        "instance_type": "instanceType", "image_type": "imageType", "bandwidth_type": "bandwidthType",
        "bandwidth": "bandwidth", "wan_ip": "wanIp", "vpc_id": "vpcId", "subnet_id": "subnetId",
        "is_vpc_gateway": "isVpcGateway", "storage_type": "storageType", "root_size": "rootSize", "password": "password",
        "key_id": "keyId", "need_security_agent": "needSecurityAgent", "need_monitor_agent": "needMonitorAgent",
        "project_id": "projectId", "instance_name": "instanceName", "goods_num": "goodsNum", "client_token": "clientToken",
        "private_ip_addresses": "privateIpAddresses",
    }


def test_parameters_use_api_names_and_send_booleans_as_0_1():
    params = run_instances_hour_parameters(OPTIONS)
    assert params == {
        "zoneId": 100003, "cpu": 2, "mem": 4, "imageId": "img-3wnd9xpl", "storageSize": 50, "instanceType": "CVM.S2",
        "imageType": 2, "bandwidthType": "PayByTraffic", "bandwidth": 5, "wanIp": 1, "vpcId": "vpc-gzdemo01",
        "subnetId": "subnet-gz3web01", "isVpcGateway": 0, "storageType": 2, "rootSize": 30, "password": "Ab12#xyz",
        "needSecurityAgent": 0, "needMonitorAgent": 1, "projectId": 0, "instanceName": "web", "goodsNum": 3,
    }
    assert all(type(value) is not bool for value in params.values())  # pylint: disable=unidiomatic-typecheck


def test_unset_options_are_not_sent_and_storage_size_always_is():
    params = run_instances_hour_parameters(dict(OPTIONS, wan_ip=None, root_size=None, password=None, instance_name=None,
                                                vpc_id=None, subnet_id=None, storage_size=0))
    assert not {"wanIp", "rootSize", "password", "instanceName", "vpcId", "subnetId", "keyId", "clientToken"} & set(params)
    assert params["storageSize"] == 0


def test_private_ip_travels_as_a_zero_based_list():
    params = run_instances_hour_parameters(dict(OPTIONS, private_ip_addresses=["172.16.1.20"], client_token="tok"))
    flat = flatten_parameters(params)
    assert flat["privateIpAddresses.0"] == "172.16.1.20"
    assert flat["clientToken"] == "tok"
    assert flat["wanIp"] == "1" and flat["isVpcGateway"] == "0"


def test_price_parameters_are_the_documented_subset():
    params = run_instances_hour_parameters(OPTIONS)
    assert price_parameters(params) == {
        "cpu": 2, "mem": 4, "imageId": "img-3wnd9xpl", "imageType": 2, "storageSize": 50, "storageType": 2,
        "bandwidthType": "PayByTraffic", "bandwidth": 5, "goodsNum": 3, "zoneId": 100003, "rootSize": 30,
        "instanceType": "CVM.S2",
    }


def record(**changes):
    base = {
        "unInstanceId": "ins-aaaa0001", "instanceName": "web", "zoneId": 100003, "status": 2, "cpu": 2, "mem": 4,
        "unImgId": "img-3wnd9xpl", "projectId": 0, "bandwidth": 5, "instanceType": "CVM.S2", "vpcId": 1001,
        "subnetId": 2001, "unVpcId": "vpc-gzdemo01", "unSubnetId": "subnet-gz3web01", "lanIp": "172.16.1.20",
        "diskInfo": {"rootId": "disk-r", "rootSize": 30, "rootType": 2, "storageId": "disk-d", "storageSize": 50, "storageType": 2},
    }
    base.update(changes)
    return base


PARAMS = run_instances_hour_parameters(OPTIONS)


def test_a_matching_record_is_managed():
    assert configuration_differences(record(), PARAMS) == []
    assert is_managed_instance(record(), PARAMS)


@pytest.mark.parametrize("changes, difference", [
    (dict(cpu=4), "cpu"),
    (dict(mem=8), "mem"),
    (dict(unImgId="img-31tjrtph"), "imageId"),
    (dict(projectId=1), "projectId"),
    (dict(bandwidth=0), "bandwidth"),
    (dict(instanceType="CVM.S1"), "instanceType"),
    (dict(unVpcId="vpc-gzdemo02"), "vpcId"),
    (dict(unSubnetId="subnet-gz4web01"), "subnetId"),
    (dict(diskInfo={"rootSize": 30, "rootType": 2}), "storageSize"),
    (dict(diskInfo={"rootSize": 30, "storageSize": 50, "storageType": 1}), "storageType"),
    (dict(diskInfo={"rootSize": 20, "storageSize": 50, "storageType": 2}), "rootSize"),
])
def test_each_configuration_field_tells_instances_apart(changes, difference):
    assert configuration_differences(record(**changes), PARAMS) == [difference]
    assert not is_managed_instance(record(**changes), PARAMS)


def test_optional_record_fields_are_compared_only_when_present():
    bare = record()
    for key in ("instanceType", "unVpcId", "unSubnetId"):
        del bare[key]
    assert configuration_differences(bare, PARAMS) == []
    # Without the string IDs, the numeric ones still tell basic network from VPC.
    assert configuration_differences(dict(bare, vpcId=0, subnetId=0), PARAMS) == ["vpcId", "subnetId"]


def test_root_size_is_compared_only_when_requested():
    params = dict(PARAMS)
    del params["rootSize"]
    assert configuration_differences(record(diskInfo={"rootSize": 50, "storageSize": 50, "storageType": 2}), params) == []


def test_basic_network_records():
    params = run_instances_hour_parameters(dict(OPTIONS, vpc_id=None, subnet_id=None, storage_size=0))
    basic = record(vpcId=0, subnetId=0, unVpcId="", unSubnetId="", diskInfo={"rootSize": 30, "rootType": 2})
    assert configuration_differences(basic, params) == []
    vpc_with_disk = record(diskInfo={"rootSize": 30, "storageSize": 50, "storageType": 2})
    assert configuration_differences(vpc_with_disk, params) == ["storageSize", "vpcId", "subnetId"]


def test_private_ip_is_compared_when_requested():
    params = run_instances_hour_parameters(dict(OPTIONS, private_ip_addresses=["172.16.1.20"]))
    assert configuration_differences(record(), params) == []
    assert configuration_differences(record(lanIp="172.16.1.21"), params) == ["privateIpAddresses"]


def test_values_compare_across_int_and_str():
    assert configuration_differences(record(cpu="2", projectId="0", zoneId="100003"), PARAMS) == []


@pytest.mark.parametrize("changes", [
    dict(status=5), dict(status=6), dict(zoneId=100004), dict(instanceName="web2"), dict(instanceName="Web"),
])
def test_given_back_other_zone_or_other_name_is_not_managed(changes):
    assert not is_managed_instance(record(**changes), PARAMS)


@pytest.mark.parametrize("status", [-1, 1, 2, 3, 4, 7, 9, 19])
def test_every_other_status_is_managed(status):
    assert is_managed_instance(record(status=status), PARAMS)


def test_unnamed_requests_manage_the_api_default_name():
    params = dict(PARAMS)
    del params["instanceName"]
    assert UNNAMED_INSTANCE == "未命名"
    assert is_managed_instance(record(instanceName=UNNAMED_INSTANCE), params)
    assert not is_managed_instance(record(instanceName="web"), params)


class ListingClient:
    def __init__(self, records):
        self.records = records
        self.calls = []

    def call(self, action, params):
        self.calls.append((action, dict(params)))
        matches = [r for r in self.records if params["searchWord"] in r["instanceName"]]
        page = matches[params["offset"]:params["offset"] + params["limit"]]
        return {"code": 0, "totalCount": len(matches), "instanceSet": page}


def test_lookup_filters_by_zone_and_name_then_matches_exactly():
    records = [record(unInstanceId="ins-1"), record(unInstanceId="ins-2", instanceName="web-old"),
               record(unInstanceId="ins-3", status=6), record(unInstanceId="ins-4", cpu=1), record(unInstanceId="ins-5", status=3)]
    client = ListingClient(records)
    found = find_managed_instances(client, PARAMS)
    assert [r["unInstanceId"] for r in found] == ["ins-1", "ins-5"]
    action, params = client.calls[0]
    assert action == "DescribeInstances"
    assert params["zoneId"] == 100003 and params["searchWord"] == "web"


def test_lookup_without_a_name_searches_the_default_name():
    params = dict(PARAMS)
    del params["instanceName"]
    client = ListingClient([record(unInstanceId="ins-1", instanceName=UNNAMED_INSTANCE)])
    assert [r["unInstanceId"] for r in find_managed_instances(client, params)] == ["ins-1"]
    assert client.calls[0][1]["searchWord"] == UNNAMED_INSTANCE


def test_matching_includes_given_back_instances_managed_does_not():
    records = [record(unInstanceId="ins-1"), record(unInstanceId="ins-2", status=5), record(unInstanceId="ins-3", status=6),
               record(unInstanceId="ins-4", status=5, cpu=8)]
    assert [r["unInstanceId"] for r in find_matching_instances(ListingClient(records), PARAMS)] == ["ins-1", "ins-2", "ins-3"]
    assert [r["unInstanceId"] for r in find_managed_instances(ListingClient(records), PARAMS)] == ["ins-1"]
