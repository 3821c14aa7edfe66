# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Sold out (api-notes/v3.md 10.4, 10.7 item 7): the stock control, both faces' answers."""

from emu_v3_client import RUN_EXAMPLE

LEGACY_S1_SMALL2 = {"imageId": "img-3wnd9xpl", "cpu": "1", "mem": "2", "storageSize": "0", "zoneId": "100003"}


def _filters(**named):
    return {"Filters": [{"Name": name.replace("_", "-"), "Values": values} for name, values in named.items()]}


def _rows(v3, **named):
    return v3.ok("DescribeZoneInstanceConfigInfos", _filters(**named))["InstanceTypeQuotaSet"]


def test_start_up_table(emu):
    rows = emu.control.get("stock")["stock"]
    assert {(row["zone"], row["instance_type"], row["charge_type"], row["status"]) for row in rows} == {
        ("ap-guangzhou-6", "S2.SMALL1", "POSTPAID_BY_HOUR", "SOLD_OUT"),
        ("ap-guangzhou-7", "M1.SMALL8", "POSTPAID_BY_HOUR", "SOLD_OUT"),
    }
    assert rows[0]["status_category"] == "WithoutStock" and rows[0]["reason"] == "sold out (emulator table)" and rows[0]["available"] is None
    zone = emu.control.get("stock?zone=ap-guangzhou-7&charge_type=SPOTPAID")["stock"]
    assert {row["charge_type"] for row in zone} == {"SPOTPAID"} and not any(row["instance_type"].startswith(("I1", "I2")) for row in zone)
    assert len(emu.control.get("stock?zone=ap-guangzhou-3")["stock"]) == 2 * 104


def test_sold_out_type(v3, emu):
    emu.control.post("config", {"create_delay": 0})
    changed = emu.control.post("stock", {"zone": "ap-guangzhou-3", "instance_type": "S1.SMALL2", "status": "SOLD_OUT", "reason": "maintenance"})["stock"]
    assert changed == [
        {
            "zone": "ap-guangzhou-3",
            "instance_type": "S1.SMALL2",
            "charge_type": "POSTPAID_BY_HOUR",
            "status": "SOLD_OUT",
            "status_category": "WithoutStock",
            "reason": "maintenance",
            "available": None,
        }
    ]
    assert v3.error("RunInstances", RUN_EXAMPLE) == "ResourcesSoldOut.SpecifiedInstanceType"
    assert v3.error("RunInstances", dict(RUN_EXAMPLE, DryRun=True)) == "ResourcesSoldOut.SpecifiedInstanceType"
    assert v3.error("InquiryPriceRunInstances", RUN_EXAMPLE) == "ResourcesSoldOut.SpecifiedInstanceType"
    (row,) = _rows(v3, zone=["ap-guangzhou-3"], instance_type=["S1.SMALL2"])
    assert (row["Status"], row["StatusCategory"], row["SoldOutReason"]) == ("SOLD_OUT", "WithoutStock", "maintenance")
    # Other zones, other types, and spot are unaffected.
    assert v3.run({"Placement": {"Zone": "ap-guangzhou-4"}}) and v3.run({"InstanceType": "S1.SMALL1"})
    assert v3.run({"InstanceChargeType": "SPOTPAID"})
    # The legacy face: 5200 PurchaseFailed naming the sale.
    answer = emu.client.call("RunInstancesHour", LEGACY_S1_SMALL2)
    assert answer["code"] == 5200 and answer["codeDesc"] == "OperationFail.PurchaseFailed"
    assert "sold out" in answer["message"] and "maintenance" in answer["message"] and "S1.SMALL2" in answer["message"]
    assert emu.client.call("InquiryInstancePriceHour", dict(LEGACY_S1_SMALL2, imageType="2"))["code"] == 0, "prices are still quoted"
    assert emu.client.call("RunInstancesHour", dict(LEGACY_S1_SMALL2, zoneId="100004"))["code"] == 0
    # Back on sale.
    emu.control.post("stock", {"zone": "ap-guangzhou-3", "instance_type": "S1.SMALL2", "status": "SELL"})
    assert v3.run() and emu.client.call("RunInstancesHour", LEGACY_S1_SMALL2)["code"] == 0
    assert _rows(v3, zone=["ap-guangzhou-3"], instance_type=["S1.SMALL2"])[0]["Status"] == "SELL"
    # The start-up table's sold-out types answer the legacy face too.
    legacy = emu.client.call("RunInstancesHour", dict(LEGACY_S1_SMALL2, instanceType="CVM.S2", mem="1", zoneId="100006"))
    assert legacy["code"] == 5200


def test_family_and_spot_stock(v3, emu):
    changed = emu.control.post("stock", {"zone": "ap-guangzhou-3", "family": "S1", "charge_type": "SPOTPAID", "status": "SOLD_OUT"})["stock"]
    assert len(changed) == 24 and {row["reason"] for row in changed} == {"sold out (emulator control)"}
    spot = dict(RUN_EXAMPLE, InstanceChargeType="SPOTPAID")
    assert v3.error("RunInstances", spot) == "InvalidParameterValue.InsufficientOffering"
    assert v3.error("RunInstances", dict(spot, DryRun=True)) == "InvalidParameterValue.InsufficientOffering"
    assert v3.error("InquiryPriceRunInstances", spot) == "ResourcesSoldOut.SpecifiedInstanceType"
    assert v3.run(), "pay-as-you-go still sells"
    assert v3.run(dict(spot, InstanceType="S2.SMALL2"))
    rows = _rows(v3, zone=["ap-guangzhou-3"], instance_family=["S1"], instance_charge_type=["SPOTPAID"])
    assert {row["Status"] for row in rows} == {"SOLD_OUT"} and {row["StatusCategory"] for row in rows} == {"WithoutStock"}
    assert {row["Status"] for row in _rows(v3, zone=["ap-guangzhou-3"], instance_family=["S1"])} == {"SELL"}
    assert len(emu.control.get("stock")["stock"]) == 2 + 24
    emu.control.post("reset")
    assert len(emu.control.get("stock")["stock"]) == 2, "reset restores the start-up table"
    assert v3.run(spot)


def test_counted_stock(v3, emu):
    emu.control.post("stock", {"zone": "ap-guangzhou-3", "instance_type": "S1.SMALL2", "status": "SELL", "available": 3})
    (row,) = _rows(v3, zone=["ap-guangzhou-3"], instance_type=["S1.SMALL2"])
    assert (row["Status"], row["StatusCategory"]) == ("SELL", "UnderStock")
    assert v3.error("RunInstances", dict(RUN_EXAMPLE, InstanceCount=4)) == "ResourceInsufficient.SpecifiedInstanceType"
    assert v3.error("RunInstances", dict(RUN_EXAMPLE, InstanceCount=4, DryRun=True)) == "ResourceInsufficient.SpecifiedInstanceType"
    assert v3.ok("InquiryPriceRunInstances", dict(RUN_EXAMPLE, InstanceCount=4))
    assert len(v3.run({"InstanceCount": 2})) == 2
    assert v3.ok("RunInstances", dict(RUN_EXAMPLE, DryRun=True)), "a dry run takes nothing"
    assert emu.control.get("stock")["stock"][-1]["available"] == 1
    answer = emu.client.call("RunInstancesHour", dict(LEGACY_S1_SMALL2, goodsNum="2"))
    assert answer["code"] == 5200 and "only 1 left" in answer["message"]
    assert emu.client.call("RunInstancesHour", LEGACY_S1_SMALL2)["code"] == 0, "the legacy face takes from the same count"
    (row,) = _rows(v3, zone=["ap-guangzhou-3"], instance_type=["S1.SMALL2"])
    assert (row["Status"], row["StatusCategory"], row["SoldOutReason"]) == ("SOLD_OUT", "WithoutStock", "no stock left (emulator count)")
    assert v3.error("RunInstances", RUN_EXAMPLE) == "ResourcesSoldOut.SpecifiedInstanceType"


def test_stock_control_errors(emu):
    good = {"zone": "ap-guangzhou-3", "instance_type": "S1.SMALL2", "status": "SOLD_OUT"}
    for change in (
        {"zone": "ap-guangzhou-9"},
        {"zone": "gz"},
        {"instance_type": "S1.SMALL3"},
        {"family": "S1"},
        {"charge_type": "PREPAID"},
        {"status": "UnderStock"},
        {"reason": 5},
        {"reason": "x" * 256},
        {"available": -1},
        {"available": True},
        {"colour": "red"},
    ):
        assert "error" in emu.control.post("stock", dict(good, **change), expect=400), change
    body = {"zone": "ap-guangzhou-7", "instance_type": "I1.MEDIUM4", "status": "SOLD_OUT"}
    assert "not sold there" in emu.control.post("stock", body, expect=400)["error"]
    assert "error" in emu.control.post("stock", {"zone": "ap-shanghai-fsi-1", "family": "S1", "charge_type": "SPOTPAID", "status": "SELL"}, expect=400)
    assert "error" in emu.control.post("stock", {"zone": "ap-guangzhou-3", "family": "Z9", "status": "SELL"}, expect=400)
    assert "error" in emu.control.get("stock?zone=nowhere", expect=400)
    assert "error" in emu.control.get("stock?zone=ap-guangzhou-3&charge_type=PREPAID", expect=400)
