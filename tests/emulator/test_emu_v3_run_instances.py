# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""API 3.0 RunInstances: parameters, documented errors, naming, ClientToken replay, DryRun, default groups."""

import base64

import pytest

from emu_client import wait_for
from emu_v3_client import RUN_EXAMPLE


def _state(v3, instance_id):
    return v3.instance(instance_id)["InstanceState"]


def test_create_and_reach_running(v3):
    (instance_id,) = v3.run()
    inst = v3.instance(instance_id)
    assert inst["InstanceState"] == "PENDING" and inst["LatestOperation"] == "RunInstances"
    assert inst["LatestOperationState"] == "OPERATING" and len(inst["LatestOperationRequestId"]) == 36
    assert wait_for(lambda: _state(v3, instance_id) == "RUNNING")
    inst = v3.instance(instance_id)
    assert inst["LatestOperationState"] == "SUCCESS" and inst["LatestOperationErrorMsg"] is None
    assert inst["InstanceType"] == "S1.SMALL2" and inst["CPU"] == 1 and inst["Memory"] == 2
    assert inst["Placement"] == {"Zone": "ap-guangzhou-3", "ProjectId": 0, "HostId": None}
    assert inst["SystemDisk"]["DiskType"] == "LOCAL_BASIC" and inst["SystemDisk"]["DiskSize"] == 50
    assert inst["DataDisks"] == [] and inst["InstanceName"] == "未命名"
    assert inst["SecurityGroupIds"] == ["sg-gzdeflt1"], "the project's default group is bound when none is given"
    assert inst["InternetAccessible"] == {"InternetChargeType": "BANDWIDTH_POSTPAID_BY_HOUR", "InternetMaxBandwidthOut": 1, "PublicIpAssigned": True}
    assert len(inst["PublicIpAddresses"]) == 1 and inst["PrivateIpAddresses"][0].startswith("10.3.")
    assert inst["RenewFlag"] is None and inst["ExpiredTime"] is None and inst["CreatedTime"].endswith("Z")
    assert inst["OsName"] == "CentOS 7.2 64bit" and inst["RestrictState"] == "NORMAL"


def test_full_parameter_set(v3):
    user_data = base64.b64encode(b"#!/bin/sh\necho hi\n").decode()
    ids = v3.run(
        {
            "Placement": {"Zone": "ap-guangzhou-3", "ProjectId": 7},
            "InstanceType": "S2.MEDIUM4",
            "SystemDisk": {"DiskType": "CLOUD_PREMIUM", "DiskSize": 60},
            "DataDisks": [{"DiskType": "CLOUD_SSD", "DiskSize": 100}, {"DiskSize": 10}],
            "VirtualPrivateCloud": {
                "VpcId": "vpc-gzdemo01",
                "SubnetId": "subnet-gz3web01",
                "AsVpcGateway": True,
                "PrivateIpAddresses": ["172.16.1.20", "172.16.1.21"],
            },
            "InternetAccessible": {"InternetChargeType": "TRAFFIC_POSTPAID_BY_HOUR", "InternetMaxBandwidthOut": 10, "PublicIpAssigned": True},
            "InstanceCount": 2,
            "InstanceName": "app-{R:7,F:3}",
            "HostName": "app{R:1}",
            "LoginSettings": {"Password": "Passw0rd-long-enough"},
            "SecurityGroupIds": ["sg-gzweb001", "sg-gzssh001"],
            "EnhancedService": {"SecurityService": {"Enabled": False}, "MonitorService": {"Enabled": True}},
            "TagSpecification": [{"ResourceType": "instance", "Tags": [{"Key": "team", "Value": "blue"}, {"Key": "env", "Value": ""}]}],
            "UserData": user_data,
            "DisableApiTermination": True,
        }
    )
    first, second = (v3.instance(instance_id) for instance_id in ids)
    assert {first["InstanceName"], second["InstanceName"]} == {"app-007", "app-008"}
    assert {first["HostName"], second["HostName"]} == {"app1", "app2"}
    assert {first["PrivateIpAddresses"][0], second["PrivateIpAddresses"][0]} == {"172.16.1.20", "172.16.1.21"}
    assert first["VirtualPrivateCloud"] == {"VpcId": "vpc-gzdemo01", "SubnetId": "subnet-gz3web01", "AsVpcGateway": True}
    assert [disk["DiskType"] for disk in first["DataDisks"]] == ["CLOUD_SSD", "LOCAL_BASIC"]
    assert first["Tags"] == [{"Key": "team", "Value": "blue"}, {"Key": "env", "Value": ""}]
    assert first["SecurityGroupIds"] == ["sg-gzweb001", "sg-gzssh001"] and first["DisableApiTermination"] is True
    assert first["Placement"]["ProjectId"] == 7 and first["InstanceType"] == "S2.MEDIUM4"


@pytest.mark.parametrize(
    "name, count, expected",
    [
        ("web-", 3, ["web-1", "web-2", "web-3"]),
        ("web", 1, ["web"]),
        ("node-{R:3}", 2, ["node-3", "node-4"]),
        ("n{R:1}-{R:10}", 2, ["n1-10", "n2-11"]),
        ("one-{R:5}", 1, ["one-5"]),
    ],
)
def test_names(v3, name, count, expected):
    ids = v3.run({"InstanceName": name, "InstanceCount": count})
    by_id = {inst["InstanceId"]: inst["InstanceName"] for inst in v3.instances({"Limit": 100})}
    assert sorted(by_id[instance_id] for instance_id in ids) == expected


def test_client_token_replay(v3, emu):
    first = v3.run({"ClientToken": "tok-3.0-a", "InstanceCount": 2})
    again = v3.ok("RunInstances", dict(RUN_EXAMPLE, ClientToken="tok-3.0-a", InstanceCount=5, InstanceType="nonsense"))
    assert again["InstanceIdSet"] == first
    assert len(emu.control.instances()) == 2
    # Scope: per region; a legacy clientToken of the same text is another token.
    other = v3.run({"ClientToken": "tok-3.0-a", "Placement": {"Zone": "ap-shanghai-2"}}, region="ap-shanghai")
    assert other != first
    legacy = emu.client.create({"clientToken": "tok-3.0-a"})
    assert legacy["code"] == 0 and set(legacy["unInstanceIds"]).isdisjoint(first + other)
    # A failed create does not bind its token.
    assert v3.error("RunInstances", dict(RUN_EXAMPLE, ClientToken="tok-fail", InstanceType="S1.SMALL3")) == "InvalidParameterValue.InstanceTypeNotFound"
    assert len(v3.run({"ClientToken": "tok-fail"})) == 1


@pytest.mark.parametrize("mode", ["request-id", "error"])
def test_dry_run_modes(v3, emu, mode):
    emu.control.post("config", {"dry_run_mode": mode})
    answer = v3.call("RunInstances", dict(RUN_EXAMPLE, DryRun=True, ClientToken="tok-dry"))
    if mode == "error":
        assert answer["Error"]["Code"] == "DryRunOperation"
    else:
        assert set(answer) == {"RequestId"}
    assert emu.control.instances() == []
    # Checks still run on a dry run.
    assert v3.error("RunInstances", dict(RUN_EXAMPLE, DryRun=True, InstanceType="X9.HUGE1")) == "InvalidParameterValue.InstanceTypeNotFound"
    # The token was not touched: a real create with it creates.
    assert len(v3.run({"ClientToken": "tok-dry"})) == 1
    # A dry run with a known token still only checks.
    assert "InstanceIdSet" not in v3.call("RunInstances", dict(RUN_EXAMPLE, DryRun=True, ClientToken="tok-dry"))
    assert len(emu.control.instances()) == 1


def test_dry_run_mode_flag_and_reset(make_emulator):
    handle = make_emulator(dry_run_mode="error")
    assert handle.control.get("config")["config"]["dry_run_mode"] == "error"
    handle.control.post("config", {"dry_run_mode": "request-id"})
    assert "error" in handle.control.post("config", {"dry_run_mode": "maybe"}, expect=400)
    handle.control.post("reset")
    assert handle.control.get("config")["config"]["dry_run_mode"] == "error"


@pytest.mark.parametrize(
    "change, code",
    [
        ({"Placement": None}, "MissingParameter"),
        ({"ImageId": None}, "MissingParameter"),
        ({"Placement": {}}, "MissingParameter"),
        ({"Placement": {"Zone": "ap-guangzhou-3", "Colour": 1}}, "UnknownParameter"),
        ({"InstanceCount": "2"}, "InvalidParameter"),
        ({"InstanceChargeType": "MONTHLY"}, "InvalidParameterValue"),
        ({"InstanceChargeType": "PREPAID"}, "UnsupportedOperation.InstanceChargeType"),
        ({"InstanceCount": 0}, "InvalidParameterValue.Range"),
        ({"InstanceCount": 501}, "InvalidParameterValue.Range"),
        ({"InstanceName": "x" * 129}, "InvalidInstanceName.TooLong"),
        ({"ClientToken": "t" * 65}, "InvalidClientToken.TooLong"),
        ({"SystemDisk": {"DiskType": "CLOUD_HSSD"}}, "InvalidParameterValue"),
        ({"SystemDisk": {"DiskSize": 10}}, "InvalidParameterValue.Range"),
        ({"DataDisks": [{"DiskType": "CLOUD_SSD", "DiskSize": 50}]}, "InvalidParameterValue.CloudSsdDataDiskSizeTooSmall"),
        ({"DataDisks": [{"DiskSize": 15}]}, "InvalidParameterValue.Range"),
        ({"DataDisks": [{"DiskType": "LOCAL_BASIC", "DiskSize": 10}, {"DiskType": "LOCAL_SSD", "DiskSize": 10}]}, "InvalidParameterValue.LimitExceeded"),
        ({"InternetAccessible": {"InternetMaxBandwidthOut": 0, "PublicIpAssigned": True}}, "InvalidParameterCombination"),
        ({"InternetAccessible": {"InternetChargeType": "BANDWIDTH_PREPAID", "InternetMaxBandwidthOut": 1}}, "InvalidParameterCombination"),
        ({"InternetAccessible": {"InternetChargeType": "TRAFFIC_POSTPAID_BY_HOUR", "InternetMaxBandwidthOut": 101}}, "InvalidParameterValue.Range"),
        ({"LoginSettings": {"Password": "Abcd1234", "KeyIds": ["skey-abcd1234"]}}, "InvalidParameterCombination"),
        ({"LoginSettings": {"KeyIds": ["key-1"]}}, "InvalidKeyPairId.Malformed"),
        ({"LoginSettings": {"Password": "abcdefgh"}}, "InvalidPassword"),
        ({"LoginSettings": {"Password": "short1A"}}, "InvalidPassword"),
        ({"LoginSettings": {"Password": "Abcd 1234"}}, "InvalidPassword"),
        ({"LoginSettings": {"KeepImageLogin": "TRUE"}}, "InvalidParameterCombination"),
        ({"TagSpecification": [{"ResourceType": "instance", "Tags": [{"Key": "qcloud:x", "Value": "1"}]}]}, "FailedOperation.TagKeyReserved"),
        (
            {"TagSpecification": [{"ResourceType": "instance", "Tags": [{"Key": "a", "Value": "1"}, {"Key": "a", "Value": "2"}]}]},
            "InvalidParameterValue.DuplicateTags",
        ),
        ({"TagSpecification": [{"ResourceType": "instance", "Tags": [{"Key": "bad<key>", "Value": "1"}]}]}, "FailedOperation.IllegalTagKey"),
        ({"TagSpecification": [{"Tags": []}]}, "MissingParameter"),
        ({"SecurityGroupIds": ["sg-1"]}, "InvalidSgId.Malformed"),
        ({"SecurityGroupIds": ["sg-nothere1"]}, "InvalidSecurityGroupId.NotFound"),
        ({"SecurityGroupIds": ["sg-shweb001"]}, "InvalidSecurityGroupId.NotFound"),
        ({"UserData": "not base64!"}, "InvalidParameterValue.InvalidUserDataFormat"),
        ({"Placement": {"Zone": "ap-shanghai-2"}}, "InvalidZone.MismatchRegion"),
        ({"Placement": {"Zone": "ap-guangzhou-9"}}, "InvalidZone.MismatchRegion"),
        ({"InstanceType": "s1-small"}, "InvalidInstanceType.Malformed"),
        ({"InstanceType": "S1.SMALL3"}, "InvalidParameterValue.InstanceTypeNotFound"),
        ({"InstanceType": "I2.MEDIUM4", "Placement": {"Zone": "ap-guangzhou-7"}}, "ResourceUnavailable.InstanceType"),
        ({"InstanceType": "S2.SMALL1", "Placement": {"Zone": "ap-guangzhou-6"}}, "ResourcesSoldOut.SpecifiedInstanceType"),
        ({"ImageId": "centos"}, "InvalidImageId.Malformed"),
        ({"ImageId": "img-00000000"}, "InvalidImageId.NotFound"),
        ({"ImageId": "img-win2016d", "SystemDisk": {"DiskSize": 40}}, "InvalidParameterValue.Range"),
        ({"ImageId": "img-win2016d", "LoginSettings": {"Password": "abcdefgh1234"}}, "InvalidPassword"),
        ({"ImageId": "img-win2016d", "LoginSettings": {"KeyIds": ["skey-abcd1234"]}}, "UnsupportedOperation.KeyPairUnsupportedWindows"),
        ({"HostName": "-bad"}, "InvalidParameterValue.IllegalHostName"),
        ({"ImageId": "img-win2016d", "HostName": "host.with.dots"}, "InvalidParameterValue.IllegalHostName"),
        ({"VirtualPrivateCloud": {"VpcId": "vpc-gzdemo01"}}, "MissingParameter"),
        ({"VirtualPrivateCloud": {"VpcId": "vpc1", "SubnetId": "subnet-gz3web01"}}, "InvalidParameterValue.VpcIdMalformed"),
        ({"VirtualPrivateCloud": {"VpcId": "vpc-shdemo01", "SubnetId": "subnet-gz3web01"}}, "InvalidParameterValue.VpcIdNotExist"),
        ({"VirtualPrivateCloud": {"VpcId": "vpc-gzdemo01", "SubnetId": "subnet-nothere1"}}, "InvalidParameterValue.SubnetNotExist"),
        ({"VirtualPrivateCloud": {"VpcId": "vpc-gzdemo02", "SubnetId": "subnet-gz3web01"}}, "InvalidParameterValue.VpcIdSubnetIdNotMatch"),
        ({"VirtualPrivateCloud": {"VpcId": "vpc-gzdemo01", "SubnetId": "subnet-gz4web01"}}, "InvalidParameterValue.SubnetIdZoneIdNotMatch"),
        ({"VirtualPrivateCloud": {"VpcId": "vpc-gzdemo01", "SubnetId": "subnet-vpcerr01"}}, "InternalError"),
        (
            {
                "VirtualPrivateCloud": {"VpcId": "vpc-gzdemo01", "SubnetId": "subnet-gz3web01", "AsVpcGateway": True},
                "InternetAccessible": {"InternetMaxBandwidthOut": 0},
            },
            "InvalidParameterCombination",
        ),
        (
            {"VirtualPrivateCloud": {"VpcId": "vpc-gzdemo01", "SubnetId": "subnet-gz3web01", "PrivateIpAddresses": ["172.16.1.9", "172.16.1.10"]}},
            "InvalidParameterValue",
        ),
        (
            {"VirtualPrivateCloud": {"VpcId": "vpc-gzdemo01", "SubnetId": "subnet-gz3web01", "PrivateIpAddresses": ["172.16.1.x"]}},
            "InvalidParameterValue.InvalidIpFormat",
        ),
        ({"VirtualPrivateCloud": {"VpcId": "vpc-gzdemo01", "SubnetId": "subnet-gz3web01", "PrivateIpAddresses": ["172.16.2.9"]}}, "VpcAddrNotInSubNet"),
        ({"VirtualPrivateCloud": {"VpcId": "vpc-gzdemo01", "SubnetId": "subnet-gz3web01", "PrivateIpAddresses": ["172.16.1.3"]}}, "InvalidParameterValue"),
        (
            {"VirtualPrivateCloud": {"VpcId": "vpc-gzdemo01", "SubnetId": "subnet-gz3tiny1"}, "InstanceCount": 4},
            "FailedOperation.NoAvailableIpAddressCountInSubnet",
        ),
    ],
)
def test_documented_errors(v3, emu, change, code):
    params = dict(RUN_EXAMPLE)
    for key, value in change.items():
        if value is None:
            params.pop(key)
        else:
            params[key] = value
    assert v3.error("RunInstances", params) == code
    assert emu.control.instances() == []


def test_ip_in_use_and_balance(v3, emu):
    vpc = {"VpcId": "vpc-gzdemo01", "SubnetId": "subnet-gz3web01", "PrivateIpAddresses": ["172.16.1.30"]}
    v3.run({"VirtualPrivateCloud": vpc})
    assert v3.error("RunInstances", dict(RUN_EXAMPLE, VirtualPrivateCloud=vpc)) == "VpcIpIsUsed"
    emu.control.post("config", {"balance": 0.1})
    assert v3.error("RunInstances", RUN_EXAMPLE) == "InvalidAccount.InsufficientBalance"


def test_passwords(v3):
    for password in ("abcd1234", "Ab12#xyz", "ABCDEFGH|1", "a" * 29 + "1"):
        assert v3.run({"LoginSettings": {"Password": password}}), password
    assert v3.run({"ImageId": "img-win2016d", "LoginSettings": {"Password": "Abcdefgh123|"}})
    assert v3.error("RunInstances", dict(RUN_EXAMPLE, LoginSettings={"Password": "a" * 30 + "1"})) == "InvalidPassword"


def test_no_public_ip_then_bandwidth(v3, emu):
    (instance_id,) = v3.run({"InternetAccessible": {"InternetChargeType": "TRAFFIC_POSTPAID_BY_HOUR", "InternetMaxBandwidthOut": 5, "PublicIpAssigned": False}})
    inst = v3.instance(instance_id)
    assert inst["PublicIpAddresses"] is None and inst["InternetAccessible"]["PublicIpAssigned"] is False
    (zero,) = v3.run({"InternetAccessible": {"InternetChargeType": "TRAFFIC_POSTPAID_BY_HOUR", "InternetMaxBandwidthOut": 0}})
    assert v3.instance(zero)["PublicIpAddresses"] is None


def test_get_request_creates(v3):
    ids = v3.run({"InstanceCount": 2, "DataDisks": [{"DiskType": "CLOUD_BASIC", "DiskSize": 20}]}, method="GET")
    assert len(ids) == 2 and v3.instance(ids[0])["DataDisks"][0]["DiskSize"] == 20


def test_default_group_per_region(v3):
    (shanghai,) = v3.run({"Placement": {"Zone": "ap-shanghai-2"}}, region="ap-shanghai")
    assert v3.instance(shanghai, region="ap-shanghai")["SecurityGroupIds"] == ["sg-shdeflt1"]
    (hongkong,) = v3.run({"Placement": {"Zone": "ap-hongkong-1"}}, region="ap-hongkong")
    assert v3.instance(hongkong, region="ap-hongkong")["SecurityGroupIds"] == []
    (none,) = v3.run({"SecurityGroupIds": []})
    assert v3.instance(none)["SecurityGroupIds"] == []
