# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Spot instances (api-notes/v3.md 10.3, 10.7 items 5-6): create, quote, catalogue, quota, reclaim."""

import time

import pytest

from cvm_emulator.config import Settings
from cvm_emulator.server import RunningEmulator
from emu_client import Control
from emu_v3_client import RUN_EXAMPLE, V3Client

SPOT = {"InstanceChargeType": "SPOTPAID"}


def _market(max_price="0.05", **spot_options):
    return {"InstanceMarketOptions": {"MarketType": "spot", "SpotOptions": dict({"MaxPrice": max_price, "SpotInstanceType": "one-time"}, **spot_options)}}


def _filters(**named):
    return {"Filters": [{"Name": name.replace("_", "-"), "Values": values} for name, values in named.items()]}


def _record(emu, instance_id):
    return next(item for item in emu.control.instances() if item["unInstanceId"] == instance_id)


@pytest.fixture
def fast(emu):
    emu.control.post("config", {"create_delay": 0, "power_delay": 0, "return_delay": 0, "reclaim_delay": 2})
    return emu


def test_spot_create_and_views(v3, fast):
    (bid,) = v3.run(dict(SPOT, **_market("0.05")))
    (default,) = v3.run(dict(SPOT, InstanceMarketOptions={"SpotOptions": {"MaxPrice": "0.04"}}))
    (plain,) = v3.run(SPOT)
    inst = v3.instance(bid)
    assert inst["InstanceChargeType"] == "SPOTPAID" and inst["InstanceState"] == "RUNNING"
    assert {v3.instance(i)["InstanceChargeType"] for i in (default, plain)} == {"SPOTPAID"}
    spot_ids = {i["InstanceId"] for i in v3.instances({"Filters": [{"Name": "instance-charge-type", "Values": ["SPOTPAID"]}]})}
    assert spot_ids == {bid, default, plain}
    (hourly,) = v3.run()
    assert [i["InstanceId"] for i in v3.instances({"Filters": [{"Name": "instance-charge-type", "Values": ["POSTPAID_BY_HOUR"]}]})] == [hourly]
    # The legacy face has no spot code: hourly (cvmPayMode 2), like a pay-by-hour instance.
    record = fast.client.call("DescribeInstances", {"instanceIds.0": bid})["instanceSet"][0]
    assert record["cvmPayMode"] == 2 and _record(fast, bid)["instanceChargeType"] == "SPOTPAID"
    # Bandwidth changes are allowed on both faces; STOP_CHARGING is refused (even with cloud disks).
    assert fast.client.call("UpdateInstanceBandwidthHour", {"instanceId": bid, "bandwidth": "2"})["code"] == 0
    assert v3.ok("ResetInstancesInternetMaxBandwidth", {"InstanceIds": [bid], "InternetAccessible": {"InternetMaxBandwidthOut": 3}})
    (cloud,) = v3.run(dict(SPOT, SystemDisk={"DiskType": "CLOUD_PREMIUM", "DiskSize": 50}))
    assert v3.error("StopInstances", {"InstanceIds": [cloud], "StoppedMode": "STOP_CHARGING"}) == "UnsupportedOperation.StoppedModeStopCharging"
    fast.control.post("config", {"stop_charging_mode": "lenient"})
    assert v3.error("StopInstances", {"InstanceIds": [cloud], "StoppedMode": "STOP_CHARGING"}) == "UnsupportedOperation.StoppedModeStopCharging"
    assert v3.ok("StopInstances", {"InstanceIds": [cloud]}) and v3.instance(cloud)["StopChargingMode"] == "KEEP_CHARGING"


@pytest.mark.parametrize(
    "params,code",
    [
        (dict(SPOT, **_market("0.03")), "InvalidParameterValue.InsufficientPrice"),
        (dict(SPOT, **_market("0")), "InvalidParameterValue.InsufficientPrice"),
        (dict(SPOT, **_market("cheap")), "InvalidParameterValue"),
        (dict(SPOT, **_market("-1")), "InvalidParameterValue"),
        (dict(SPOT, **_market("1e3")), "InvalidParameterValue"),
        (dict(SPOT, **_market(SpotInstanceType="ONE-TIME")), "InvalidParameterValue"),
        (dict(SPOT, **_market(SpotInstanceType="persistent")), "InvalidParameterValue"),
        (dict(SPOT, InstanceMarketOptions={"MarketType": "SPOT", "SpotOptions": {"MaxPrice": "1"}}), "InvalidParameterValue"),
        (dict(SPOT, InstanceMarketOptions={"MarketType": "spot"}), "MissingParameter"),
        (dict(SPOT, InstanceMarketOptions={"SpotOptions": {"SpotInstanceType": "one-time"}}), "MissingParameter"),
        (dict(SPOT, InstanceMarketOptions={"SpotOptions": {"MaxPrice": 0.5}}), "InvalidParameter"),
        (dict(SPOT, InstanceMarketOptions={"SpotOptions": {"MaxPrice": "1", "Colour": "red"}}), "UnknownParameter"),
        (_market("1"), "InvalidParameterCombination"),
        ({"InstanceChargeType": "PREPAID"}, "UnsupportedOperation.InstanceChargeType"),
        ({"InstanceChargeType": "spot"}, "InvalidParameterValue"),
        (dict(SPOT, InstanceType="S2.MEDIUM4", **_market("0.07")), "InvalidParameterValue.InsufficientPrice"),
    ],
)
def test_spot_errors(v3, params, code):
    assert v3.error("RunInstances", dict(RUN_EXAMPLE, **params)) == code
    assert v3.error("RunInstances", dict(RUN_EXAMPLE, DryRun=True, **params)) == code
    assert v3.instances() == []


def test_spot_region_and_quota(v3, fast):
    fsi = {"Placement": {"Zone": "ap-shanghai-fsi-1"}, "ImageId": "img-3wnd9xpl", "InstanceChargeType": "SPOTPAID"}
    assert v3.error("RunInstances", fsi, region="ap-shanghai-fsi") == "UnsupportedOperation.SpotUnsupportedRegion"
    assert v3.error("InquiryPriceRunInstances", fsi, region="ap-shanghai-fsi") == "UnsupportedOperation.SpotUnsupportedRegion"
    assert v3.ok("RunInstances", dict(fsi, InstanceChargeType="POSTPAID_BY_HOUR"), region="ap-shanghai-fsi")
    # 50 vCPU of live spot instances per zone.
    big = dict(SPOT, InstanceType="S1.4XLARGE16")  # 16 vCPU
    ids = v3.run(dict(big, InstanceCount=3))
    assert v3.error("RunInstances", dict(RUN_EXAMPLE, DryRun=True, **dict(big, InstanceType="S1.LARGE8"))) == "LimitExceeded.UserSpotQuota"
    assert v3.run(dict(SPOT, InstanceType="S1.MEDIUM4"))  # 48 + 2 = 50
    assert v3.error("RunInstances", dict(RUN_EXAMPLE, **SPOT)) == "LimitExceeded.UserSpotQuota"
    assert v3.run(dict(SPOT, Placement={"Zone": "ap-guangzhou-4"})), "per zone"
    assert v3.run(), "pay-as-you-go does not count"
    v3.ok("TerminateInstances", {"InstanceIds": ids[:1]})
    assert v3.run(dict(SPOT, InstanceType="S1.4XLARGE16"))


def test_spot_quote_and_catalogue(v3):
    hourly = v3.ok("InquiryPriceRunInstances", dict(RUN_EXAMPLE, InstanceCount=2))["Price"]["InstancePrice"]
    quote = v3.ok("InquiryPriceRunInstances", dict(RUN_EXAMPLE, InstanceCount=2, **SPOT))["Price"]["InstancePrice"]
    # S1.SMALL2 0.20/h, spot 20 % = 0.04; a LOCAL_BASIC 50 GB system disk: 30 GB above the free 20 at 0.004/10 GB = 0.012;
    # two instances 0.424 -> 0.42 listed, 0.104 -> 0.10 spot (rounded half up to the cent).
    assert quote["UnitPrice"] == hourly["UnitPrice"] == 0.42
    assert quote["UnitPriceDiscount"] == 0.1 and quote["ChargeUnit"] == "HOUR"
    assert quote["Discount"] == pytest.approx(round(100 * quote["UnitPriceDiscount"] / quote["UnitPrice"], 1))
    assert v3.ok("InquiryPriceRunInstances", dict(RUN_EXAMPLE, **SPOT, **_market("9.99")))["Price"]["InstancePrice"]["UnitPriceDiscount"] == 0.05, (
        "billed at the spot price, not at the bid"
    )
    assert v3.error("InquiryPriceRunInstances", dict(RUN_EXAMPLE, **SPOT, **_market("0.01"))) == "InvalidParameterValue.InsufficientPrice"
    rows = v3.ok("DescribeZoneInstanceConfigInfos", _filters(zone=["ap-guangzhou-3"], instance_charge_type=["SPOTPAID"]))["InstanceTypeQuotaSet"]
    plain = v3.ok("DescribeZoneInstanceConfigInfos", _filters(zone=["ap-guangzhou-3"]))["InstanceTypeQuotaSet"]
    assert [row["InstanceType"] for row in rows] == [row["InstanceType"] for row in plain], "the same types"
    assert {row["InstanceChargeType"] for row in rows} == {"SPOTPAID"} and {row["InstanceChargeType"] for row in plain} == {"POSTPAID_BY_HOUR"}
    small = next(row for row in rows if row["InstanceType"] == "S1.SMALL2")
    assert small["Price"] == {"UnitPrice": 0.2, "UnitPriceDiscount": 0.04, "ChargeUnit": "HOUR", "Discount": 20.0}
    assert small["Status"] == "SELL" and small["StatusCategory"] == "EnoughStock"
    both = v3.ok("DescribeZoneInstanceConfigInfos", _filters(zone=["ap-guangzhou-3"], instance_charge_type=["SPOTPAID", "POSTPAID_BY_HOUR", "PREPAID"]))
    assert len(both["InstanceTypeQuotaSet"]) == 2 * len(rows)
    # ap-guangzhou-6's POSTPAID sold-out S2.SMALL1 is on sale as spot.
    gz6 = v3.ok("DescribeZoneInstanceConfigInfos", _filters(zone=["ap-guangzhou-6"], instance_type=["S2.SMALL1"], instance_charge_type=["SPOTPAID"]))
    assert [row["Status"] for row in gz6["InstanceTypeQuotaSet"]] == ["SELL"]
    fsi = v3.ok("DescribeZoneInstanceConfigInfos", _filters(instance_charge_type=["SPOTPAID"]), region="ap-shenzhen-fsi")
    assert fsi["InstanceTypeQuotaSet"] == [], "no spot in the financial regions"


def test_spot_balance_at_the_spot_price(v3, emu):
    emu.control.post("config", {"balance": "0.10"})
    assert v3.error("RunInstances", dict(RUN_EXAMPLE, InternetAccessible={"InternetMaxBandwidthOut": 0})) == "InvalidAccount.InsufficientBalance"
    assert v3.run(dict(SPOT, InternetAccessible={"InternetMaxBandwidthOut": 0}))


def test_reclaim(v3, fast):
    (spot_id,) = v3.run(dict(SPOT, DisableApiTermination=True))
    (hourly,) = v3.run()
    answer = fast.control.post("reclaim", {"instance_id": spot_id})
    assert answer["reclaimed"]["instance_id"] == spot_id and answer["reclaimed"]["seconds"] == 2.0 and answer["instance"]["status"] == 6
    # TERMINATING like a termination nobody of ours asked for, despite the protection.
    inst = v3.instance(spot_id)
    assert inst["InstanceState"] == "TERMINATING" and inst["InstanceChargeType"] == "SPOTPAID" and inst["DisableApiTermination"] is True
    assert (inst["LatestOperation"], inst["LatestOperationState"], inst["LatestOperationRequestId"]) == ("TerminateInstances", "OPERATING", None)
    assert fast.client.call("DescribeInstances", {"instanceIds.0": spot_id})["instanceSet"][0]["status"] == 6
    assert _record(fast, spot_id)["terminationCause"] == "reclaim"
    assert "error" in fast.control.post("reclaim", {"instance_id": spot_id}, expect=400)
    fast.control.post("clock", {"advance": 2})
    assert v3.instance(spot_id) is None and v3.ok("DescribeInstancesStatus", {"InstanceIds": [spot_id]})["TotalCount"] == 0
    assert fast.client.call("DescribeInstances", {"instanceIds.0": spot_id})["instanceSet"][0]["status"] == 5
    assert v3.error("StartInstances", {"InstanceIds": [spot_id]}) == "UnsupportedOperation.InstanceStateTerminated"
    fast.control.post("clock", {"advance": 60})
    assert fast.client.call("DescribeInstances", {"instanceIds.0": spot_id})["instanceSet"] == [], "then forgotten"
    # Refusals.
    assert "not a spot instance" in fast.control.post("reclaim", {"instance_id": hourly}, expect=400)["error"]
    assert fast.control.post("reclaim", {"instance_id": "ins-nothere1"}, expect=404)["error"]
    for body in ({}, {"instance_id": 5}, {"instance_id": spot_id, "seconds": -1}, {"instance_id": spot_id, "later": True}, [1]):
        assert fast.control.post("reclaim", body, expect=400)["error"]


def test_reclaim_by_legacy_id_with_seconds_drops_timers(v3, fast):
    (spot_id,) = v3.run(SPOT)
    now = fast.control.get("clock")["clock"]["now"]
    v3.ok(
        "ImportInstancesActionTimer",
        {"InstanceIds": [spot_id], "ActionTimer": {"ActionTime": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(now + 3600))}},
    )
    legacy_id = _record(fast, spot_id)["instanceId"]
    assert fast.control.post("reclaim", {"instance_id": legacy_id, "seconds": 0})["reclaimed"]["instance_id"] == spot_id
    assert v3.instance(spot_id) is None
    assert v3.ok("DescribeInstancesActionTimer", {})["ActionTimers"] == [], "its timers go with it"
    fast.control.post("faults", {"action": "RunInstances", "kind": "create_fails"})
    (failed,) = v3.run(SPOT)
    assert "nothing to reclaim" in fast.control.post("reclaim", {"instance_id": failed}, expect=400)["error"]


def test_spot_and_released_address_survive_a_restart_stock_does_not(tmp_path):
    path = str(tmp_path / "state.sqlite")
    cloud = {"SystemDisk": {"DiskType": "CLOUD_BASIC", "DiskSize": 50}}
    with RunningEmulator(Settings(state_file=path, create_delay=0, power_delay=0)) as first:
        client, control = V3Client(first.url), Control(first.url)
        (spot_id,) = client.run(dict(SPOT, **_market("0.05")))
        (stopped,) = client.run(cloud)
        client.ok("StopInstances", {"InstanceIds": [stopped], "StoppedMode": "STOP_CHARGING"})
        control.post("stock", {"zone": "ap-guangzhou-3", "instance_type": "S1.SMALL2", "status": "SOLD_OUT"})
        assert client.error("RunInstances", RUN_EXAMPLE) == "ResourcesSoldOut.SpecifiedInstanceType"
    with RunningEmulator(Settings(state_file=path, power_delay=0, reclaim_delay=0)) as second:
        client, control = V3Client(second.url), Control(second.url)
        assert client.instance(spot_id)["InstanceChargeType"] == "SPOTPAID"
        inst = client.instance(stopped)
        assert inst["StopChargingMode"] == "STOP_CHARGING" and inst["PublicIpAddresses"] is None
        client.ok("StartInstances", {"InstanceIds": [stopped]})
        assert client.instance(stopped)["PublicIpAddresses"], "the release was remembered: a new address at start"
        assert control.get("stock")["stock"] == [row for row in control.get("stock")["stock"] if row["instance_type"] != "S1.SMALL2"]
        assert client.run(), "the stock table is runtime state: back to the start-up table"
        control.post("reclaim", {"instance_id": spot_id})
        assert client.instance(spot_id) is None
