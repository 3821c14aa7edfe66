# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""DescribeInstances (section 4), ReturnInstance (5.1), InquiryInstancePriceHour (5.2)."""

import re
import time

import pytest

from emu_client import wait_for

RECORD_FIELDS = {
    "unInstanceId",
    "instanceName",
    "zoneId",
    "zoneName",
    "Region",
    "status",
    "lanIp",
    "wanIpSet",
    "cpu",
    "mem",
    "bandwidth",
    "unImgId",
    "os",
    "createTime",
    "deadlineTime",
    "autoRenew",
    "projectId",
    "cvmPayMode",
    "networkPayMode",
    "vpcId",
    "subnetId",
    "isVpcGateway",
    "diskInfo",
    "instanceId",
    "uuid",
    "statusTime",
    "imageType",
    "unVpcId",
    "unSubnetId",
    "instanceType",
}


def _describe(emu, params=None, region="gz"):
    answer = emu.client.call("DescribeInstances", params or {}, region=region)
    assert answer["code"] == 0, answer
    return answer


def _ids(answer):
    return [item["unInstanceId"] for item in answer["instanceSet"]]


def test_record_fields_and_types(emu):
    emu.client.create({"storageSize": "0", "projectId": "3", "instanceName": "web"})
    (record,) = _describe(emu)["instanceSet"]
    assert set(record) == RECORD_FIELDS
    assert isinstance(record["vpcId"], int) and isinstance(record["subnetId"], int)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d", record["createTime"])
    assert record["deadlineTime"] == "0000-00-00 00:00"
    assert record["diskInfo"].keys() == {"rootId", "rootSize", "rootType"}
    assert record["diskInfo"]["rootId"].startswith("disk-")
    assert record["instanceId"].startswith("qcvm") and record["imageType"] == "公有镜像"
    assert record["unImgId"] == "img-3wnd9xpl" and record["os"] == "centos7.2x86_64"
    assert record["projectId"] == 3 and record["autoRenew"] == 0


def test_create_time_is_china_time(emu):
    emu.client.create()
    (record,) = _describe(emu)["instanceSet"]
    expected = time.strftime("%Y-%m-%d %H:%M", time.gmtime(time.time() + 8 * 3600))
    assert record["createTime"][:16] in (expected, time.strftime("%Y-%m-%d %H:%M", time.gmtime(time.time() + 8 * 3600 - 60)))


def test_data_disk_fields(emu):
    emu.client.create({"storageSize": "100", "storageType": "2", "rootSize": "40"})
    disk = _describe(emu)["instanceSet"][0]["diskInfo"]
    assert disk["storageSize"] == 100 and disk["storageType"] == 2 and disk["storageId"].startswith("disk-")
    assert disk["rootSize"] == 40 and disk["rootType"] == 2


def test_order_newest_first(emu):
    created = [emu.client.create({"instanceName": f"n{i}"})["unInstanceIds"][0] for i in range(4)]
    assert _ids(_describe(emu)) == created[::-1]


def test_filters(emu):
    a = emu.client.create({"instanceName": "alpha-web", "projectId": "1"})["unInstanceIds"][0]
    b = emu.client.create({"instanceName": "beta-web", "zoneId": "100003"})["unInstanceIds"][0]
    c = emu.client.create({"instanceName": "gamma-db", "projectId": "1", "zoneId": "100003"})["unInstanceIds"][0]
    emu.client.create({"zoneId": "200001"}, region="sh")
    assert set(_ids(_describe(emu, {"searchWord": "web"}))) == {a, b}
    assert set(_ids(_describe(emu, {"searchWord": "WEB"}))) == {a, b}
    assert set(_ids(_describe(emu, {"projectId": "1"}))) == {a, c}
    assert set(_ids(_describe(emu, {"zoneId": "100003"}))) == {b, c}
    assert _ids(_describe(emu, {"zoneId": "100003", "projectId": "1", "searchWord": "db"})) == [c]
    assert _ids(_describe(emu, {"instanceIds.0": a, "instanceIds.1": c, "instanceIds.2": "ins-nothere0"})) == [c, a]
    assert _describe(emu)["totalCount"] == 3
    assert _describe(emu, region="sh")["totalCount"] == 1
    assert _describe(emu, {"instanceIds.0": a}, region="sh")["totalCount"] == 0
    assert _describe(emu, {"status": "3"})["totalCount"] == 3
    assert _describe(emu, {"status": "2"})["totalCount"] == 0


def test_lan_ips_filter_matches_private_and_public(emu):
    emu.client.create()
    emu.client.create()
    first, second = _describe(emu)["instanceSet"]
    assert _ids(_describe(emu, {"lanIps.0": first["lanIp"]})) == [first["unInstanceId"]]
    assert _ids(_describe(emu, {"lanIps.0": second["wanIpSet"][0]})) == [second["unInstanceId"]]
    both = _describe(emu, {"lanIps.0": first["lanIp"], "lanIps.1": second["wanIpSet"][0]})
    assert both["totalCount"] == 2


def test_legacy_id_filter(emu):
    instance_id = emu.client.create()["unInstanceIds"][0]
    legacy = _describe(emu)["instanceSet"][0]["instanceId"]
    assert _ids(_describe(emu, {"instanceIds.0": legacy})) == [instance_id]


def test_list_index_order_and_gaps(emu):
    ids = [emu.client.create()["unInstanceIds"][0] for _attempt in range(3)]
    params = {"instanceIds.10": ids[0], "instanceIds.2": ids[1], "instanceIds.7": ids[2]}
    assert set(_ids(_describe(emu, params))) == set(ids)


def test_paging(emu):
    emu.control.post("seed", {"count": 45, "regions": ["gz"]})
    full = _describe(emu, {"limit": "100"})
    assert full["totalCount"] == 45 and len(full["instanceSet"]) == 45
    default = _describe(emu)
    assert default["totalCount"] == 45 and len(default["instanceSet"]) == 20
    pages = []
    for offset in range(0, 60, 20):
        page = _describe(emu, {"offset": str(offset), "limit": "20"})
        assert page["totalCount"] == 45
        pages.extend(_ids(page))
    assert pages == _ids(full)
    assert _describe(emu, {"offset": "45"})["instanceSet"] == []


@pytest.mark.parametrize(
    "params, word",
    [
        ({"limit": "101"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"limit": "ten"}, "limit"),
        ({"status": "x"}, "status"),
        ({"zoneId": "200001"}, "zoneId"),
        ({"instanceIds": "ins-abc"}, "instanceIds"),
    ],
)
def test_describe_invalid(emu, params, word):
    answer = emu.client.call("DescribeInstances", params)
    assert answer["code"] == 4000 and word in answer["message"], answer


def test_return_lifecycle_and_forget(emu):
    emu.control.post("config", {"create_delay": 0, "return_delay": 1.0, "forget_delay": 1.5})
    instance_id = emu.client.create()["unInstanceIds"][0]
    answer = emu.client.call("ReturnInstance", {"instanceId": instance_id})
    assert answer == {"code": 0, "message": "", "codeDesc": "Success"}
    assert _describe(emu)["instanceSet"][0]["status"] == 6
    again = emu.client.call("ReturnInstance", {"instanceId": instance_id})
    assert again["code"] == 5100 and again["codeDesc"] == "OperationConstraints.InvaildInstanceStatus"
    wait_for(lambda: _describe(emu)["instanceSet"][0]["status"] == 5)
    assert _describe(emu, {"status": "5"})["totalCount"] == 1
    assert emu.client.call("ReturnInstance", {"instanceId": instance_id})["code"] == 5100
    wait_for(lambda: _describe(emu)["totalCount"] == 0)
    assert _describe(emu, {"instanceIds.0": instance_id})["totalCount"] == 0
    assert _describe(emu, {"status": "5"})["totalCount"] == 0
    (kept,) = emu.control.instances()
    assert kept["unInstanceId"] == instance_id and kept["status"] == 5


def test_forget_delay_config_applies_at_once(emu):
    emu.control.post("config", {"create_delay": 0, "return_delay": 0})
    instance_id = emu.client.create()["unInstanceIds"][0]
    emu.client.call("ReturnInstance", {"instanceId": instance_id})
    assert _describe(emu)["instanceSet"][0]["status"] == 5
    emu.control.post("config", {"forget_delay": 0})
    assert _describe(emu)["totalCount"] == 0


def test_return_while_creating(emu):
    emu.control.post("config", {"create_delay": 30})
    instance_id = emu.client.create()["unInstanceIds"][0]
    answer = emu.client.call("ReturnInstance", {"instanceId": instance_id})
    assert answer["code"] == 5100 and "status 3" in answer["message"]


def test_return_failed_instance(emu):
    emu.control.post("config", {"create_delay": 0})
    emu.control.post("faults", {"kind": "create_fails"})
    instance_id = emu.client.create()["unInstanceIds"][0]
    assert _describe(emu)["instanceSet"][0]["status"] == -1
    assert emu.client.call("ReturnInstance", {"instanceId": instance_id})["code"] == 5100


@pytest.mark.parametrize("status", [1, 4])
def test_return_from_fault_and_stopped(emu, status):
    (instance_id,) = emu.control.post("seed", {"count": 1, "status": status})["ids"]
    assert emu.client.call("ReturnInstance", {"instanceId": instance_id})["code"] == 0


def test_return_unknown_or_other_region(emu):
    answer = emu.client.call("ReturnInstance", {"instanceId": "ins-nothere0"})
    assert answer["code"] == 5000 and answer["codeDesc"] == "ResourceNotFound"
    instance_id = emu.client.create()["unInstanceIds"][0]
    assert emu.client.call("ReturnInstance", {"instanceId": instance_id}, region="sh")["code"] == 5000


def test_return_needs_singular_id(emu):
    answer = emu.client.call("ReturnInstance", {"instanceIds.0": "ins-abcdefgh"})
    assert answer["code"] == 4000 and "singular" in answer["message"]


def test_price(emu):
    answer = emu.client.call(
        "InquiryInstancePriceHour",
        {
            "cpu": "2",
            "mem": "4",
            "imageId": "img-3wnd9xpl",
            "imageType": "2",
            "storageSize": "50",
            "storageType": "1",
            "bandwidthType": "PayByHour",
            "bandwidth": "2",
            "goodsNum": "2",
        },
    )
    assert answer["code"] == 0
    # (2*0.10 + 4*0.05 + 5*0.004) * 2 = 0.84 ; 2 Mbps * 0.063 * 2 = 0.252
    assert answer["data"] == {"cvm": {"price": "0.84", "price_unit": "HOUR"}, "bandwidth": {"price": "0.25", "price_unit": "HOUR"}}


def test_price_traffic_and_windows(emu):
    answer = emu.client.call(
        "InquiryInstancePriceHour",
        {
            "cpu": "4",
            "mem": "32",
            "instanceType": "CVM.M2",
            "imageId": "img-win2016d",
            "imageType": "2",
            "storageSize": "0",
            "bandwidthType": "PayByTraffic",
            "bandwidth": "10",
            "zoneId": "100002",
        },
    )
    # 4*0.11 + 32*0.06 = 2.36
    assert answer["data"]["cvm"] == {"price": "2.36", "price_unit": "HOUR"}
    assert answer["data"]["bandwidth"] == {"price": "0.80", "price_unit": "GB"}


@pytest.mark.parametrize(
    "params, word",
    [
        ({"imageType": None}, "imageType"),
        ({"cpu": "3"}, "cpu"),
        ({"storageSize": "5"}, "storageSize"),
        ({"zoneId": "200001"}, "zoneId"),
        ({"imageId": "img-priv0001"}, "imageType"),
        ({"goodsNum": "101"}, "goodsNum"),
    ],
)
def test_price_validation(emu, params, word):
    base = {"cpu": "1", "mem": "2", "imageId": "img-3wnd9xpl", "imageType": "2", "storageSize": "0"}
    base.update(params)
    answer = emu.client.call("InquiryInstancePriceHour", {k: v for k, v in base.items() if v is not None})
    assert answer["code"] == 4000 and word in answer["message"], answer


def test_price_does_not_create(emu):
    emu.client.call("InquiryInstancePriceHour", {"cpu": "1", "mem": "2", "imageId": "img-3wnd9xpl", "imageType": "2", "storageSize": "0"})
    assert emu.control.instances() == []
