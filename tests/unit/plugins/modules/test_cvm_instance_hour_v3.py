# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""cvm_instance_hour on API 3.0 (_cvm/task.py through the module) against an in-memory 3.0 API: the money guardrails.

Fallback zones, termination protection, stop charging, expiry timers, spot, user data, and what the task reports
when something fails on the way (api-notes/v3.md 10).
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import time

import pytest
import requests

from ansible_collections.qcloud.cvm.plugins.modules import cvm_instance_hour, cvm_instance_info
from ansible_collections.qcloud.cvm.tests.unit.fakes.v3_api import error, iso, make_instance
from ansible_collections.qcloud.cvm.tests.unit.plugins.modules.module_run import V3_ENDPOINT, fake_v3_api, run_module, warnings

TASK = {
    "zone_id": 100003,
    "cpu": 1,
    "mem": 2,
    "image_id": "img-3wnd9xpl",
    "instance_name": "web",
    "secret_id": "AKIDTEST",
    "secret_key": "key",
    "region": "ap-guangzhou",
    "endpoint": V3_ENDPOINT,
    "api": "v3",
    "wait_timeout": 5,
}
# What the task's defaults create (storage_type 1, bandwidth 0 billed PayByHour, the basic network).
OF_THE_TASK = {
    "SystemDisk": {"DiskType": "LOCAL_BASIC", "DiskId": "disk-s1", "DiskSize": 20},
    "InternetAccessible": {"InternetChargeType": "BANDWIDTH_POSTPAID_BY_HOUR", "InternetMaxBandwidthOut": 0, "PublicIpAssigned": False},
    "PublicIpAddresses": None,
    "VirtualPrivateCloud": {"VpcId": "", "SubnetId": "", "AsVpcGateway": False, "PrivateIpAddresses": None},
}
# storage_type 2: the instances' disks are all cloud disks, so they can stop charging (10.2.1).
CLOUD_DISK = {"DiskType": "CLOUD_BASIC", "DiskId": "disk-c1", "DiskSize": 20}


@pytest.fixture
def api(monkeypatch):
    fake = fake_v3_api(monkeypatch, cvm_instance_hour)
    numbers = itertools.count(1)

    def add(zone="ap-guangzhou-3", name="web", age=3600, **fields):
        """An instance of the task's configuration (or as ``fields`` change it), created ``age`` seconds ago."""
        number = next(numbers)
        # A copy: a change the fake makes to one record (its bandwidth, say) must not leak into the next test's.
        record = make_instance(number, zone=zone, name=name, CreatedTime=iso(time.time() - age), **copy.deepcopy(dict(OF_THE_TASK, **fields)))
        fake.add(record)
        return record["InstanceId"]

    fake.add_instance = add
    return fake


def run(capsys, check_mode=False, diff=False, **args):
    return run_module(cvm_instance_hour, capsys, dict(TASK, **args), check_mode=check_mode, diff=diff)


def creates(api, dry_run=False):
    return [params for params in api.params_of("RunInstances") if bool(params.get("DryRun")) is dry_run]


def sold_out_in_the_catalog(api, zone, charge="POSTPAID_BY_HOUR"):
    api.offers = [dict(item, Status="SOLD_OUT") if (item["Zone"], item["InstanceChargeType"]) == (zone, charge) else item for item in api.offers]


def shown(result):
    """The result as it is shown, without the module's own echo of its arguments (``invocation``)."""
    return json.dumps({key: value for key, value in result.items() if key != "invocation"})


def seconds(text):
    return time.mktime(time.strptime(text, "%Y-%m-%dT%H:%M:%SZ")) - time.timezone


# -- a plain create on API 3.0 ------------------------------------------------------------------------


def test_a_create_reports_the_new_instance_in_the_instance_shape(api, capsys):
    result = run(capsys)
    assert result["changed"] is True and len(result["created_instance_ids"]) == 1
    (instance,) = result["instances"]
    assert (instance["status"], instance["zone"], instance["instance_charge_type"]) == ("running", "ap-guangzhou-3", "POSTPAID_BY_HOUR")
    assert (instance["expire_time"], instance["stop_charging_mode"], instance["termination_protection"]) == (None, None, False)
    assert result["create_zone_id"] == 100003
    (params,) = creates(api)
    assert not {"InstanceMarketOptions", "ActionTimer", "UserData", "DisableApiTermination"} & set(params)
    assert run(capsys)["changed"] is False


# -- fallback zones --------------------------------------------------------------------------------------


def test_a_zone_sold_out_at_type_resolution_falls_back_to_the_next_zone(api, capsys):
    sold_out_in_the_catalog(api, "ap-guangzhou-3")
    result = run(capsys, fallback_zones=[100004, 100006])
    assert result["changed"] is True and result["create_zone_id"] == 100004
    (params,) = creates(api)
    assert params["Placement"]["Zone"] == "ap-guangzhou-4"
    assert result["instances"][0]["zone_id"] == 100004
    assert any(w.startswith("zone 100003: ") and "sold out" in w and "trying the next fallback zone" in w for w in warnings(result))


def test_a_zone_sold_out_in_the_create_s_answer_falls_back_to_the_next_zone(api, capsys):
    # The catalog says SELL; the create's answer says otherwise (10.4.1: stock is only sure at the create).
    api.sold_out_zones.add("ap-guangzhou-3")
    result = run(capsys, fallback_zones=[100004])
    first, second = api.params_of("RunInstances")
    assert (first["Placement"]["Zone"], second["Placement"]["Zone"]) == ("ap-guangzhou-3", "ap-guangzhou-4")
    # Another zone is another create: another token (the zone is part of the spec it hashes).
    assert first["ClientToken"] != second["ClientToken"] == result["client_token"]
    assert result["create_zone_id"] == 100004 and len(result["created_instance_ids"]) == 1
    assert any("ResourceInsufficient.AvailabilityZoneSoldOut" in w and "trying the next fallback zone" in w for w in warnings(result))


def test_every_zone_sold_out_fails_with_the_last_zone_s_answer_and_buys_nothing(api, capsys):
    api.sold_out_zones.update(("ap-guangzhou-3", "ap-guangzhou-4"))
    sold_out_in_the_catalog(api, "ap-guangzhou-6")
    result = run(capsys, fallback_zones=[100004, 100006])
    assert result["failed"] is True and result["changed"] is False
    assert result["msg"].startswith("instance_type CVM.S1 with cpu 1 and mem 2 (S1.SMALL2) is sold out in zone ap-guangzhou-6")
    assert [params["Placement"]["Zone"] for params in creates(api)] == ["ap-guangzhou-3", "ap-guangzhou-4"]
    assert api.records.get("ap-guangzhou", []) == [] and result["created_instance_ids"] == []
    assert len([w for w in warnings(result) if "trying the next fallback zone" in w]) == 2


def test_the_last_zone_s_stock_answer_is_the_structured_api_error(api, capsys):
    api.sold_out_zones.update(("ap-guangzhou-3", "ap-guangzhou-4"))
    result = run(capsys, fallback_zones=[100004])
    assert result["failed"] is True and "zone ap-guangzhou-4 cannot sell this now" in result["msg"]
    assert result["api_error"]["code"] == "ResourceInsufficient.AvailabilityZoneSoldOut" and result["api_error"]["action"] == "RunInstances"


def test_a_refusal_that_is_not_about_stock_does_not_fall_back(api, capsys):
    api.errors["RunInstances"] = error("InvalidAccount.InsufficientBalance", "balance too low")
    result = run(capsys, fallback_zones=[100004])
    assert result["failed"] is True and result["api_error"]["code"] == "InvalidAccount.InsufficientBalance"
    assert [params["Placement"]["Zone"] for params in creates(api)] == ["ap-guangzhou-3"]


def test_the_identity_covers_every_zone_so_nothing_is_bought_twice(api, capsys):
    elsewhere = api.add_instance(zone="ap-guangzhou-4")
    api.add_instance(zone="ap-guangzhou-6")
    result = run(capsys, fallback_zones=[100004])
    assert result["changed"] is False and result["instance_ids"] == [elsewhere] and creates(api) == []
    # One look-up for both zones (a filter takes 5 values, 3.2).
    assert api.params_of("DescribeInstances")[0]["Filters"] == [
        {"Name": "zone", "Values": ["ap-guangzhou-3", "ap-guangzhou-4"]},
        {"Name": "instance-name", "Values": ["web"]},
    ]
    assert run(capsys, fallback_zones=[100004], goods_num=2)["create_zone_id"] == 100003


def test_check_mode_names_the_zone_after_a_dry_run_per_zone(api, capsys):
    api.sold_out_zones.add("ap-guangzhou-3")
    result = run(capsys, check_mode=True, fallback_zones=[100004, 100006])
    assert result["changed"] is True and result["create_zone_id"] == 100004
    dry_runs = creates(api, dry_run=True)
    assert [params["Placement"]["Zone"] for params in dry_runs] == ["ap-guangzhou-3", "ap-guangzhou-4"] and creates(api) == []
    # The quote is the chosen zone's.
    (quote,) = api.params_of("InquiryPriceRunInstances")
    assert quote["Placement"]["Zone"] == "ap-guangzhou-4" and result["price"]["goods_num"] == 1
    assert any("zone 100003: " in w and "a create would try the next fallback zone" in w for w in warnings(result))
    assert api.records.get("ap-guangzhou", []) == [] and [c.read_only for c in api.connections] == [True]
    # The token check mode reports is the one the create then sends, in the zone it names.
    real = run(capsys, fallback_zones=[100004, 100006])
    assert real["create_zone_id"] == 100004 and real["client_token"] == result["client_token"]
    assert creates(api)[-1]["ClientToken"] == result["client_token"] == dry_runs[1]["ClientToken"]


def test_check_mode_with_every_zone_refused_fails_as_the_create_would(api, capsys):
    api.sold_out_zones.update(("ap-guangzhou-3", "ap-guangzhou-4"))
    result = run(capsys, check_mode=True, fallback_zones=[100004])
    assert result["failed"] is True and "zone ap-guangzhou-4 cannot sell this now" in result["msg"]
    assert len(creates(api, dry_run=True)) == 2 and creates(api) == []


def test_a_price_limit_does_not_stop_the_fallback(api, capsys):
    sold_out_in_the_catalog(api, "ap-guangzhou-3")
    result = run(capsys, fallback_zones=[100004], max_hourly_price=10.0)
    assert result.get("failed") is not True, result["msg"]
    assert result["create_zone_id"] == 100004 and result["price"]["hourly_price"] <= 10.0


# -- check mode ------------------------------------------------------------------------------------------


def test_check_mode_reports_the_derived_client_token_the_create_sends(api, capsys):
    api.add_instance()
    preview = run(capsys, check_mode=True, goods_num=3)
    assert re.fullmatch(r"ansible-[0-9a-f]{56}", preview["client_token"]) and preview["created_instance_ids"] == []
    (dry_run,) = creates(api, dry_run=True)
    assert dry_run["ClientToken"] == preview["client_token"] and dry_run["InstanceCount"] == 2
    real = run(capsys, goods_num=3)
    assert real["client_token"] == preview["client_token"] == creates(api)[0]["ClientToken"]


def test_check_mode_reports_a_user_token_as_given(api, capsys):
    assert run(capsys, check_mode=True, client_token="my-token-1")["client_token"] == "my-token-1"


def test_check_mode_with_nothing_to_buy_reports_no_token(api, capsys):
    api.add_instance()
    result = run(capsys, check_mode=True)
    assert result["changed"] is False and result["client_token"] is None and "create_zone_id" not in result


# -- termination protection ----------------------------------------------------------------------------


def test_a_create_with_protection_is_protected(api, capsys):
    result = run(capsys, termination_protection=True)
    assert creates(api)[0]["DisableApiTermination"] is True
    assert result["instances"][0]["termination_protection"] is True
    assert run(capsys, termination_protection=True)["changed"] is False


def test_protection_converges_in_place(api, capsys):
    unprotected, protected = api.add_instance(), api.add_instance(DisableApiTermination=True)
    result = run(capsys, goods_num=2, termination_protection=True)
    assert result["changed"] is True and creates(api) == []
    assert result["changes"] == [{"instance_id": unprotected, "attribute": "termination_protection", "before": False, "after": True, "result": "changed"}]
    assert api.params_of("ModifyInstancesAttribute") == [{"DisableApiTermination": True, "InstanceIds": [unprotected]}]
    assert {i["instance_id"]: i["termination_protection"] for i in result["instances"]} == {unprotected: True, protected: True}


def test_absent_refuses_protected_instances_before_giving_anything_back(api, capsys):
    plain, protected = api.add_instance(), api.add_instance(DisableApiTermination=True)
    result = run(capsys, state="absent")
    assert result["failed"] is True and result["changed"] is False
    assert result["msg"].startswith("instance(s) {0} have termination protection".format(protected))
    assert "nothing was given back" in result["msg"] and "termination_protection: false" in result["msg"] and plain not in result["msg"]
    assert "TerminateInstances" not in api.actions() and "ModifyInstancesAttribute" not in api.actions()
    assert result["returned_instance_ids"] == [] and len(api.records["ap-guangzhou"]) == 2


@pytest.mark.parametrize("check_mode", [False, True])
def test_absent_with_protection_true_refuses_as_well(api, capsys, check_mode):
    api.add_instance(DisableApiTermination=True)
    result = run(capsys, state="absent", termination_protection=True, check_mode=check_mode)
    assert result["failed"] is True and "have termination protection" in result["msg"]
    assert "TerminateInstances" not in api.actions()


def test_absent_with_protection_false_turns_it_off_then_gives_back(api, capsys):
    plain, protected = api.add_instance(), api.add_instance(DisableApiTermination=True)
    result = run(capsys, state="absent", termination_protection=False)
    assert result["changed"] is True and result["instance_ids"] == []
    assert sorted(result["returned_instance_ids"]) == sorted([plain, protected])
    assert result["changes"] == [{"instance_id": protected, "attribute": "termination_protection", "before": True, "after": False, "result": "changed"}]
    actions = api.actions()
    assert actions.index("ModifyInstancesAttribute") < actions.index("TerminateInstances")
    assert api.params_of("ModifyInstancesAttribute") == [{"DisableApiTermination": False, "InstanceIds": [protected]}]
    assert api.records["ap-guangzhou"] == []


def test_absent_with_protection_false_in_check_mode_plans_both(api, capsys):
    protected = api.add_instance(DisableApiTermination=True)
    result = run(capsys, state="absent", termination_protection=False, check_mode=True)
    assert result["changed"] is True and result["returned_instance_ids"] == [protected]
    assert result["changes"] == [{"instance_id": protected, "attribute": "termination_protection", "before": True, "after": False, "result": "planned"}]
    assert not {"ModifyInstancesAttribute", "TerminateInstances"} & set(api.actions())
    assert api.record(protected)["DisableApiTermination"] is True


# -- stop charging -----------------------------------------------------------------------------------------


def test_stop_charging_is_passed_on_stop(api, capsys):
    running = api.add_instance(SystemDisk=CLOUD_DISK)
    result = run(capsys, state="stopped", stopped_mode="stop_charging", storage_type=2)
    assert result["changed"] is True
    assert api.params_of("StopInstances") == [{"InstanceIds": [running], "StopType": "SOFT", "StoppedMode": "STOP_CHARGING"}]
    assert result["changes"] == [{"instance_id": running, "attribute": "status", "before": "running", "after": "stopped", "result": "changed"}]
    (instance,) = result["instances"]
    assert (instance["status"], instance["stop_charging_mode"]) == ("stopped", "stop_charging")


def test_new_instances_of_a_stopped_task_stop_charging_too(api, capsys):
    result = run(capsys, state="stopped", stopped_mode="stop_charging", storage_type=2)
    (stop,) = api.params_of("StopInstances")
    assert stop["InstanceIds"] == result["created_instance_ids"] and stop["StoppedMode"] == "STOP_CHARGING"
    assert result["instances"][0]["stop_charging_mode"] == "stop_charging"


def test_a_plain_stop_keeps_charging(api, capsys):
    api.add_instance()
    result = run(capsys, state="stopped")
    assert api.params_of("StopInstances")[0]["StoppedMode"] == "KEEP_CHARGING"
    assert result["instances"][0]["stop_charging_mode"] == "keep_charging"


def test_an_instance_that_cannot_stop_charging_fails_the_task_naming_it(api, capsys):
    local = api.add_instance()
    result = run(capsys, state="stopped", stopped_mode="stop_charging")
    assert result["failed"] is True and local in result["msg"] and "UnsupportedOperation.StoppedModeStopCharging" in result["msg"]
    assert result["changes"][0]["result"] == "failed" and api.record(local)["InstanceState"] == "RUNNING"


def test_stop_charging_outside_state_stopped_is_refused_before_any_request(api, capsys):
    result = run(capsys, stopped_mode="stop_charging")
    assert result["failed"] is True and "option 'stopped_mode' applies to state: stopped, not state: present" in result["msg"]
    assert api.calls == []


# -- expiry --------------------------------------------------------------------------------------------


def test_a_create_with_expire_after_sets_the_timer_at_create(api, capsys):
    before = time.time()
    result = run(capsys, expire_after="8h")
    (params,) = creates(api)
    moment = seconds(params["ActionTimer"]["ActionTime"])
    assert params["ActionTimer"]["TimerAction"] == "TerminateInstances" and before + 8 * 3600 - 1 <= moment <= time.time() + 8 * 3600
    (instance_id,) = result["created_instance_ids"]
    assert [t["ActionTime"] for t in api.timers_of(instance_id)] == [params["ActionTimer"]["ActionTime"]]
    assert "ImportInstancesActionTimer" not in api.actions()
    # The timer set at create is the task's: a re-run changes nothing.
    again = run(capsys, expire_after="8h")
    assert again["changed"] is False and again["changes"] == [] and again["instances"][0]["expire_time"] == params["ActionTimer"]["ActionTime"]


def test_a_create_with_expire_after_reports_the_expiry(api, capsys):
    result = run(capsys, expire_after="8h")
    assert result["instances"][0]["expire_time"] == creates(api)[0]["ActionTimer"]["ActionTime"]


def test_a_create_with_expire_after_reports_the_expiry_without_waiting(api, capsys):
    result = run(capsys, expire_after="8h", wait=False)
    assert result["instances"][0]["expire_time"] == creates(api)[0]["ActionTimer"]["ActionTime"]


def test_a_stop_keeps_reporting_the_expiry(api, capsys):
    timed = api.add_instance()
    api.add_timer(timed, "2099-12-24T18:00:00Z")
    result = run(capsys, state="stopped")
    assert result["instances"][0]["expire_time"] == "2099-12-24T18:00:00Z"


def test_a_bandwidth_change_keeps_the_expiry_read_at_the_look_up(api, capsys):
    # A bandwidth change cannot move a timer, so the timers are read once, at the look-up.
    timed = api.add_instance()
    api.add_timer(timed, "2099-12-24T18:00:00Z")
    result = run(capsys, bandwidth=5)
    assert [(c["attribute"], c["after"], c["result"]) for c in result["changes"]] == [("bandwidth", 5, "changed")]
    assert result["instances"][0]["bandwidth"] == 5 and result["instances"][0]["expire_time"] == "2099-12-24T18:00:00Z"
    assert api.actions().count("DescribeInstances") == 2 and api.actions().count("DescribeInstancesActionTimer") == 1


def test_expire_at_converges_in_place_on_existing_instances(api, capsys):
    untimed, timed, right = api.add_instance(), api.add_instance(), api.add_instance()
    old = api.add_timer(timed, "2099-01-01T00:00:00Z")
    api.add_timer(right, "2099-12-24T18:03:00Z")
    result = run(capsys, goods_num=3, expire_at="2099-12-25T02:00:00+08:00")
    assert result["changed"] is True and creates(api) == []
    assert sorted((c["instance_id"], c["attribute"], c["before"], c["after"], c["result"]) for c in result["changes"]) == sorted(
        [
            (untimed, "expire_time", None, "2099-12-24T18:00:00Z", "changed"),
            (timed, "expire_time", "2099-01-01T00:00:00Z", "2099-12-24T18:00:00Z", "changed"),
        ]
    )
    # No timer can be modified: the old one is deleted, a new one imported (10.1.1); the one within 5 minutes is left alone.
    assert api.params_of("DeleteInstancesActionTimer") == [{"ActionTimerIds": [old]}]
    assert sorted(p["InstanceIds"][0] for p in api.params_of("ImportInstancesActionTimer")) == sorted([untimed, timed])
    assert {i["instance_id"]: i["expire_time"] for i in result["instances"]} == {
        untimed: "2099-12-24T18:00:00Z",
        timed: "2099-12-24T18:00:00Z",
        right: "2099-12-24T18:03:00Z",
    }
    assert run(capsys, goods_num=3, expire_at="2099-12-24T18:00:00Z")["changed"] is False


def test_expire_after_counts_from_each_existing_instance_s_creation(api, capsys):
    young, older = api.add_instance(age=600), api.add_instance(age=7200)
    created = {i: api.record(i)["CreatedTime"] for i in (young, older)}
    result = run(capsys, goods_num=2, expire_after="8h")
    wanted = {i: iso(seconds(created[i]) + 8 * 3600) for i in (young, older)}
    assert {c["instance_id"]: c["after"] for c in result["changes"]} == wanted
    assert {i["instance_id"]: i["expire_time"] for i in result["instances"]} == wanted
    assert run(capsys, goods_num=2, expire_after="8h")["changed"] is False


def test_an_expiry_change_in_check_mode_is_planned_only(api, capsys):
    untimed = api.add_instance()
    result = run(capsys, check_mode=True, expire_at="2099-12-24T18:00:00Z")
    assert result["changed"] is True
    assert result["changes"] == [{"instance_id": untimed, "attribute": "expire_time", "before": None, "after": "2099-12-24T18:00:00Z", "result": "planned"}]
    assert api.timers == {} and "ImportInstancesActionTimer" not in api.actions()


def test_a_refused_expiry_change_fails_the_task_and_says_which(api, capsys):
    untimed = api.add_instance()
    api.errors["ImportInstancesActionTimer"] = error("UnsupportedOperation.NotSupportImportInstancesActionTimer", "not this one")
    result = run(capsys, expire_at="2099-12-24T18:00:00Z")
    assert result["failed"] is True and result["msg"].startswith("the task did not finish: {0} expire_time: ".format(untimed))
    assert result["changes"][0]["result"] == "failed" and "NotSupportImportInstancesActionTimer" in result["changes"][0]["error"]


def test_an_api_without_timers_leaves_existing_instances_alone(api, capsys):
    api.add_instance()
    api.timer_actions = False
    result = run(capsys, expire_after="8h")
    assert result["changed"] is False and result["changes"] == [] and result["instances"][0]["expire_time"] is None


def test_expire_after_on_an_instance_older_than_the_duration_sends_no_timer_in_the_past(api, capsys):
    api.add_instance(age=2 * 86400)
    run(capsys, expire_after="8h")
    for params in api.params_of("ImportInstancesActionTimer"):
        assert seconds(params["ActionTimer"]["ActionTime"]) > time.time() + 300


@pytest.mark.parametrize("expiry", [{"expire_after": "8h"}, {"expire_at": "2099-01-01T00:00:00Z"}])
def test_protection_with_an_expiry_is_refused_before_any_request(api, capsys, expiry):
    # The API refuses the pair both ways (10.1.1, 10.6): at create, and for the drift of existing instances.
    result = run(capsys, termination_protection=True, **expiry)
    assert result["failed"] is True and "termination_protection" in result["msg"] and api.calls == []


def test_expire_after_and_expire_at_are_mutually_exclusive(api, capsys):
    result = run(capsys, expire_after="8h", expire_at="2099-01-01T00:00:00Z")
    assert result["failed"] is True and "mutually exclusive" in result["msg"] and api.calls == []


# -- spot ------------------------------------------------------------------------------------------------------


def test_a_spot_task_buys_spot_within_its_price(api, capsys):
    result = run(capsys, market="spot", spot_max_price=0.05, max_hourly_price=0.1)
    (params,) = creates(api)
    assert params["InstanceChargeType"] == "SPOTPAID" and params["InstanceMarketOptions"]["SpotOptions"]["MaxPrice"] == "0.05"
    # The limit is checked against the spot price (10.3.2).
    assert result["price"]["instance_price"] == pytest.approx(0.08) and result["instances"][0]["instance_charge_type"] == "SPOTPAID"
    assert {"Name": "instance-charge-type", "Values": ["SPOTPAID"]} in api.params_of("DescribeZoneInstanceConfigInfos")[0]["Filters"]
    assert run(capsys, market="spot", spot_max_price=0.05)["changed"] is False


def test_an_on_demand_instance_of_a_spot_task_is_drift(api, capsys):
    on_demand = api.add_instance()
    result = run(capsys, market="spot")
    assert result["failed"] is True and "market is 'on_demand' where the task asks 'spot' ({0})".format(on_demand) in result["msg"]
    assert creates(api) == []
    replaced = run(capsys, market="spot", replace_drifted=True)
    assert replaced["returned_instance_ids"] == [on_demand] and creates(api)[0]["InstanceChargeType"] == "SPOTPAID"


# -- user data -------------------------------------------------------------------------------------------------

SCRIPT = "#!/bin/sh\nexport API_TOKEN=hunter2\n"


def test_user_data_is_sent_encoded_and_read_back_on_a_re_run(api, capsys):
    result = run(capsys, user_data=SCRIPT)
    (params,) = creates(api)
    assert params["UserData"] == "IyEvYmluL3NoCmV4cG9ydCBBUElfVE9LRU49aHVudGVyMgo="
    again = run(capsys, user_data=SCRIPT)
    assert again["changed"] is False
    assert api.params_of("DescribeInstancesAttributes") == [{"InstanceIds": result["instance_ids"], "Attributes": ["UserData"]}]
    assert "hunter2" not in shown(result) and "hunter2" not in shown(again)


def test_user_data_is_not_echoed_in_the_invocation(api, capsys):
    result = run(capsys, user_data=SCRIPT)
    assert "hunter2" not in json.dumps(result)


def test_user_data_is_asked_only_when_the_task_sets_some(api, capsys):
    api.add_instance()
    run(capsys)
    assert "DescribeInstancesAttributes" not in api.actions()


def test_other_user_data_is_drift_and_never_shown(api, capsys):
    existing = api.add_instance()
    api.user_data[existing] = "IyEvYmluL3NoCmV4cG9ydCBBUElfVE9LRU49aHVudGVyMQo="
    result = run(capsys, user_data=SCRIPT, diff=True)
    assert result["failed"] is True and creates(api) == []
    assert "user_data is '(not shown)' where the task asks '(not shown)' ({0})".format(existing) in result["msg"]
    assert result["plan"]["refused"] == [{"instance_id": existing, "differences": [{"option": "user_data", "current": "(not shown)", "wanted": "(not shown)"}]}]
    assert "hunter" not in shown(result)


def test_empty_user_data_is_no_drift_on_a_re_run(api, capsys):
    run(capsys, user_data="")
    again = run(capsys, user_data="")
    assert again.get("failed") is not True, again["msg"]


# -- a failure right after the create still reports what it bought ----------------------------------------------------


def test_created_ids_are_reported_when_the_listing_right_after_the_create_fails(api, capsys):
    def fail_listings_after_the_create(call, payload):
        if call.action == "RunInstances" and not call.params.get("DryRun"):
            api.errors["DescribeInstances"] = error("AuthFailure.UnauthorizedOperation", "no listing for you")

    api.after_call = fail_listings_after_the_create
    result = run(capsys, goods_num=2)
    assert result["failed"] is True and "listing them failed" in result["msg"]
    bought = sorted(record["InstanceId"] for record in api.records["ap-guangzhou"])
    assert len(bought) == 2 and sorted(result["created_instance_ids"]) == bought
    assert result["changed"] is True and sorted(result["instance_ids"]) == bought
    # Named as the task although the check failed, so the re-run finds them by name and has nothing to do.
    assert [api.record(i)["InstanceName"] for i in bought] == ["web", "web"]
    api.errors.pop("DescribeInstances")
    rerun = run(capsys, goods_num=2)
    assert rerun["changed"] is False and sorted(rerun["instance_ids"]) == bought and len(creates(api)) == 1, rerun


def test_the_failure_after_the_create_names_the_ids_and_the_token(api, capsys):
    def fail_listings_after_the_create(call, payload):
        if call.action == "RunInstances":
            api.errors["DescribeInstances"] = error("AuthFailure.UnauthorizedOperation", "no listing for you")

    api.after_call = fail_listings_after_the_create
    result = run(capsys)
    (bought,) = [record["InstanceId"] for record in api.records["ap-guangzhou"]]
    assert result["failed"] is True and bought in result["msg"] and result["client_token"] in result["msg"]
    assert result["api_error"]["code"] == "AuthFailure.UnauthorizedOperation" and result["client_token"] == creates(api)[0]["ClientToken"]


def test_a_lost_answer_in_a_fallback_zone_is_found_in_that_zone(api, capsys):
    api.sold_out_zones.add("ap-guangzhou-3")

    def lose_the_create_in_zone_4(call, payload):
        if call.action == "RunInstances" and call.params["Placement"]["Zone"] == "ap-guangzhou-4":
            raise requests.exceptions.ConnectionError("connection reset by peer")

    api.after_call = lose_the_create_in_zone_4
    result = run(capsys, fallback_zones=[100004])
    assert result["failed"] is True and result["changed"] is True and "went through" in result["msg"], result["msg"]
    (bought,) = [record["InstanceId"] for record in api.records["ap-guangzhou"]]
    assert result["created_instance_ids"] == [bought] and api.record(bought)["Placement"]["Zone"] == "ap-guangzhou-4"
    # Every retry sent the same token, so the API bought once; the look-up after covered both zones.
    attempts = [params for params in creates(api) if params["Placement"]["Zone"] == "ap-guangzhou-4"]
    assert len(attempts) == 5 and len({params["ClientToken"] for params in attempts}) == 1
    looked_up = [params["Filters"][0] for params in api.params_of("DescribeInstances")[-2:]]
    # The look-up after the lost answer: by name in both zones, then by the create's token tag.
    assert looked_up[0] == {"Name": "zone", "Values": ["ap-guangzhou-3", "ap-guangzhou-4"]}
    assert looked_up[1] == {"Name": "tag:ansible-cvm-client-token", "Values": [result["client_token"]]}


def test_a_lost_answer_of_a_create_of_several_is_found_by_its_token_tag(api, capsys):
    def lose_every_create_answer(call, payload):
        if call.action == "RunInstances":
            raise requests.exceptions.ConnectionError("connection reset by peer")

    api.after_call = lose_every_create_answer
    result = run(capsys, goods_num=2)
    bought = sorted(record["InstanceId"] for record in api.records["ap-guangzhou"])
    assert len(bought) == 2 and result["created_instance_ids"] == bought, result["msg"]
    # RunInstances numbered them (web1, web2): named as the task now, so the re-run's look-up by name finds them.
    assert [api.record(i)["InstanceName"] for i in bought] == ["web", "web"]
    api.after_call = None
    rerun = run(capsys, goods_num=2)
    assert rerun["changed"] is False and sorted(rerun["instance_ids"]) == bought and len(creates(api)) == 5, rerun


# -- cvm_instance_info: expires_within -----------------------------------------------------------------------------------


def test_instance_info_lists_what_expires_within(api, capsys):
    soon, later, _never = api.add_instance(), api.add_instance(), api.add_instance()
    api.add_timer(soon, time.time() + 3600)
    api.add_timer(later, time.time() + 3 * 86400)
    args = {key: TASK[key] for key in ("secret_id", "secret_key", "region", "endpoint", "api")}
    result = run_module(cvm_instance_info, capsys, dict(args, expires_within="1d"))
    assert [i["instance_id"] for i in result["instances"]] == [soon]
    assert result["instances"][0]["expire_time"] == api.timers_of(soon)[0]["ActionTime"]
    everything = run_module(cvm_instance_info, capsys, args)
    assert sorted(i["instance_id"] for i in everything["instances"]) == sorted(api.record(i)["InstanceId"] for i in (soon, later, _never))
    assert {i["instance_id"]: i["expire_time"] is not None for i in everything["instances"]} == {soon: True, later: True, _never: False}


def test_instance_info_refuses_an_expires_within_that_is_no_duration(api, capsys):
    args = {key: TASK[key] for key in ("secret_id", "secret_key", "region", "endpoint", "api")}
    result = run_module(cvm_instance_info, capsys, dict(args, expires_within="soon"))
    assert result["failed"] is True and "option 'expires_within'" in result["msg"] and api.calls == []
