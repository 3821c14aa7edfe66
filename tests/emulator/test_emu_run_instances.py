# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""RunInstancesHour: the seed doc example, every documented error code, clientToken, states."""

import re
import time

import pytest

from emu_client import SEED_EXAMPLE, wait_for

VPC = {"vpcId": "vpc-gzdemo01", "subnetId": "subnet-gz3web01", "zoneId": "100003"}


def _error(answer, code, code_desc, *words):
    assert answer["code"] == code, answer
    assert answer["codeDesc"] == code_desc, answer
    assert re.match(r"^\(\d+\)", answer["message"]), answer
    for word in words:
        assert word in answer["message"], answer


def _describe(emu, instance_id, region="gz"):
    answer = emu.client.call("DescribeInstances", {"instanceIds.0": instance_id}, region=region)
    assert answer["totalCount"] == 1, answer
    return answer["instanceSet"][0]


def test_seed_doc_example_as_written(emu):
    """Section 5 of the Chinese RunInstancesHour page, Region=gz."""
    answer = emu.client.call("RunInstancesHour", SEED_EXAMPLE)
    assert answer["code"] == 0 and answer["message"] == "" and answer["codeDesc"] == "Success"
    (instance_id,) = answer["unInstanceIds"]
    assert re.fullmatch(r"ins-[a-z0-9]{8}", instance_id)
    record = _describe(emu, instance_id)
    assert record["status"] == 3
    assert record["zoneId"] == 100001 and record["zoneName"] == "广州一区" and record["Region"] == "gz"
    assert record["cpu"] == 1 and record["mem"] == 2 and record["bandwidth"] == 1
    assert record["instanceName"] == "未命名" and record["instanceType"] == "CVM.S1"
    assert record["diskInfo"]["storageSize"] == 50 and record["diskInfo"]["rootSize"] == 20
    assert len(record["wanIpSet"]) == 1
    assert record["networkPayMode"] == 3 and record["cvmPayMode"] == 2


def test_status_3_then_2(emu):
    emu.control.post("config", {"create_delay": 1.0})
    started = time.monotonic()
    instance_id = emu.client.create()["unInstanceIds"][0]
    assert _describe(emu, instance_id)["status"] == 3
    wait_for(lambda: _describe(emu, instance_id)["status"] != 3)
    record = _describe(emu, instance_id)
    assert record["status"] == 2
    assert time.monotonic() - started >= 1.0
    assert record["statusTime"] >= record["createTime"]


def test_create_delay_zero_is_running_at_once(emu):
    emu.control.post("config", {"create_delay": 0})
    instance_id = emu.client.create()["unInstanceIds"][0]
    assert _describe(emu, instance_id)["status"] == 2


def test_goods_num_creates_several(emu):
    answer = emu.client.create({"goodsNum": "5", "instanceName": "batch"})
    ids = answer["unInstanceIds"]
    assert len(ids) == 5 == len(set(ids))
    listed = emu.client.call("DescribeInstances", {"searchWord": "batch"})
    assert listed["totalCount"] == 5
    assert len({item["lanIp"] for item in listed["instanceSet"]}) == 5
    assert len({item["wanIpSet"][0] for item in listed["instanceSet"]}) == 5


def test_client_token_same_ids_nothing_new(emu):
    first = emu.client.create({"clientToken": "tok-1", "goodsNum": "2"})
    again = emu.client.create({"clientToken": "tok-1", "goodsNum": "2"}, method="POST")
    # [EMU] other parameters may differ, even invalid ones: the first answer wins.
    different = emu.client.create({"clientToken": "tok-1", "goodsNum": "7", "storageSize": "15"})
    assert first == again == different
    assert first["code"] == 0 and len(first["unInstanceIds"]) == 2
    assert len(emu.control.instances()) == 2
    other = emu.client.create({"clientToken": "tok-2"})
    assert other["unInstanceIds"] != first["unInstanceIds"]
    assert len(emu.control.instances()) == 3


def test_failed_create_does_not_bind_token(emu):
    bad = emu.client.create({"clientToken": "tok-x", "storageSize": "15"})
    assert bad["code"] == 4000
    good = emu.client.create({"clientToken": "tok-x"})
    assert good["code"] == 0


def test_private_ip_and_vpc_record(emu):
    answer = emu.client.create(dict(VPC, **{"privateIpAddresses.0": "172.16.1.10", "isVpcGateway": "1"}))
    record = _describe(emu, answer["unInstanceIds"][0])
    assert record["lanIp"] == "172.16.1.10"
    assert record["vpcId"] == 1001 and record["subnetId"] == 2001
    assert record["unVpcId"] == "vpc-gzdemo01" and record["unSubnetId"] == "subnet-gz3web01"
    assert record["isVpcGateway"] == 1


def test_vpc_next_free_ip(emu):
    emu.client.create(dict(VPC, **{"privateIpAddresses.0": "172.16.1.4"}))
    answer = emu.client.create(dict(VPC, goodsNum="2"))
    ips = sorted(_describe(emu, i)["lanIp"] for i in answer["unInstanceIds"])
    assert ips == ["172.16.1.5", "172.16.1.6"]


def test_basic_network_private_ip(emu):
    record = _describe(emu, emu.client.create()["unInstanceIds"][0])
    assert record["lanIp"].startswith("10.") and record["vpcId"] == 0 and record["unVpcId"] == ""


def test_bandwidth_zero_no_public_ip(emu):
    record = _describe(emu, emu.client.create({"bandwidth": "0", "wanIp": "1"})["unInstanceIds"][0])
    assert record["wanIpSet"] == []


def test_wan_ip_zero(emu):
    record = _describe(emu, emu.client.create({"wanIp": "0"})["unInstanceIds"][0])
    assert record["wanIpSet"] == [] and record["bandwidth"] == 1


def test_windows_image_defaults(emu):
    params = {"imageId": "img-win2016d", "password": "Abcdefgh123!", "storageSize": "0"}
    record = _describe(emu, emu.client.create(params)["unInstanceIds"][0])
    assert record["diskInfo"] == {"rootId": record["diskInfo"]["rootId"], "rootSize": 50, "rootType": 1}
    assert record["os"].startswith("Windows")


@pytest.mark.parametrize("image_id, image_type", [("img-priv0001", "1"), ("img-mkt00001", "3"), ("img-shr00001", "4"), ("img-31tjrtph", "2")])
def test_image_types_match(emu, image_id, image_type):
    assert emu.client.create({"imageId": image_id, "imageType": image_type})["code"] == 0


# -- module error codes (api-notes/legacy.md section 2.3) ---------------------------------------


def test_error_invalid_zone(emu):
    _error(emu.client.create({"zoneId": "200001"}), 4000, "InvalidParameter.InvaildZoneId", "zoneId")
    _error(emu.client.create({"zoneId": "999999"}), 4000, "InvalidParameter.InvaildZoneId")
    _error(emu.client.create(region="sh"), 4000, "InvalidParameter.InvaildZoneId")


@pytest.mark.parametrize(
    "password, windows, ok",
    [
        ("abcd1234", False, True),
        ("abcdefgh", False, False),  # one class only
        ("Ab1", False, False),  # too short
        ("Abcdefgh12345678X", False, False),  # 17 characters
        ("abc|1234", False, True),  # pipe is a Linux special
        ("abc 1234", False, False),  # space is never allowed
        ("abc_1234", False, False),  # underscore is not in the list
        ("abcd123é", False, False),  # non-ASCII
        ("#$%^&*12", False, True),  # digits + specials
        ("Abcdefgh123!", True, True),
        ("abcdefgh123!", True, True),  # lower + digit + special
        ("Abcdefgh1234", True, True),  # lower + upper + digit
        ("abcdefgh1234", True, False),  # two classes only
        ("Abc123!", True, False),  # too short for Windows
        ("Abcdefgh123|", True, False),  # pipe is not a Windows special
    ],
)
def test_error_password(emu, password, windows, ok):
    params = {"password": password}
    if windows:
        params.update(imageId="img-win2016d")
    answer = emu.client.create(params)
    if ok:
        assert answer["code"] == 0, answer
    else:
        _error(answer, 4000, "InvalidParameter.PasswordNotConformSpecs", "password")
        assert password not in answer["message"]


def test_error_vpc_error(emu):
    answer = emu.client.create(dict(VPC, subnetId="subnet-vpcerr01"))
    _error(answer, 6000, "InnerError.VpcError", "subnet-vpcerr01")


def test_error_balance(emu):
    emu.control.post("config", {"balance": "0.10"})
    _error(emu.client.create(), 5300, "OperationConstraints.AccountBalanceNotEnough", "balance")
    assert emu.control.instances() == []
    emu.control.post("config", {"balance": 1000})
    assert emu.client.create()["code"] == 0


def test_error_busy_via_fault(emu):
    emu.control.post("faults", {"action": "RunInstancesHour", "kind": "busy"})
    _error(emu.client.create(), 5100, "OperationFail.SystemBusy")
    assert emu.control.instances() == []


@pytest.mark.parametrize("address", ["172.16.1", "172.16.1.300", "abc", "::1", "172.16.1.010", "172.16.1.10 "])
def test_error_ip_format(emu, address):
    _error(emu.client.create(dict(VPC, **{"privateIpAddresses.0": address})), 4000, "InvalidParameter.InvalidIpFormat", "privateIpAddresses")


def test_error_ip_not_in_cidr(emu):
    _error(emu.client.create(dict(VPC, **{"privateIpAddresses.0": "172.16.2.10"})), 4000, "InvalidParameter.IpNotInCidrRange", "172.16.1.0/24")


@pytest.mark.parametrize("address", ["172.16.1.0", "172.16.1.1", "172.16.1.2", "172.16.1.3", "172.16.1.255"])
def test_error_reserved_ip(emu, address):
    _error(emu.client.create(dict(VPC, **{"privateIpAddresses.0": address})), 4000, "InvalidParameter.NotSupportReservedIp")


def test_error_ip_in_use_and_freed_by_return(emu):
    emu.control.post("config", {"create_delay": 0})
    params = dict(VPC, **{"privateIpAddresses.0": "172.16.1.20"})
    first = emu.client.create(params)["unInstanceIds"][0]
    _error(emu.client.create(params), 4000, "InvalidParameter.IpInUse", "172.16.1.20")
    assert emu.client.call("ReturnInstance", {"instanceId": first})["code"] == 0
    assert emu.client.create(params)["code"] == 0


def test_failed_create_frees_ip(emu):
    emu.control.post("config", {"create_delay": 0})
    emu.control.post("faults", {"action": "RunInstancesHour", "kind": "create_fails"})
    params = dict(VPC, **{"privateIpAddresses.0": "172.16.1.21"})
    assert emu.client.create(params)["code"] == 0
    assert emu.client.create(params)["code"] == 0


def test_subnet_exhausted(emu):
    tiny = dict(VPC, subnetId="subnet-gz3tiny1")
    assert len(emu.client.create(dict(tiny, goodsNum="3"))["unInstanceIds"]) == 3
    _error(emu.client.create(tiny), 5200, "OperationFail.PurchaseFailed", "subnet-gz3tiny1")


# -- representative 4000 cases ------------------------------------------------------


@pytest.mark.parametrize("name", ["zoneId", "cpu", "mem", "imageId", "storageSize"])
def test_required(emu, name):
    params = dict(SEED_EXAMPLE)
    del params[name]
    _error(emu.client.call("RunInstancesHour", params), 4000, "InvalidParameter", name, "missing")


@pytest.mark.parametrize(
    "name, value",
    [
        ("cpu", "1.5"),
        ("mem", "two"),
        ("zoneId", "100001x"),
        ("storageSize", "5e1"),
        ("goodsNum", " 1"),
        ("bandwidth", "1.0"),
        ("projectId", "0x1"),
        ("rootSize", "20GB"),
    ],
)
def test_non_integer(emu, name, value):
    _error(emu.client.create({name: value}), 4000, "InvalidParameter", name, "integer")


def test_required_before_types(emu):
    params = dict(SEED_EXAMPLE, cpu="x")
    del params["mem"]
    _error(emu.client.call("RunInstancesHour", params), 4000, "InvalidParameter", "mem")


@pytest.mark.parametrize(
    "params, words",
    [
        ({"instanceType": "CVM.C1"}, ["instanceType"]),
        ({"cpu": "3", "mem": "5"}, ["cpu", "mem", "CVM.S1"]),
        ({"instanceType": "CVM.M1", "cpu": "1", "mem": "2"}, ["CVM.M1"]),
        ({"imageId": "img-00000000"}, ["imageId"]),
        ({"imageId": "img-priv0001"}, ["imageType"]),
        ({"imageType": "5"}, ["imageType"]),
        ({"imageType": "1"}, ["imageType", "img-3wnd9xpl"]),
        ({"storageSize": "15"}, ["storageSize", "multiple of 10"]),
        ({"storageSize": "-10"}, ["storageSize"]),
        ({"storageSize": "16010"}, ["storageSize", "16000"]),
        ({"storageType": "5"}, ["storageType"]),
        ({"rootSize": "60"}, ["rootSize"]),
        ({"rootSize": "10"}, ["rootSize"]),
        ({"rootSize": "25"}, ["rootSize", "multiple of 10"]),
        ({"imageId": "img-win2016d", "rootSize": "40"}, ["rootSize", "Windows"]),
        ({"bandwidthType": "PayByMonth"}, ["bandwidthType"]),
        ({"bandwidth": "-1"}, ["bandwidth"]),
        ({"wanIp": "2"}, ["wanIp"]),
        ({"isVpcGateway": "2"}, ["isVpcGateway"]),
        ({"needSecurityAgent": "3"}, ["needSecurityAgent"]),
        ({"needMonitorAgent": "-1"}, ["needMonitorAgent"]),
        ({"projectId": "-1"}, ["projectId"]),
        ({"instanceName": "x" * 61}, ["instanceName", "60"]),
        ({"goodsNum": "0"}, ["goodsNum"]),
        ({"goodsNum": "101"}, ["goodsNum"]),
        ({"clientToken": "t" * 65}, ["clientToken", "64"]),
        ({"keyId": "skey-abcdefgh", "password": "abcd1234"}, ["keyId", "password"]),
        ({"keyId": "skey-abcdefgh", "imageId": "img-win2016d"}, ["keyId", "Windows"]),
        ({"vpcId": "vpc-gzdemo01"}, ["vpcId", "subnetId"]),
        ({"subnetId": "subnet-gz1web01"}, ["vpcId", "subnetId"]),
        ({"vpcId": "vpc-nothere1", "subnetId": "subnet-gz1web01"}, ["vpc-nothere1"]),
        ({"vpcId": "vpc-shdemo01", "subnetId": "subnet-sh2web01"}, ["vpc-shdemo01"]),
        ({"vpcId": "vpc-gzdemo01", "subnetId": "subnet-nothere"}, ["subnet-nothere"]),
        ({"vpcId": "vpc-gzdemo02", "subnetId": "subnet-gz1web01"}, ["does not belong"]),
        ({"vpcId": "vpc-gzdemo01", "subnetId": "subnet-gz3web01"}, ["zone"]),
        ({"isVpcGateway": "1"}, ["isVpcGateway"]),
        ({"isVpcGateway": "1", "vpcId": "vpc-gzdemo01", "subnetId": "subnet-gz1web01", "bandwidth": "0"}, ["isVpcGateway", "public IP"]),
        ({"privateIpAddresses.0": "10.0.0.4"}, ["privateIpAddresses", "VPC"]),
        ({"vpcId": "vpc-gzdemo01", "subnetId": "subnet-gz1web01", "privateIpAddresses.0": "172.16.3.4", "privateIpAddresses.1": "172.16.3.5"}, ["at most one"]),
        ({"vpcId": "vpc-gzdemo01", "subnetId": "subnet-gz1web01", "privateIpAddresses.0": "172.16.3.4", "goodsNum": "2"}, ["goodsNum"]),
        ({"privateIpAddresses": "172.16.3.4"}, ["privateIpAddresses.0"]),
    ],
)
def test_invalid_parameter(emu, params, words):
    _error(emu.client.create(params), 4000, "InvalidParameter", *words)
    assert emu.control.instances() == []


def test_ranges_before_placement(emu):
    """A bad storageSize is reported even though the zone is wrong too (stage order)."""
    answer = emu.client.create({"storageSize": "15", "zoneId": "200001"})
    _error(answer, 4000, "InvalidParameter", "storageSize")


def test_placement_before_balance(emu):
    emu.control.post("config", {"balance": 0})
    _error(emu.client.create({"zoneId": "200001"}), 4000, "InvalidParameter.InvaildZoneId")


def test_private_ip_gap_index(emu):
    """List indexes need not start at 0 (section 1.4): one address is one address."""
    answer = emu.client.create(dict(VPC, **{"privateIpAddresses.3": "172.16.1.30"}))
    assert _describe(emu, answer["unInstanceIds"][0])["lanIp"] == "172.16.1.30"


def test_empty_optional_values_use_defaults(emu):
    answer = emu.client.create({"instanceName": "", "bandwidthType": "", "instanceType": ""})
    record = _describe(emu, answer["unInstanceIds"][0])
    assert record["instanceName"] == "未命名" and record["networkPayMode"] == 3
