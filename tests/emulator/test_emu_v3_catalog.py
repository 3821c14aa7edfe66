# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""API 3.0 catalogue actions: DescribeZones, DescribeZoneInstanceConfigInfos, DescribeInstanceTypeConfigs,
DescribeImages, InquiryPriceRunInstances (priced like the legacy quote)."""

import pytest

from emu_v3_client import RUN_EXAMPLE


def _filters(**named):
    return {"Filters": [{"Name": name.replace("_", "-"), "Values": values} for name, values in named.items()]}


def test_describe_zones_languages(v3):
    zh = v3.ok("DescribeZones")
    assert zh["TotalCount"] == 6
    assert zh["ZoneSet"][2] == {"Zone": "ap-guangzhou-3", "ZoneName": "广州三区", "ZoneId": "100003", "ZoneState": "AVAILABLE"}
    en = v3.ok("DescribeZones", language="en-US")
    assert en["ZoneSet"][2]["ZoneName"] == "Guangzhou Zone 3"
    fsi = v3.ok("DescribeZones", region="ap-shanghai-fsi", language="en-US")
    assert [z["Zone"] for z in fsi["ZoneSet"]] == ["ap-shanghai-fsi-1", "ap-shanghai-fsi-2", "ap-shanghai-fsi-3"]
    assert fsi["ZoneSet"][0]["ZoneId"] == "700001" and fsi["ZoneSet"][0]["ZoneName"] == "Shanghai Finance Zone 1"
    assert v3.ok("DescribeZones", region="ap-tokyo")["TotalCount"] == 0


def test_zone_instance_config_infos(v3):
    rows = v3.ok("DescribeZoneInstanceConfigInfos", _filters(zone=["ap-guangzhou-3"], instance_family=["S1"]))["InstanceTypeQuotaSet"]
    assert len(rows) == 24
    small = next(row for row in rows if row["InstanceType"] == "S1.SMALL2")
    assert small["Cpu"] == 1 and small["Memory"] == 2 and small["InstanceFamily"] == "S1" and small["Status"] == "SELL"
    assert small["InstanceChargeType"] == "POSTPAID_BY_HOUR" and small["TypeName"] == "标准型S1"
    assert small["Price"]["UnitPrice"] == pytest.approx(0.2) and small["Price"]["ChargeUnit"] == "HOUR"
    assert small["Price"]["UnitPriceDiscount"] == small["Price"]["UnitPrice"] and isinstance(small["Price"]["UnitPrice"], float)
    names = {row["InstanceType"] for row in rows}
    assert {"S1.MEDIUM12", "S1.2XLARGE20", "S1.12XLARGE96"} <= names
    m2 = v3.ok("DescribeZoneInstanceConfigInfos", _filters(instance_type=["M2.14XLARGE448"], zone=["ap-guangzhou-1"]), language="en-US")["InstanceTypeQuotaSet"]
    assert [(row["Cpu"], row["Memory"], row["TypeName"]) for row in m2] == [(56, 448, "Memory Optimized M2")]


def test_not_sold_and_sold_out(v3):
    io = v3.ok("DescribeZoneInstanceConfigInfos", _filters(instance_family=["I2"]))["InstanceTypeQuotaSet"]
    zones = {row["Zone"] for row in io}
    assert zones == {"ap-guangzhou-1", "ap-guangzhou-2", "ap-guangzhou-3", "ap-guangzhou-4"}, "I2 is not offered in ap-guangzhou-6/-7"
    assert v3.ok("DescribeZoneInstanceConfigInfos", _filters(zone=["ap-guangzhou-7"], instance_family=["I1", "I2"]))["InstanceTypeQuotaSet"] == []
    sold_out = v3.ok("DescribeZoneInstanceConfigInfos", _filters(zone=["ap-guangzhou-6"], instance_type=["S2.SMALL1"]))["InstanceTypeQuotaSet"]
    assert [(row["Status"], row["StatusCategory"]) for row in sold_out] == [("SOLD_OUT", "WithoutStock")]
    assert v3.ok("DescribeZoneInstanceConfigInfos", _filters(instance_charge_type=["PREPAID"]))["InstanceTypeQuotaSet"] == []
    assert v3.ok("DescribeInstanceTypeConfigs", _filters(zone=["ap-guangzhou-7"], instance_family=["I1"]))["InstanceTypeConfigSet"] == []


def test_sort_keys_and_errors(v3):
    rows = v3.ok("DescribeZoneInstanceConfigInfos", _filters(zone=["ap-guangzhou-3"], instance_family=["C2"], sort_keys=["cpu:desc"]))["InstanceTypeQuotaSet"]
    assert [row["Cpu"] for row in rows] == sorted((row["Cpu"] for row in rows), reverse=True)
    assert v3.error("DescribeZoneInstanceConfigInfos", _filters(zone=["ap-shanghai-2"])) == "InvalidZone.MismatchRegion"
    assert v3.error("DescribeZoneInstanceConfigInfos", _filters(colour=["red"])) == "InvalidFilter"
    assert v3.error("DescribeZoneInstanceConfigInfos", _filters(instance_type=["nope"])) == "InvalidInstanceType.Malformed"
    assert v3.error("DescribeZoneInstanceConfigInfos", _filters(sort_keys=["size:up"])) == "InvalidParameterValue"


def test_instance_type_configs(v3):
    everything = v3.ok("DescribeInstanceTypeConfigs")["InstanceTypeConfigSet"]
    assert {row["Zone"] for row in everything} == {f"ap-guangzhou-{n}" for n in (1, 2, 3, 4, 6, 7)}
    one = v3.ok("DescribeInstanceTypeConfigs", _filters(zone=["ap-guangzhou-3"], instance_type=["C2.LARGE8"]))["InstanceTypeConfigSet"]
    assert one == [
        {
            "Zone": "ap-guangzhou-3",
            "InstanceType": "C2.LARGE8",
            "InstanceFamily": "C2",
            "GPU": 0,
            "CPU": 4,
            "Memory": 8,
            "FPGA": 0,
            "GpuCount": 0.0,
            "GpuType": "",
            "GpuMemory": 0.0,
        }
    ]
    assert v3.error("DescribeInstanceTypeConfigs", _filters(zone=["ap-guangzhou-3", "ap-guangzhou-4"])) == "InvalidFilterValue.LimitExceeded"
    assert v3.error("DescribeInstanceTypeConfigs", _filters(instance_charge_type=["POSTPAID_BY_HOUR"])) == "InvalidFilter"


def test_describe_images(v3):
    answer = v3.ok("DescribeImages", {"Limit": 100})
    assert answer["TotalCount"] == 8
    by_id = {image["ImageId"]: image for image in answer["ImageSet"]}
    assert by_id["img-win2016d"]["Platform"] == "Windows" and by_id["img-3wnd9xpl"]["Platform"] == "CentOS"
    assert by_id["img-31tjrtph"]["Platform"] == "Ubuntu" and by_id["img-3wnd9xpl"]["ImageState"] == "NORMAL"
    assert by_id["img-priv0001"]["ImageType"] == "PRIVATE_IMAGE" and by_id["img-shr00001"]["ImageType"] == "SHARED_IMAGE"
    assert by_id["img-3wnd9xpl"]["ImageType"] == "PUBLIC_IMAGE" and by_id["img-3wnd9xpl"]["OsName"] == "CentOS 7.2 64bit"
    picked = v3.ok("DescribeImages", {"ImageIds": ["img-win2016d", "img-00000000"]})
    assert [image["ImageId"] for image in picked["ImageSet"]] == ["img-win2016d"]
    public = v3.ok("DescribeImages", _filters(image_type=["PUBLIC_IMAGE"], platform=["cent"]))
    assert [image["ImageId"] for image in public["ImageSet"]] == ["img-3wnd9xpl"]
    assert v3.ok("DescribeImages", {"Limit": 3, "Offset": 6})["ImageSet"][0]["ImageId"] == "img-mkt00001"
    assert v3.error("DescribeImages", {"ImageIds": ["centos"]}) == "InvalidImageId.Malformed"
    assert (
        v3.error("DescribeImages", dict(_filters(image_type=["PUBLIC_IMAGE"]), ImageIds=["img-3wnd9xpl"]))
        == "InvalidParameter.InvalidParameterCoexistImageIdsFilters"
    )


def _legacy_quote(emu, params):
    answer = emu.client.call("InquiryInstancePriceHour", params)
    assert answer["code"] == 0, answer
    return answer["data"]


@pytest.mark.parametrize(
    "v3_params, legacy_params",
    [
        (
            {
                "InstanceType": "S1.SMALL2",
                "SystemDisk": {"DiskType": "LOCAL_BASIC", "DiskSize": 20},
                "InternetAccessible": {"InternetChargeType": "BANDWIDTH_POSTPAID_BY_HOUR", "InternetMaxBandwidthOut": 2},
            },
            {"cpu": "1", "mem": "2", "storageSize": "0", "bandwidth": "2"},
        ),
        (
            {
                "InstanceType": "C2.2XLARGE32",
                "InstanceCount": 3,
                "SystemDisk": {"DiskType": "CLOUD_SSD", "DiskSize": 50},
                "DataDisks": [{"DiskType": "CLOUD_SSD", "DiskSize": 200}],
                "InternetAccessible": {"InternetChargeType": "TRAFFIC_POSTPAID_BY_HOUR", "InternetMaxBandwidthOut": 10},
            },
            {
                "cpu": "8",
                "mem": "32",
                "instanceType": "CVM.C2",
                "storageType": "4",
                "storageSize": "200",
                "rootSize": "50",
                "goodsNum": "3",
                "bandwidthType": "PayByTraffic",
                "bandwidth": "10",
            },
        ),
    ],
)
def test_price_matches_legacy(v3, emu, v3_params, legacy_params):
    price = v3.ok("InquiryPriceRunInstances", dict(RUN_EXAMPLE, **v3_params))["Price"]
    quote = _legacy_quote(emu, dict({"imageId": "img-3wnd9xpl", "imageType": "2", "zoneId": "100003"}, **legacy_params))
    assert price["InstancePrice"]["UnitPrice"] == float(quote["cvm"]["price"]) and price["InstancePrice"]["ChargeUnit"] == "HOUR"
    assert price["BandwidthPrice"]["UnitPrice"] == float(quote["bandwidth"]["price"])
    assert price["BandwidthPrice"]["ChargeUnit"] == quote["bandwidth"]["price_unit"]
    assert price["InstancePrice"]["UnitPriceDiscount"] == price["InstancePrice"]["UnitPrice"]


def test_price_rules(v3, emu):
    one = v3.ok("InquiryPriceRunInstances", RUN_EXAMPLE)["Price"]
    five = v3.ok("InquiryPriceRunInstances", dict(RUN_EXAMPLE, InstanceCount=5))["Price"]
    assert five["InstancePrice"]["UnitPrice"] == pytest.approx(5 * one["InstancePrice"]["UnitPrice"], abs=0.03), "the whole InstanceCount"
    assert five["BandwidthPrice"]["UnitPrice"] == pytest.approx(5 * one["BandwidthPrice"]["UnitPrice"], abs=0.03)
    assert v3.error("InquiryPriceRunInstances", dict(RUN_EXAMPLE, InstanceCount=101)) == "InvalidParameterValue.Range"
    assert v3.error("InquiryPriceRunInstances", dict(RUN_EXAMPLE, InstanceType="S1.TINY1")) == "InvalidParameterValue.InstanceTypeNotFound"
    emu.control.post("config", {"balance": 0})
    assert v3.ok("InquiryPriceRunInstances", RUN_EXAMPLE), "prices ignore the balance"
    assert emu.control.instances() == []
