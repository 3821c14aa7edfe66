# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The legacy options as API 3.0 requests (_cvm/v3/requests.py, api-notes/v3.md 5.1): RunInstances, the quote, the DescribeInstances streams.

The zone, the InstanceType and the system disk size are resolved by the
backend (test_v3_catalog.py, test_v3_backend.py); here they are given as the
backend would resolve them.
"""

from __future__ import annotations

import base64
import calendar
import json
import re
import string
import time

import pytest

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.qcloud.cvm.plugins.module_utils._ansible.instance_options import (
    INSTANCE_TYPES,
    PASSWORD_SPECIALS,
    option_errors,
    spec_from_options,
)
from ansible_collections.qcloud.cvm.plugins.module_utils._api import tc3
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.filters import InstanceFilter
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.instance_types import conventional_type_name
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.regions import zone_name
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.v3.requests import (
    CLIENT_TOKEN_TAG,
    MAX_STREAMS_PER_REGION,
    describe_queries,
    price_parameters,
    run_instances_parameters,
)
from ansible_collections.qcloud.cvm.tests.unit.fakes.task_options import INSTANCE_OPTIONS

# Every instance option of cvm_instance_hour at its default (instance_argument_spec) plus the module's own.
DEFAULTS = dict(INSTANCE_OPTIONS, tags=None, security_group_ids=None, goods_num=1, client_token=None, api="v3")

# The parameters the module may send to RunInstances (3.1.1).
RUN_INSTANCES_PARAMETERS = {
    "InstanceChargeType",
    "Placement",
    "InstanceType",
    "ImageId",
    "SystemDisk",
    "DataDisks",
    "VirtualPrivateCloud",
    "InternetAccessible",
    "InstanceCount",
    "InstanceName",
    "LoginSettings",
    "SecurityGroupIds",
    "EnhancedService",
    "ClientToken",
    "TagSpecification",
    "DryRun",
    # The guardrails (10.1, 10.3, 10.5, 10.6).
    "InstanceMarketOptions",
    "ActionTimer",
    "UserData",
    "DisableApiTermination",
}

# Spec 5.1 example B (the LEG 1.6 RunInstancesHour example): its options and its 3.0 body (2.1), copied exactly.
EXAMPLE_B_OPTIONS = dict(
    DEFAULTS,
    image_id="img-31tjrtph",
    bandwidth_type="PayByTraffic",
    bandwidth=1,
    wan_ip=True,
    password="Ab12#xyz",
    instance_name="ansible test",
    client_token="tok-0001",
)
EXAMPLE_B_BODY = (
    b'{"InstanceChargeType": "POSTPAID_BY_HOUR", "Placement": {"Zone": "ap-guangzhou-3", "ProjectId": 0}, "InstanceType": "S1.SMALL2", '
    b'"ImageId": "img-31tjrtph", "SystemDisk": {"DiskType": "LOCAL_BASIC", "DiskSize": 20}, "InternetAccessible": {"InternetChargeType": '
    b'"TRAFFIC_POSTPAID_BY_HOUR", "InternetMaxBandwidthOut": 1, "PublicIpAssigned": true}, "InstanceCount": 1, "InstanceName": '
    b'"ansible test", "LoginSettings": {"Password": "Ab12#xyz"}, "EnhancedService": {"SecurityService": {"Enabled": true}, '
    b'"MonitorService": {"Enabled": true}}, "ClientToken": "tok-0001"}'
)
EXAMPLE_SECRET_ID = "AKIDEXAMPLE0000000000000000000000000"
EXAMPLE_SECRET_KEY = "ExampleSecretKey00000000000000000"
EXAMPLE_B_SIGNATURE = "c356b879b7eb69bc75c9779ddc2ddbf50a3d063292f4bb1b8618f0f7b3ae6937"


def resolved(spec):
    """(zone, InstanceType) as the backend resolves them when DescribeZones and the catalog agree with the convention."""
    return zone_name(spec.zone_id), conventional_type_name(spec.instance_family, spec.cpu, spec.memory)


# A pinned "now" for the expiry of instances about to be bought: 2030-01-01T00:00:00Z.
NOW = calendar.timegm((2030, 1, 1, 0, 0, 0, 0, 0, 0))


def sent(options, system_disk_size=20, dry_run=False, now=NOW):
    """What RunInstances sends for ``options``: the parameters without the unset (None) values, as the client encodes them."""
    spec = spec_from_options(options)
    zone, instance_type = resolved(spec)
    params = run_instances_parameters(spec, options["goods_num"], zone, instance_type, system_disk_size, options["client_token"], dry_run=dry_run, now=now)
    return json.loads(tc3.encode_body(params))


def time_of(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def task(**changes):
    options = dict(DEFAULTS, **changes)
    assert option_errors(options) == [], option_errors(options)
    return options


# -- whole requests ----------------------------------------------------------------


def test_example_b_is_the_documented_body_byte_for_byte_but_for_the_token_tag():
    spec = spec_from_options(EXAMPLE_B_OPTIONS)
    zone, instance_type = resolved(spec)
    assert (zone, instance_type) == ("ap-guangzhou-3", "S1.SMALL2")
    params = run_instances_parameters(spec, 1, zone, instance_type, 20, "tok-0001")
    # The one addition to 2.1: the token tag that finds an interrupted create again (4.1).
    assert params.pop("TagSpecification") == [{"ResourceType": "instance", "Tags": [{"Key": CLIENT_TOKEN_TAG, "Value": "tok-0001"}]}]
    body = tc3.encode_body(params)
    assert body == EXAMPLE_B_BODY
    assert tc3.sha256_hex(body) == "8b4656cd373dbeae92821156cc967cb99802810b0eea1e27a4793479dffdc200"
    headers = {"Content-Type": "application/json", "Host": "cvm.tencentcloudapi.com"}
    authorization = tc3.sign(EXAMPLE_SECRET_ID, EXAMPLE_SECRET_KEY, 1700000000, "POST", "/", "", headers, body)
    assert authorization.endswith("Signature=" + EXAMPLE_B_SIGNATURE)


def test_a_full_task_in_a_vpc():
    options = task(
        zone_id=100004,
        instance_type="CVM.S2",
        cpu=2,
        mem=4,
        image_id="img-3wnd9xpl",
        storage_type=2,
        storage_size=100,
        root_size=50,
        bandwidth_type="PayByHour",
        bandwidth=10,
        wan_ip=None,
        vpc_id="vpc-gzdemo01",
        subnet_id="subnet-gz3web01",
        is_vpc_gateway=True,
        private_ip_addresses=["10.3.0.17"],
        key_id="skey-3glfot13",
        need_security_agent=False,
        need_monitor_agent=True,
        project_id=7,
        instance_name="web",
        tags={"team": "web", "env": "prod"},
        security_group_ids=["sg-gzweb001", "sg-gzssh001"],
        goods_num=1,
        client_token="tok-web-1",
    )
    assert sent(options, system_disk_size=50) == {
        "InstanceChargeType": "POSTPAID_BY_HOUR",
        "Placement": {"Zone": "ap-guangzhou-4", "ProjectId": 7},
        "InstanceType": "S2.MEDIUM4",
        "ImageId": "img-3wnd9xpl",
        "SystemDisk": {"DiskType": "CLOUD_BASIC", "DiskSize": 50},
        "DataDisks": [{"DiskType": "CLOUD_BASIC", "DiskSize": 100, "DeleteWithInstance": True}],
        "VirtualPrivateCloud": {"VpcId": "vpc-gzdemo01", "SubnetId": "subnet-gz3web01", "AsVpcGateway": True, "PrivateIpAddresses": ["10.3.0.17"]},
        "InternetAccessible": {"InternetChargeType": "BANDWIDTH_POSTPAID_BY_HOUR", "InternetMaxBandwidthOut": 10, "PublicIpAssigned": True},
        "InstanceCount": 1,
        "InstanceName": "web",
        "LoginSettings": {"KeyIds": ["skey-3glfot13"]},
        "SecurityGroupIds": ["sg-gzweb001", "sg-gzssh001"],
        "EnhancedService": {"SecurityService": {"Enabled": False}, "MonitorService": {"Enabled": True}},
        "ClientToken": "tok-web-1",
        "TagSpecification": [
            {
                "ResourceType": "instance",
                "Tags": [{"Key": "env", "Value": "prod"}, {"Key": "team", "Value": "web"}, {"Key": CLIENT_TOKEN_TAG, "Value": "tok-web-1"}],
            }
        ],
    }


def test_the_defaults_alone():
    # No name, no login, no disk, no bandwidth, no VPC, no groups, no token: the 3.0 defaults that differ are still sent.
    assert sent(task(), system_disk_size=None) == {
        "InstanceChargeType": "POSTPAID_BY_HOUR",
        "Placement": {"Zone": "ap-guangzhou-3", "ProjectId": 0},
        "InstanceType": "S1.SMALL2",
        "ImageId": "img-3wnd9xpl",
        "SystemDisk": {"DiskType": "LOCAL_BASIC"},
        "InternetAccessible": {"InternetChargeType": "BANDWIDTH_POSTPAID_BY_HOUR", "InternetMaxBandwidthOut": 0},
        "InstanceCount": 1,
        "InstanceName": "\u672a\u547d\u540d",
        "EnhancedService": {"SecurityService": {"Enabled": True}, "MonitorService": {"Enabled": True}},
    }


def test_many_instances_of_a_basic_network_task_with_a_password():
    options = task(
        zone_id=200002,
        instance_type="CVM.C2",
        cpu=4,
        mem=8,
        storage_type=3,
        storage_size=200,
        bandwidth_type="PayByTraffic",
        bandwidth=5,
        wan_ip=False,
        password="Ab12#xyz",
        instance_name="batch",
        goods_num=20,
        client_token="tok-batch",
    )
    params = sent(options)
    assert params["Placement"] == {"Zone": "ap-shanghai-2", "ProjectId": 0} and params["InstanceType"] == "C2.LARGE8"
    assert params["SystemDisk"] == {"DiskType": "LOCAL_SSD", "DiskSize": 20}
    # A local disk goes with the instance anyway: DeleteWithInstance is for cloud disks only (3.1.1).
    assert params["DataDisks"] == [{"DiskType": "LOCAL_SSD", "DiskSize": 200}]
    assert params["InternetAccessible"] == {"InternetChargeType": "TRAFFIC_POSTPAID_BY_HOUR", "InternetMaxBandwidthOut": 5, "PublicIpAssigned": False}
    assert params["InstanceCount"] == 20 and params["InstanceName"] == "batch" and params["LoginSettings"] == {"Password": "Ab12#xyz"}
    assert "VirtualPrivateCloud" not in params and "SecurityGroupIds" not in params


# -- option by option (5.1) -------------------------------------------------------


@pytest.mark.parametrize(
    "zone_id, zone",
    [(100003, "ap-guangzhou-3"), (100006, "ap-guangzhou-6"), (200004, "ap-shanghai-4"), (700003, "ap-shanghai-fsi-3"), (800007, "ap-beijing-7")],
)
def test_zone_id_is_placement_zone(zone_id, zone):
    assert sent(task(zone_id=zone_id))["Placement"]["Zone"] == zone


@pytest.mark.parametrize("project_id", [0, 7, 1003])
def test_project_id_is_placement_project(project_id):
    assert sent(task(project_id=project_id))["Placement"]["ProjectId"] == project_id


@pytest.mark.parametrize(
    "instance_type, cpu, mem, expected",
    [
        ("CVM.S1", 1, 2, "S1.SMALL2"),
        ("CVM.S2", 2, 4, "S2.MEDIUM4"),
        ("CVM.C2", 4, 8, "C2.LARGE8"),
        ("CVM.M1", 8, 64, "M1.2XLARGE64"),
        ("CVM.I2", 12, 24, "I2.3XLARGE24"),
    ],
)
def test_instance_type_cpu_and_mem_are_the_instance_type_the_catalog_resolves(instance_type, cpu, mem, expected):
    spec = spec_from_options(task(instance_type=instance_type, cpu=cpu, mem=mem))
    assert (spec.instance_family, spec.cpu, spec.memory) == (instance_type[4:], cpu, mem)
    # Whatever the catalog resolved is sent as it is.
    params = run_instances_parameters(spec, 1, "ap-guangzhou-3", expected, 20)
    assert params["InstanceType"] == expected


def test_image_id_is_image_id_and_image_type_is_not_sent():
    params = sent(task(image_id="img-31tjrtph", image_type=1))
    assert params["ImageId"] == "img-31tjrtph"
    assert "ImageType" not in params and "imageType" not in json.dumps(params)


@pytest.mark.parametrize("storage_type, disk_type, deleted_with_instance", [(1, "LOCAL_BASIC", None), (2, "CLOUD_BASIC", True), (3, "LOCAL_SSD", None)])
def test_storage_type_is_the_type_of_every_disk(storage_type, disk_type, deleted_with_instance):
    params = sent(task(storage_type=storage_type, storage_size=100))
    assert params["SystemDisk"]["DiskType"] == disk_type
    (disk,) = params["DataDisks"]
    assert disk["DiskType"] == disk_type and disk["DiskSize"] == 100
    assert disk.get("DeleteWithInstance") is deleted_with_instance


@pytest.mark.parametrize("storage_type", [1, 2, 3])
def test_storage_size_0_is_no_data_disk(storage_type):
    assert "DataDisks" not in sent(task(storage_type=storage_type, storage_size=0))


@pytest.mark.parametrize("storage_size", [10, 500, 16000])
def test_storage_size_is_the_data_disk_size(storage_size):
    assert sent(task(storage_type=2, storage_size=storage_size))["DataDisks"][0]["DiskSize"] == storage_size


@pytest.mark.parametrize("root_size", [20, 30, 50])
def test_root_size_is_the_system_disk_size(root_size):
    spec = spec_from_options(task(root_size=root_size))
    assert spec.system_disk_size == root_size
    # The backend passes a given root_size through (test_v3_backend.py); the request carries what it gets.
    params = run_instances_parameters(spec, 1, "ap-guangzhou-3", "S1.SMALL2", spec.system_disk_size)
    assert params["SystemDisk"] == {"DiskType": "LOCAL_BASIC", "DiskSize": root_size}


def test_an_unresolved_system_disk_size_is_not_sent():
    assert sent(task(), system_disk_size=None)["SystemDisk"] == {"DiskType": "LOCAL_BASIC"}


@pytest.mark.parametrize("bandwidth_type, charge", [("PayByHour", "BANDWIDTH_POSTPAID_BY_HOUR"), ("PayByTraffic", "TRAFFIC_POSTPAID_BY_HOUR")])
@pytest.mark.parametrize("bandwidth", [0, 1, 100])
def test_bandwidth_type_is_always_sent_and_bandwidth_is_the_maximum_out(bandwidth_type, charge, bandwidth):
    internet = sent(task(bandwidth_type=bandwidth_type, bandwidth=bandwidth))["InternetAccessible"]
    assert internet["InternetChargeType"] == charge and internet["InternetMaxBandwidthOut"] == bandwidth


@pytest.mark.parametrize(
    "wan_ip, bandwidth, assigned",
    [
        (None, 1, True),
        (True, 1, True),
        (False, 1, False),
        (None, 0, None),
        (False, 0, None),
    ],
)
def test_wan_ip(wan_ip, bandwidth, assigned):
    # Legacy: an IP whenever bandwidth > 0 unless wan_ip is false; with bandwidth 0 it gave none silently, 3.0 refuses to be asked.
    assert sent(task(wan_ip=wan_ip, bandwidth=bandwidth))["InternetAccessible"].get("PublicIpAssigned") is assigned


def test_vpc_subnet_gateway_and_private_ip_are_the_virtual_private_cloud():
    params = sent(task(vpc_id="vpc-gzdemo01", subnet_id="subnet-gz3web01"))
    assert params["VirtualPrivateCloud"] == {"VpcId": "vpc-gzdemo01", "SubnetId": "subnet-gz3web01", "AsVpcGateway": False}
    params = sent(task(vpc_id="vpc-gzdemo01", subnet_id="subnet-gz3web01", is_vpc_gateway=True, bandwidth=2, private_ip_addresses=["10.3.0.9"]))
    assert params["VirtualPrivateCloud"] == {"VpcId": "vpc-gzdemo01", "SubnetId": "subnet-gz3web01", "AsVpcGateway": True, "PrivateIpAddresses": ["10.3.0.9"]}


def test_no_vpc_is_no_virtual_private_cloud():
    assert "VirtualPrivateCloud" not in sent(task(private_ip_addresses=[]))


def test_password_is_login_settings_password():
    assert sent(task(password="Ab12#xyz"))["LoginSettings"] == {"Password": "Ab12#xyz"}


def test_key_id_is_login_settings_key_ids():
    assert sent(task(key_id="skey-3glfot13"))["LoginSettings"] == {"KeyIds": ["skey-3glfot13"]}


def test_no_login_option_is_no_login_settings():
    assert "LoginSettings" not in sent(task())


@pytest.mark.parametrize("security, monitor", [(True, True), (True, False), (False, True), (False, False)])
def test_the_agents_are_always_sent(security, monitor):
    # 3.0 keeps a custom image's own agents when nothing is sent (3.1.1).
    assert sent(task(need_security_agent=security, need_monitor_agent=monitor))["EnhancedService"] == {
        "SecurityService": {"Enabled": security},
        "MonitorService": {"Enabled": monitor},
    }


@pytest.mark.parametrize("name, expected", [("web", "web"), (None, "\u672a\u547d\u540d"), ("\u7f51\u7ad9-1", "\u7f51\u7ad9-1")])
def test_instance_name(name, expected):
    assert sent(task(instance_name=name))["InstanceName"] == expected


@pytest.mark.parametrize("goods_num", [1, 2, 100])
def test_goods_num_is_instance_count(goods_num):
    assert sent(task(goods_num=goods_num))["InstanceCount"] == goods_num


def test_client_token_is_the_client_token_and_a_tag_after_the_users():
    params = sent(task(client_token="tok-1", tags={"b": "2", "a": "1"}))
    assert params["ClientToken"] == "tok-1"
    assert params["TagSpecification"] == [
        {"ResourceType": "instance", "Tags": [{"Key": "a", "Value": "1"}, {"Key": "b", "Value": "2"}, {"Key": CLIENT_TOKEN_TAG, "Value": "tok-1"}]}
    ]


def test_user_tags_without_a_token():
    params = sent(task(tags={"team": 7}))
    assert "ClientToken" not in params
    assert params["TagSpecification"] == [{"ResourceType": "instance", "Tags": [{"Key": "team", "Value": "7"}]}]


def test_the_token_tag_key_is_not_reserved():
    # Keys starting with qcloud, tencent or project are refused (FailedOperation.TagKeyReserved, 3.1.1).
    assert not CLIENT_TOKEN_TAG.lower().startswith(("qcloud", "tencent", "project"))


@pytest.mark.parametrize("groups, expected", [(["sg-gzweb001"], ["sg-gzweb001"]), (["sg-b", "sg-a"], ["sg-b", "sg-a"]), (None, None)])
def test_security_group_ids_in_priority_order(groups, expected):
    assert sent(task(security_group_ids=groups)).get("SecurityGroupIds") == expected


def test_dry_run_is_sent_only_for_the_check():
    assert sent(task(), dry_run=True)["DryRun"] is True
    assert "DryRun" not in sent(task())


# -- the guardrails (10) ----------------------------------------------------------------


def test_no_guardrail_sends_none_of_their_parameters():
    params = sent(task())
    assert params["InstanceChargeType"] == "POSTPAID_BY_HOUR"
    assert not {"InstanceMarketOptions", "ActionTimer", "UserData", "DisableApiTermination"} & set(params)


def test_spot_without_a_price_bids_the_current_spot_price():
    # 10.3.1: without InstanceMarketOptions the bid defaults to the current (fixed discount) spot price.
    params = sent(task(market="spot"))
    assert params["InstanceChargeType"] == "SPOTPAID" and "InstanceMarketOptions" not in params


@pytest.mark.parametrize("price, text", [(0.6, "0.6"), (0.05, "0.05"), (1.0, "1"), (2.5, "2.5"), (0.1234, "0.1234"), (12.0, "12")])
def test_spot_with_a_price_sends_the_market_options_with_a_decimal_string(price, text):
    params = sent(task(market="spot", spot_max_price=price))
    assert params["InstanceChargeType"] == "SPOTPAID"
    # MarketType spot, MaxPrice a String, SpotInstanceType one-time (lower case) (10.3.1).
    assert params["InstanceMarketOptions"] == {"MarketType": "spot", "SpotOptions": {"MaxPrice": text, "SpotInstanceType": "one-time"}}


def test_a_price_without_spot_sends_no_market_options():
    # guardrail_errors refuses the option set; the request builder on its own never sends a bid for on-demand.
    spec = spec_from_options(dict(DEFAULTS, spot_max_price=0.5))
    params = run_instances_parameters(spec, 1, "ap-guangzhou-3", "S1.SMALL2", 20)
    assert params["InstanceChargeType"] == "POSTPAID_BY_HOUR" and params["InstanceMarketOptions"] is None


@pytest.mark.parametrize(
    "expire_at, action_time",
    [
        ("2099-12-24T18:00:00Z", "2099-12-24T18:00:00Z"),
        ("2099-12-25T02:00:00+08:00", "2099-12-24T18:00:00Z"),
        ("2099-12-24 18:00:00", "2099-12-24T18:00:00Z"),
        ("2099-12-24T13:30:00-04:30", "2099-12-24T18:00:00Z"),
    ],
)
def test_expire_at_is_one_timer_in_utc(expire_at, action_time):
    params = sent(task(expire_at=expire_at))
    assert params["ActionTimer"] == {"TimerAction": "TerminateInstances", "ActionTime": action_time}


@pytest.mark.parametrize("duration, seconds", [("8h", 8 * 3600), ("30m", 1800), ("2d", 2 * 86400), ("1d12h", 36 * 3600), ("1d 2h 3m", 93780)])
def test_expire_after_counts_from_now_for_instances_about_to_be_bought(duration, seconds):
    params = sent(task(expire_after=duration), now=NOW)
    assert params["ActionTimer"] == {"TimerAction": "TerminateInstances", "ActionTime": time_of(NOW + seconds)}


def test_expire_after_without_a_pinned_now_counts_from_the_clock(monkeypatch):
    from ansible_collections.qcloud.cvm.plugins.module_utils._cvm import expiry  # pylint: disable=import-outside-toplevel

    monkeypatch.setattr(expiry.time, "time", lambda: NOW + 0.75)
    spec = spec_from_options(task(expire_after="1h"))
    params = run_instances_parameters(spec, 1, "ap-guangzhou-3", "S1.SMALL2", 20)
    assert params["ActionTimer"]["ActionTime"] == "2030-01-01T01:00:00Z"


def test_the_timer_is_iso_8601_utc_to_the_second():
    action_time = sent(task(expire_after="10m"), now=NOW + 0.9)["ActionTimer"]["ActionTime"]
    # YYYY-MM-DDThh:mm:ssZ only (10.1.1): no fraction, no offset.
    assert action_time == "2030-01-01T00:10:00Z"


@pytest.mark.parametrize(
    "text",
    ["#cloud-config\npackages: [nginx]\n", "#!/bin/sh\necho \u7f51\u7edc > /tmp/net\n", "x", "a" * 12288],
)
def test_user_data_is_base64_of_its_utf_8(text):
    params = sent(task(user_data=text))
    assert params["UserData"] == base64.b64encode(text.encode("utf-8")).decode("ascii")
    assert base64.b64decode(params["UserData"], validate=True).decode("utf-8") == text


def test_user_data_is_never_in_the_quote_or_the_token_fingerprint():
    spec = spec_from_options(task(user_data="#!/bin/sh\nexport TOKEN=hunter2\n"))
    assert "hunter2" not in json.dumps(price_parameters(spec, 1, "ap-guangzhou-3", "S1.SMALL2", 20))
    assert "hunter2" not in json.dumps(spec.fingerprint()) and "hunter2" not in repr(spec)


@pytest.mark.parametrize("protection", [True, False])
def test_termination_protection_is_sent_as_a_boolean_when_set(protection):
    assert sent(task(termination_protection=protection))["DisableApiTermination"] is protection


def test_termination_protection_not_set_is_not_sent():
    assert "DisableApiTermination" not in sent(task())


def test_the_dry_run_carries_every_guardrail_the_create_does():
    options = task(market="spot", spot_max_price=0.3, expire_at="2099-01-01T00:00:00Z", user_data="hello", termination_protection=False)
    check, create = sent(options, dry_run=True), sent(options)
    assert check.pop("DryRun") is True and check == create
    assert {"InstanceMarketOptions", "ActionTimer", "UserData", "DisableApiTermination"} <= set(create)


def test_fallback_zones_change_nothing_in_one_zone_s_request():
    assert sent(task(fallback_zones=[100004, 100006])) == sent(task())


# -- InquiryPriceRunInstances (3.5) ---------------------------------------------------


# What the create sends and the quote does not: the token, the tags, the login, and the guardrails that do not change the price.
NOT_PRICED = ("ClientToken", "TagSpecification", "LoginSettings", "ActionTimer", "UserData", "DisableApiTermination")


def test_the_quote_has_the_create_structures_without_token_tags_or_password():
    spec = spec_from_options(task(password="Ab12#xyz", tags={"team": "web"}, storage_type=2, storage_size=50, bandwidth=3))
    create = run_instances_parameters(spec, 3, "ap-guangzhou-3", "S1.SMALL2", 20, "tok-1")
    quote = price_parameters(spec, 3, "ap-guangzhou-3", "S1.SMALL2", 20)
    assert quote == {name: value for name, value in create.items() if name not in NOT_PRICED}
    assert quote["InstanceCount"] == 3 and "DryRun" not in quote
    assert "Ab12#xyz" not in json.dumps(quote)


def test_the_quote_of_a_guarded_spot_create_keeps_the_market_and_drops_timer_user_data_and_protection():
    options = task(market="spot", spot_max_price=0.05, expire_after="8h", user_data="#!/bin/sh\necho secret-ish\n", termination_protection=False)
    spec = spec_from_options(options)
    create = run_instances_parameters(spec, 2, "ap-guangzhou-3", "S1.SMALL2", 20, "tok-1", now=NOW)
    quote = price_parameters(spec, 2, "ap-guangzhou-3", "S1.SMALL2", 20)
    assert quote["InstanceChargeType"] == "SPOTPAID" and quote["InstanceMarketOptions"] == create["InstanceMarketOptions"]
    assert not set(NOT_PRICED) & set(quote)
    assert create["ActionTimer"] and create["UserData"] and create["DisableApiTermination"] is False
    assert quote == {name: value for name, value in create.items() if name not in NOT_PRICED}
    assert "secret-ish" not in json.dumps(quote) and create["UserData"] not in json.dumps(quote)


# -- option sets drawn from the valid space (option_errors) ---------------------------------------

PASSWORD_CHARACTERS = string.ascii_letters + string.digits + PASSWORD_SPECIALS


def has_null(value):
    if isinstance(value, dict):
        return any(has_null(item) for item in value.values())
    if isinstance(value, list):
        return any(has_null(item) for item in value)
    return value is None


@st.composite
def valid_options(draw):
    bandwidth = draw(st.sampled_from([0, 0, 1, 5, 100]))
    wan_ip = draw(st.sampled_from([None, True, False]) if bandwidth else st.sampled_from([None, False]))
    in_vpc = draw(st.booleans())
    goods_num = draw(st.integers(1, 100))
    login = draw(st.sampled_from(["none", "password", "key"]))
    options = dict(
        DEFAULTS,
        zone_id=draw(st.sampled_from([100003, 100004, 100006, 200002, 800001])),
        instance_type=draw(st.sampled_from(INSTANCE_TYPES)),
        cpu=draw(st.sampled_from([1, 2, 4, 8, 12])),
        mem=draw(st.sampled_from([1, 2, 4, 8, 16, 64])),
        image_id=draw(st.sampled_from(["img-3wnd9xpl", "img-31tjrtph", "img-win2016d"])),
        image_type=draw(st.sampled_from([1, 2, 3, 4])),
        storage_type=draw(st.sampled_from([1, 2, 3])),
        storage_size=draw(st.integers(0, 1600)) * 10,
        root_size=draw(st.sampled_from([None, 20, 30, 40, 50])),
        bandwidth_type=draw(st.sampled_from(["PayByHour", "PayByTraffic"])),
        bandwidth=bandwidth,
        wan_ip=wan_ip,
        vpc_id="vpc-gzdemo01" if in_vpc else None,
        subnet_id="subnet-gz3web01" if in_vpc else None,
        is_vpc_gateway=in_vpc and bandwidth > 0 and wan_ip is not False and draw(st.booleans()),
        private_ip_addresses=["10.3.0.{0}".format(draw(st.integers(2, 250)))] if in_vpc and goods_num == 1 and draw(st.booleans()) else None,
        password=draw(st.text(PASSWORD_CHARACTERS, min_size=8, max_size=16)) if login == "password" else None,
        key_id="skey-3glfot13" if login == "key" else None,
        need_security_agent=draw(st.booleans()),
        need_monitor_agent=draw(st.booleans()),
        project_id=draw(st.sampled_from([0, 1, 1003])),
        instance_name=draw(st.one_of(st.none(), st.text(string.ascii_letters + string.digits + "-_ \u7f51", min_size=1, max_size=60))),
        tags=draw(st.one_of(st.none(), st.dictionaries(st.sampled_from(["team", "env", "owner"]), st.text(string.ascii_lowercase, max_size=8), max_size=3))),
        security_group_ids=draw(
            st.one_of(st.none(), st.lists(st.sampled_from(["sg-gzweb001", "sg-gzssh001", "sg-default0"]), min_size=1, max_size=3, unique=True))
        ),
        goods_num=goods_num,
        client_token=draw(st.one_of(st.none(), st.text(string.ascii_letters + string.digits + "-", min_size=1, max_size=64))),
    )
    market = draw(st.sampled_from(["on_demand", "on_demand", "spot"]))
    expiry = draw(st.sampled_from(["none", "after", "at"]))
    options.update(
        market=market,
        spot_max_price=draw(st.sampled_from([None, 0.01, 0.5, 3.25])) if market == "spot" else None,
        expire_after=draw(st.sampled_from(["10m", "8h", "2d", "1d12h"])) if expiry == "after" else None,
        expire_at=draw(st.sampled_from(["2099-12-24T18:00:00Z", "2099-12-25T02:00:00+08:00"])) if expiry == "at" else None,
        user_data=draw(st.sampled_from([None, None, "", "#!/bin/sh\necho hi\n", "#cloud-config\nruncmd: [[touch, /tmp/\u7f51]]\n"])),
        # Protection excludes an expiry (the API refuses a timer on a protected instance, 10.1.1).
        termination_protection=draw(st.sampled_from([None, False] if expiry != "none" else [None, True, False])),
        fallback_zones=[],
    )
    return options


@settings(max_examples=150, deadline=None, derandomize=True, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(options=valid_options(), system_disk_size=st.sampled_from([None, 20, 50]), dry_run=st.booleans())
def test_every_valid_option_set_makes_a_consistent_request(options, system_disk_size, dry_run):
    # The password rules (two classes) are the one thing the strategy does not build by construction.
    if option_errors(options):
        assert all("password" in message for message in option_errors(options)), option_errors(options)
        return
    spec = spec_from_options(options)
    zone, instance_type = resolved(spec)
    params = run_instances_parameters(spec, options["goods_num"], zone, instance_type, system_disk_size, options["client_token"], dry_run=dry_run)
    body = tc3.encode_body(params)
    wire = json.loads(body)

    # Only documented parameters, and no null anywhere once encoded.
    assert set(wire) <= RUN_INSTANCES_PARAMETERS
    assert not has_null(wire)

    assert wire["InstanceCount"] == options["goods_num"]
    assert wire["InstanceChargeType"] == ("SPOTPAID" if options["market"] == "spot" else "POSTPAID_BY_HOUR")
    assert ("InstanceMarketOptions" in wire) is (options["spot_max_price"] is not None)
    assert ("ActionTimer" in wire) is bool(options["expire_after"] or options["expire_at"])
    if "ActionTimer" in wire:
        assert (
            re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", wire["ActionTimer"]["ActionTime"]) and wire["ActionTimer"]["TimerAction"] == "TerminateInstances"
        )
    if not options["user_data"]:  # an empty user data is none
        assert "UserData" not in wire
    else:
        assert base64.b64decode(wire["UserData"], validate=True).decode("utf-8") == options["user_data"]
    assert wire.get("DisableApiTermination") is options["termination_protection"]
    assert wire["Placement"]["Zone"] == zone and wire["Placement"]["ProjectId"] == options["project_id"]

    internet = wire["InternetAccessible"]
    assert internet["InternetChargeType"] == {"PayByHour": "BANDWIDTH_POSTPAID_BY_HOUR", "PayByTraffic": "TRAFFIC_POSTPAID_BY_HOUR"}[options["bandwidth_type"]]
    assert internet["InternetMaxBandwidthOut"] == options["bandwidth"]
    if options["bandwidth"] == 0:
        assert "PublicIpAssigned" not in internet
    else:
        assert internet["PublicIpAssigned"] is (options["wan_ip"] is not False)

    assert ("DataDisks" in wire) is (options["storage_size"] > 0)
    disk_types = {wire["SystemDisk"]["DiskType"]} | {disk["DiskType"] for disk in wire.get("DataDisks", [])}
    assert disk_types == {{1: "LOCAL_BASIC", 2: "CLOUD_BASIC", 3: "LOCAL_SSD"}[options["storage_type"]]}
    for disk in wire.get("DataDisks", []):
        assert disk["DiskSize"] == options["storage_size"]
        assert disk.get("DeleteWithInstance") is (True if disk["DiskType"].startswith("CLOUD_") else None)
    assert wire["SystemDisk"].get("DiskSize") == system_disk_size

    assert ("VirtualPrivateCloud" in wire) is bool(options["vpc_id"])
    if options["is_vpc_gateway"]:
        assert wire["VirtualPrivateCloud"]["AsVpcGateway"] is True and internet.get("PublicIpAssigned") is True

    assert set(wire["EnhancedService"]) == {"SecurityService", "MonitorService"}
    login = wire.get("LoginSettings")
    assert login == ({"Password": options["password"]} if options["password"] else {"KeyIds": [options["key_id"]]} if options["key_id"] else None)

    tags = [tag for item in wire.get("TagSpecification", []) for tag in item["Tags"]]
    assert all(item["ResourceType"] == "instance" for item in wire.get("TagSpecification", []))
    assert [tag["Key"] for tag in tags] == sorted(options["tags"] or {}) + ([CLIENT_TOKEN_TAG] if options["client_token"] else [])
    assert wire.get("ClientToken") == options["client_token"]
    assert wire.get("DryRun") is (True if dry_run else None)
    if options["password"] and options["password"] not in (options["client_token"] or ""):
        # The password travels in LoginSettings only, never in a tag (user tag values here are lower-case letters only).
        assert options["password"] not in json.dumps(tags, ensure_ascii=False)
    quote = json.loads(tc3.encode_body(price_parameters(spec, options["goods_num"], zone, instance_type, system_disk_size)))
    assert not (set(NOT_PRICED) | {"DryRun"}) & set(quote)
    assert {name: value for name, value in wire.items() if name not in NOT_PRICED + ("DryRun",)} == quote


# -- DescribeInstances streams (3.2) ------------------------------------------------------


def zone_of(zone_id):
    return zone_name(zone_id)


def test_no_filter_is_one_unfiltered_stream():
    assert describe_queries(InstanceFilter(), "ap-guangzhou", zone_of) == [{}]


def test_zones_are_filters_by_their_3_0_names_in_their_own_region():
    instance_filter = InstanceFilter(zone_ids=[100003, 200002, 100004])
    assert describe_queries(instance_filter, "ap-guangzhou", zone_of) == [{"Filters": [{"Name": "zone", "Values": ["ap-guangzhou-3", "ap-guangzhou-4"]}]}]
    assert describe_queries(instance_filter, "ap-shanghai", zone_of) == [{"Filters": [{"Name": "zone", "Values": ["ap-shanghai-2"]}]}]
    assert describe_queries(instance_filter, "ap-beijing", zone_of) == []


def test_the_zone_names_come_from_the_given_lookup():
    names = {100003: "ap-guangzhou-3b"}
    assert describe_queries(InstanceFilter(zone_ids=[100003]), "ap-guangzhou", names.get) == [{"Filters": [{"Name": "zone", "Values": ["ap-guangzhou-3b"]}]}]


def test_a_zone_of_an_undocumented_prefix_is_checked_in_code():
    assert describe_queries(InstanceFilter(zone_ids=[250001]), "ap-tokyo", zone_of) == [{}]


def test_filter_values_go_five_at_a_time():
    zones = [100001, 100002, 100003, 100004, 100006, 100007]
    streams = describe_queries(InstanceFilter(zone_ids=zones), "ap-guangzhou", zone_of)
    assert [stream["Filters"][0]["Values"] for stream in streams] == [
        ["ap-guangzhou-1", "ap-guangzhou-2", "ap-guangzhou-3", "ap-guangzhou-4", "ap-guangzhou-6"],
        ["ap-guangzhou-7"],
    ]


def test_projects_are_strings_and_statuses_are_instance_states():
    streams = describe_queries(InstanceFilter(project_ids=[7, 0], statuses=["running", "terminated"]), "ap-guangzhou", zone_of)
    assert streams == [{"Filters": [{"Name": "project-id", "Values": ["0", "7"]}, {"Name": "instance-state", "Values": ["RUNNING", "SHUTDOWN"]}]}]


@pytest.mark.parametrize("statuses", [["operating"], ["maintenance"], ["fault"], ["running", "operating"], []])
def test_statuses_without_a_3_0_state_are_checked_in_code_only(statuses):
    assert describe_queries(InstanceFilter(statuses=statuses), "ap-guangzhou", zone_of) == [{}]


def test_names_are_exact_name_filters():
    assert describe_queries(InstanceFilter(instance_names=["web", "db"]), "ap-guangzhou", zone_of) == [
        {"Filters": [{"Name": "instance-name", "Values": ["db", "web"]}]}
    ]
    assert describe_queries(InstanceFilter(instance_names=["db"], search_word="web"), "ap-guangzhou", zone_of) == []


def test_the_search_word_is_never_sent():
    assert describe_queries(InstanceFilter(search_word="web"), "ap-guangzhou", zone_of) == [{}]


def test_instance_ids_alone_are_instance_ids_100_at_a_time():
    ids = ["ins-{0:08d}".format(number) for number in range(250)]
    streams = describe_queries(InstanceFilter(instance_ids=ids), "ap-guangzhou", zone_of)
    assert [len(stream["InstanceIds"]) for stream in streams] == [100, 100, 50] and all(set(stream) == {"InstanceIds"} for stream in streams)


def test_instance_ids_with_filters_are_an_instance_id_filter():
    streams = describe_queries(InstanceFilter(instance_ids=["ins-00000001", "ins-00000002"], zone_ids=[100003]), "ap-guangzhou", zone_of)
    assert streams == [{"Filters": [{"Name": "zone", "Values": ["ap-guangzhou-3"]}, {"Name": "instance-id", "Values": ["ins-00000001", "ins-00000002"]}]}]
    assert all("InstanceIds" not in stream for stream in streams)


def test_too_many_combinations_move_the_largest_filter_to_code():
    names = ["web-{0:02d}".format(number) for number in range(50)]
    streams = describe_queries(InstanceFilter(project_ids=list(range(40)), instance_names=names), "ap-guangzhou", zone_of)
    # 8 project chunks x 10 name chunks is past the cap: the names are checked in code.
    assert 8 * 10 > MAX_STREAMS_PER_REGION >= len(streams)
    assert streams == [{"Filters": [{"Name": "project-id", "Values": [str(p) for p in range(start, start + 5)]}]} for start in range(0, 40, 5)]
