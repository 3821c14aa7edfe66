# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""cvm_instance_hour's flows against an in-memory legacy API: what it sends, what it returns."""

from __future__ import annotations

import itertools
import json
import re

import pytest
import requests
import yaml

from ansible_collections.qcloud.cvm.plugins.module_utils._ansible.options import common_argument_spec
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm import task as task_module
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.model import INSTANCE_KEYS
from ansible_collections.qcloud.cvm.plugins.modules import cvm_instance_hour
from ansible_collections.qcloud.cvm.tests.unit.fakes.legacy_api import error, make_record
from ansible_collections.qcloud.cvm.tests.unit.plugins.modules.module_run import ENDPOINT, fake_api, run_module, warnings

TASK = {
    "zone_id": 100003,
    "cpu": 1,
    "mem": 2,
    "image_id": "img-3wnd9xpl",
    "instance_name": "web",
    "secret_id": "AKIDTEST",
    "secret_key": "key",
    "region": "gz",
    "endpoint": ENDPOINT,
    "wait_timeout": 5,
}


@pytest.fixture
def api(monkeypatch):
    fake = fake_api(monkeypatch, cvm_instance_hour)
    numbers = itertools.count(1)

    def add(status=2, name="web", **fields):
        """An instance of the task's configuration (or as ``fields`` change it), older than any the task creates."""
        record = make_record(next(numbers), zone_id=100003, status=status, name=name, wan_ips=[], bandwidth=0, networkPayMode=3)
        record.update(fields)
        fake.add(record)
        return record["unInstanceId"]

    fake.add_instance = add
    return fake


def run(capsys, check_mode=False, diff=False, **args):
    return run_module(cvm_instance_hour, capsys, dict(TASK, **args), check_mode=check_mode, diff=diff)


def creates(api):
    return [call.params for call in api.calls_of("RunInstancesHour")]


# -- present -----------------------------------------------------------------------


def test_create_sends_one_request_with_the_missing_count(api, capsys):
    existing = api.add_instance()
    result = run(capsys, goods_num=3)
    assert result["changed"] is True
    assert len(creates(api)) == 1
    assert creates(api)[0]["goodsNum"] == 2 and creates(api)[0]["zoneId"] == 100003 and creates(api)[0]["instanceName"] == "web"
    assert creates(api)[0]["clientToken"] == result["client_token"]
    assert re.fullmatch(r"ansible-[0-9a-f]{56}", result["client_token"])
    assert result["instance_ids"][0] == existing and len(result["instance_ids"]) == 3
    assert result["created_instance_ids"] == result["instance_ids"][1:]
    assert [i["instance_id"] for i in result["instances"]] == result["instance_ids"]
    assert {i["status"] for i in result["instances"]} == {"running"}
    assert all(set(i) == INSTANCE_KEYS for i in result["instances"])
    assert {(i["region"], i["zone"], i["zone_id"]) for i in result["instances"]} == {("ap-guangzhou", "ap-guangzhou-3", 100003)}
    assert result["returned_instance_ids"] == [] and result["changes"] == []
    assert result["plan"]["create"] == 2


def test_a_create_without_security_groups_warns_that_every_port_is_open(api, capsys):
    result = run(capsys)
    assert any("get no security group, so every port is open" in w for w in warnings(result))


def test_a_re_run_finds_what_the_first_run_created_and_sends_no_create(api, capsys):
    first = run(capsys, goods_num=2)
    second = run(capsys, goods_num=2)
    assert first["changed"] is True and second["changed"] is False
    assert len(creates(api)) == 1
    assert second["instance_ids"] == first["instance_ids"] and second["created_instance_ids"] == []
    assert second["client_token"] is None and second["plan"]["create"] == 0


def test_nothing_missing_sends_nothing_but_look_ups(api, capsys):
    api.add_instance()
    api.add_instance()
    result = run(capsys, goods_num=2)
    assert result["changed"] is False
    # The instances, then (the legacy listing reports none) the region's security groups.
    assert api.actions() == ["DescribeInstances", "DescribeSecurityGroupEx"]
    assert result["client_token"] is None and result["created_instance_ids"] == []


def test_the_look_up_asks_for_the_zone_and_the_name(api, capsys):
    run(capsys)
    params = api.describe_calls()[0]
    assert params["zoneId"] == 100003 and params["searchWord"] == "web"
    assert api.calls[0].region == "gz"


def test_more_than_desired_warns_and_keeps_all(api, capsys):
    ids = [api.add_instance(), api.add_instance(), api.add_instance()]
    result = run(capsys, goods_num=1)
    assert result["changed"] is False
    assert result["instance_ids"] == ids
    assert "ReturnInstance" not in api.actions()
    assert any("more than goods_num=1" in w for w in warnings(result))


def test_instances_are_reported_oldest_first(api, capsys):
    newer = api.add_instance(createTime="2024-05-01 12:00:00")
    older = api.add_instance(createTime="2024-05-01 09:00:00")
    assert run(capsys, goods_num=2)["instance_ids"] == [older, newer]


def test_other_names_zones_and_given_back_instances_are_not_the_task_s(api, capsys):
    api.add_instance(name="web-2")
    api.add_instance(name="Web")
    api.add_instance(zoneId=100004)
    api.add_instance(status=5)
    api.add_instance(status=6)
    result = run(capsys, goods_num=1)
    assert result["changed"] is True
    assert len(result["created_instance_ids"]) == 1 and result["instance_ids"] == result["created_instance_ids"]


def test_an_instance_of_another_configuration_refuses_the_task(api, capsys):
    drifted = api.add_instance(cpu=2, mem=4)
    result = run(capsys, goods_num=2)
    assert result["failed"] is True and result["changed"] is False
    assert "cpu is 2 where the task asks 1 ({0})".format(drifted) in result["msg"]
    assert "mem is 4 where the task asks 2" in result["msg"] and "Nothing was bought or changed" in result["msg"]
    assert result["plan"]["refused"][0]["instance_id"] == drifted
    assert "RunInstancesHour" not in api.actions() and result["instance_ids"] == [drifted]


def test_replace_drifted_buys_first_and_gives_back_once_the_replacement_runs(api, capsys):
    drifted = api.add_instance(cpu=2, mem=4)
    result = run(capsys, replace_drifted=True)
    assert result["changed"] is True
    (new,) = result["created_instance_ids"]
    assert result["returned_instance_ids"] == [drifted] and result["instance_ids"] == [new]
    assert api.actions().index("RunInstancesHour") < api.actions().index("ReturnInstance")


def test_failed_instances_are_reported_but_not_counted(api, capsys):
    failed = api.add_instance(status=-1)
    result = run(capsys, goods_num=1)
    assert result["changed"] is True and len(result["created_instance_ids"]) == 1
    assert result["instance_ids"][0] == failed and len(result["instance_ids"]) == 2
    assert any("{0} failed to create (launch_failed); it does not count towards goods_num".format(failed) in w for w in warnings(result))


def test_pending_instances_of_an_earlier_run_are_waited_for(api, capsys):
    pending = api.add_instance(status=3)
    api.record(pending)["_later"] = [(api.clock.now + 2, 2)]
    result = run(capsys, goods_num=1)
    assert result["changed"] is False and result["instances"][0]["status"] == "running"
    assert api.clock.elapsed == pytest.approx(2.5)


def test_pending_instances_are_not_waited_for_without_wait(api, capsys):
    api.add_instance(status=3)
    result = run(capsys, goods_num=1, wait=False)
    assert result["instances"][0]["status"] == "pending" and api.clock.sleeps == []


def test_the_wait_polls_on_the_schedule(api, capsys):
    api.created_status = 3
    api.created_later = [(2.0, 2)]
    result = run(capsys, goods_num=2)
    assert {i["status"] for i in result["instances"]} == {"running"}
    # Polls at 0.5, 1.5 and 2.5 seconds after the create.
    assert api.clock.sleeps == pytest.approx([0.5, 1.0, 1.0])
    by_id = [params for params in api.describe_calls() if "instanceIds" in params]
    # The listing right after the create (are the IDs new?), then the polls.
    assert len(by_id) == 1 + 3 and all(sorted(p["instanceIds"]) == sorted(result["created_instance_ids"]) for p in by_id)


# -- in place: bandwidth, security groups, power ------------------------------------------


def test_bandwidth_drift_changes_in_place(api, capsys):
    instance_id = api.add_instance(bandwidth=1)
    result = run(capsys, bandwidth=5)
    assert result["changed"] is True and result["created_instance_ids"] == []
    assert result["changes"] == [{"instance_id": instance_id, "attribute": "bandwidth", "before": 1, "after": 5, "result": "changed"}]
    assert [call.params for call in api.calls_of("UpdateInstanceBandwidthHour")] == [{"instanceId": instance_id, "bandwidth": 5}]
    assert result["instances"][0]["bandwidth"] == 5


def test_a_bandwidth_change_keeps_the_security_groups_read_at_the_look_up(api, capsys):
    # The legacy listing reports no groups; a bandwidth change cannot move them, so they are not read a second time.
    api.security_groups["gz"] = ["sg-a", "sg-b"]
    instance_id = api.add_instance(bandwidth=1, _sgIds=["sg-b"])
    result = run(capsys, bandwidth=5)
    assert result["instances"][0]["bandwidth"] == 5 and result["instances"][0]["security_group_ids"] == ["sg-b"]
    assert api.actions().count("DescribeInstances") == 2 and api.actions().count("DescribeInstancesOfSecurityGroup") == 2
    assert [call.params["instanceId"] for call in api.calls_of("UpdateInstanceBandwidthHour")] == [instance_id]


def test_a_security_group_change_reads_the_groups_again(api, capsys):
    api.security_groups["gz"] = ["sg-a", "sg-b"]
    api.add_instance(_sgIds=["sg-b"])
    result = run(capsys, security_group_ids=["sg-a"])
    assert result["instances"][0]["security_group_ids"] == ["sg-a"]
    # Each group's members once at the look-up and once after the change.
    assert api.actions().count("DescribeInstancesOfSecurityGroup") == 4


def test_a_failed_in_place_change_fails_the_task_and_says_which(api, capsys):
    instance_id = api.add_instance(bandwidth=1)
    api.errors["UpdateInstanceBandwidthHour"] = error("OperationFail.SystemBusy", "busy")
    result = run(capsys, bandwidth=5, retries=0)
    assert result["failed"] is True and "{0} bandwidth".format(instance_id) in result["msg"]
    assert result["changes"][0]["result"] == "failed" and "OperationFail.SystemBusy" in result["changes"][0]["error"]


def test_security_groups_are_bound_to_new_instances_once_they_run(api, capsys):
    api.security_groups["gz"] = ["sg-web", "sg-ssh"]
    api.created_status = 3
    api.created_later = [(1.0, 2)]
    result = run(capsys, security_group_ids=["sg-web", "sg-ssh"], wait=False)
    (new,) = result["created_instance_ids"]
    (bind,) = api.calls_of("ModifySecurityGroupsOfInstance")
    assert bind.params == {"instanceSet": [{"instanceId": new, "sgIds": ["sg-web", "sg-ssh"]}]}
    # Binding needs the instance running, so the module waited although wait is false.
    assert api.clock.elapsed == pytest.approx(1.5)
    assert sorted(result["instances"][0]["security_group_ids"]) == ["sg-ssh", "sg-web"]
    assert not any("every port is open" in w for w in warnings(result))
    # The groups are read once, after the binding, not also when the wait ended.
    assert api.actions().count("DescribeInstancesOfSecurityGroup") == 2


def test_security_group_drift_changes_in_place_compared_as_a_set(api, capsys):
    api.security_groups["gz"] = ["sg-a", "sg-b", "sg-c"]
    same = api.add_instance(_sgIds=["sg-b", "sg-a"])
    other = api.add_instance(_sgIds=["sg-c"])
    result = run(capsys, goods_num=2, security_group_ids=["sg-a", "sg-b"])
    assert [(c["instance_id"], c["attribute"], c["before"], c["after"]) for c in result["changes"]] == [
        (other, "security_group_ids", ["sg-c"], ["sg-a", "sg-b"])
    ]
    assert api.record(other)["_sgIds"] == ["sg-a", "sg-b"] and api.record(same)["_sgIds"] == ["sg-b", "sg-a"]


def test_an_unknown_security_group_refuses_before_anything_is_bought(api, capsys):
    api.security_groups["gz"] = ["sg-a"]
    result = run(capsys, security_group_ids=["sg-a", "sg-nope"])
    assert result["failed"] is True
    assert result["msg"] == "option 'security_group_ids': sg-nope is not in region ap-guangzhou; nothing was bought or changed"
    assert "RunInstancesHour" not in api.actions()


@pytest.mark.parametrize(
    "state, status, action, after",
    [
        ("running", 4, "StartInstances", "running"),
        ("stopped", 2, "StopInstances", "stopped"),
        ("restarted", 2, "RestartInstances", "running"),
    ],
)
def test_the_power_state_follows_the_state(api, capsys, state, status, action, after):
    instance_id = api.add_instance(status=status)
    result = run(capsys, state=state)
    assert result["changed"] is True
    assert [call.params["instanceIds"] for call in api.calls_of(action)] == [[instance_id]]
    assert result["changes"][0]["instance_id"] == instance_id and result["changes"][0]["attribute"] == "status"
    assert result["instances"][0]["status"] == after
    # Waited through the passing state (1 s) on the schedule.
    assert api.clock.elapsed == pytest.approx(1.5)


def test_instances_waited_for_after_a_power_change_keep_their_security_groups(api, capsys):
    # The polls are plain listings (the legacy one reports no groups); the groups are asked once the wait is over.
    api.security_groups["gz"] = ["sg-a", "sg-b"]
    instance_id = api.add_instance(_sgIds=["sg-b"])
    result = run(capsys, state="stopped")
    assert result["instances"][0]["status"] == "stopped" and result["instances"][0]["security_group_ids"] == ["sg-b"]
    assert (result["instances"][0]["stop_charging_mode"], result["instances"][0]["instance_id"]) == ("keep_charging", instance_id)


def test_present_leaves_a_stopped_instance_stopped_with_a_warning(api, capsys):
    instance_id = api.add_instance(status=4)
    result = run(capsys)
    assert result["changed"] is False and "StartInstances" not in api.actions()
    assert any("{0} is stopped; state: present leaves it so".format(instance_id) in w for w in warnings(result))


def test_new_instances_of_a_stopped_task_are_stopped_once_they_run(api, capsys):
    api.created_status = 3
    api.created_later = [(1.0, 2)]
    result = run(capsys, state="stopped")
    (new,) = result["created_instance_ids"]
    assert [call.params["instanceIds"] for call in api.calls_of("StopInstances")] == [[new]]
    assert result["instances"][0]["status"] == "stopped"


# -- check mode and price ------------------------------------------------------------------


def test_check_mode_quotes_and_buys_nothing(api, capsys):
    existing = api.add_instance()
    result = run(capsys, check_mode=True, diff=True, goods_num=3)
    assert result["changed"] is True
    assert api.actions() == ["DescribeInstances", "DescribeSecurityGroupEx", "InquiryInstancePriceHour"]
    assert result["price"] == {"goods_num": 2, "instance_price": 0.4, "bandwidth_price": 0.0, "bandwidth_price_unit": "HOUR", "hourly_price": 0.4}
    # The token the create would send first, and the zone it would buy in.
    assert result["created_instance_ids"] == [] and re.fullmatch(r"ansible-[0-9a-f]{56}", result["client_token"])
    assert result["create_zone_id"] == 100003
    assert result["plan"]["create"] == 2
    assert result["instance_ids"] == [existing, "<new instance 1>", "<new instance 2>"]
    assert result["diff"]["before"]["count"] == 1 and list(result["diff"]["before"]["instances"]) == [existing]
    assert result["diff"]["after"]["count"] == 3
    assert sorted(result["diff"]["after"]["instances"]) == sorted([existing, "<new instance 1>", "<new instance 2>"])
    assert result["diff"]["after"]["instances"]["<new instance 1>"]["status"] == "running"
    assert [connection.read_only for connection in api.connections] == [True]


def test_check_mode_plans_in_place_changes_without_making_them(api, capsys):
    instance_id = api.add_instance(bandwidth=1, status=4)
    result = run(capsys, check_mode=True, bandwidth=5, state="running")
    assert result["changed"] is True
    assert {(c["attribute"], c["result"]) for c in result["changes"]} == {("bandwidth", "planned"), ("status", "planned")}
    assert result["plan"]["start"] == [instance_id]
    assert not {"UpdateInstanceBandwidthHour", "StartInstances"} & set(api.actions())


def test_check_mode_plans_a_replacement(api, capsys):
    drifted = api.add_instance(cpu=2, mem=4)
    result = run(capsys, check_mode=True, replace_drifted=True)
    assert result["changed"] is True and result["plan"]["replace"] == [drifted] and result["plan"]["create"] == 1
    assert result["returned_instance_ids"] == [drifted] and result["created_instance_ids"] == []
    assert not {"RunInstancesHour", "ReturnInstance"} & set(api.actions())


def test_check_mode_is_enforced_where_requests_are_sent(api, capsys, monkeypatch):
    # Even a task that forgot check mode cannot change anything: the backend's client refuses.
    monkeypatch.setattr(task_module.InstanceTask, "preview", lambda self: self.backend.create(self.spec, 1, "tok"))
    result = run(capsys, check_mode=True)
    assert result["failed"] is True
    assert result["msg"] == "refusing to send RunInstancesHour: this client is read-only (check mode)"
    assert "RunInstancesHour" not in api.actions()


def test_check_mode_price_failure_for_a_passing_reason_only_warns(api, capsys):
    api.errors["InquiryInstancePriceHour"] = error("InternalError", "boom")
    result = run(capsys, check_mode=True)
    assert result["changed"] is True
    assert "price" not in result
    assert any("could not quote the price" in w for w in warnings(result))


def test_check_mode_fails_where_the_create_would(api, capsys):
    api.errors["InquiryInstancePriceHour"] = error("InvalidParameter", "(100004)cpu 1 and mem 3 are no pair of CVM.S1")
    result = run(capsys, check_mode=True)
    assert result["failed"] is True and "refuses to price" in result["msg"]
    assert result["api_error"]["code"] == "InvalidParameter"


def test_max_hourly_price_refuses(api, capsys):
    result = run(capsys, goods_num=2, max_hourly_price=0.3)
    assert result["failed"] is True and result["changed"] is False
    assert "above max_hourly_price 0.3" in result["msg"]
    assert result["price"]["hourly_price"] == 0.4
    assert "RunInstancesHour" not in api.actions()


def test_max_hourly_price_allows(api, capsys):
    result = run(capsys, goods_num=2, max_hourly_price=0.4)
    assert result["changed"] is True and result["price"]["goods_num"] == 2
    assert api.actions().index("InquiryInstancePriceHour") < api.actions().index("RunInstancesHour")


def test_max_hourly_price_counts_bandwidth_billed_by_the_hour(api, capsys):
    result = run(capsys, bandwidth=4, bandwidth_type="PayByHour", max_hourly_price=0.3)
    assert result["failed"] is True and result["price"]["hourly_price"] == 0.4
    result = run(capsys, bandwidth=4, bandwidth_type="PayByTraffic", max_hourly_price=0.3)
    assert result["changed"] is True and result["price"]["bandwidth_price_unit"] == "GB"


def test_max_hourly_price_without_a_quote_refuses(api, capsys):
    api.errors["InquiryInstancePriceHour"] = requests.exceptions.ConnectionError("no answer")
    result = run(capsys, max_hourly_price=5)
    assert result["failed"] is True
    assert "could not be quoted" in result["msg"]
    assert result["transport_error"]["action"] == "InquiryInstancePriceHour"
    assert "RunInstancesHour" not in api.actions()


# -- failures -----------------------------------------------------------------------------


def test_api_error_on_create_is_structured(api, capsys):
    api.errors["RunInstancesHour"] = error("OperationConstraints.AccountBalanceNotEnough", "(100024)top up", request_id="req-1")
    result = run(capsys)
    assert result["failed"] is True and result["changed"] is False
    assert result["api_error"] == {
        "action": "RunInstancesHour",
        "code": "OperationConstraints.AccountBalanceNotEnough",
        "message": "(100024)top up (code 5300)",
        "request_id": "req-1",
    }
    assert result["msg"] == ("RunInstancesHour failed: OperationConstraints.AccountBalanceNotEnough: (100024)top up (code 5300) (request ID req-1)")
    assert result["created_instance_ids"] == []


def test_a_busy_api_is_retried_with_the_same_client_token(api, capsys):
    api.errors["RunInstancesHour"] = [error("OperationFail.SystemBusy", "busy"), error("RequestLimitExceeded", "slow down")]
    result = run(capsys)
    assert result["changed"] is True and len(result["created_instance_ids"]) == 1
    assert len(creates(api)) == 3 and len({params["clientToken"] for params in creates(api)}) == 1
    assert len({call.data["Nonce"] for call in api.calls_of("RunInstancesHour")}) == 3
    # A busy answer and a throttled one back off on budgets of their own.
    assert api.retry_sleeps == [0.375, 0.375]


def test_wait_failure_reports_the_created_ids(api, capsys):
    api.created_status = 3
    api.created_later = [(1.0, -1)]
    result = run(capsys, goods_num=2)
    assert result["failed"] is True and result["changed"] is True
    assert len(result["created_instance_ids"]) == 2 and len(creates(api)) == 1
    assert result["instance_ids"] == result["created_instance_ids"]
    assert "will not reach running" in result["msg"] and "launch_failed" in result["msg"]
    assert [i["status"] for i in result["instances"]] == ["launch_failed", "launch_failed"]


def test_instances_that_fail_at_once_are_bought_once(api, capsys):
    api.created_status = -1
    result = run(capsys, goods_num=2)
    assert len(creates(api)) == 1 and len(api.records["gz"]) == 2
    assert len(result["created_instance_ids"]) == 2 and "launch_failed" in result["msg"]


def test_wait_timeout_reports_the_created_ids(api, capsys):
    api.created_status = 3
    result = run(capsys, wait_timeout=5)
    assert result["failed"] is True and result["changed"] is True
    assert "timed out after 5 seconds" in result["msg"] and result["created_instance_ids"][0] in result["msg"]
    assert result["instances"][0]["status"] == "pending"
    assert api.clock.elapsed == pytest.approx(5.0)


def test_no_wait_reports_the_new_instances_as_listed(api, capsys):
    api.created_status = 3
    result = run(capsys, wait=False)
    assert result["changed"] is True and result["instances"][0]["status"] == "pending"
    assert api.clock.sleeps == []
    assert api.actions().count("RunInstancesHour") == 1


def test_bad_options_fail_before_any_request(api, capsys):
    result = run(capsys, storage_size=15, password="short", concurrency=0)
    assert result["failed"] is True
    for option in ("storage_size", "password", "concurrency"):
        assert "option '{0}'".format(option) in result["msg"]
    assert api.calls == [] and api.connections == []


@pytest.mark.parametrize(
    "args, text",
    [
        (dict(password="Ab12#xyz", key_id="skey-1"), "mutually exclusive"),
        (dict(vpc_id="vpc-1"), "subnet_id"),
        (dict(is_vpc_gateway=True, bandwidth=1), "vpc_id"),
        (dict(storage_type=4), "storage_type"),
        (dict(instance_type="CVM.C1"), "instance_type"),
        (dict(state="started"), "state"),
        (dict(tags={"team": "web"}), "option 'tags' needs api: v3"),
        (dict(security_group_ids=["web"]), "is not a security group ID"),
        # The money guardrails are API 3.0 features (api-notes/v3.md 10): refused on the legacy API, naming the feature.
        (dict(expire_after="8h"), "option 'expire_after' needs api: v3 (API 3.0 RunInstances ActionTimer)"),
        (dict(expire_at="2099-01-01T00:00:00Z"), "option 'expire_at' needs api: v3 (API 3.0 RunInstances ActionTimer)"),
        (dict(market="spot"), "option 'market' needs api: v3 (API 3.0 SPOTPAID with InstanceMarketOptions)"),
        (dict(fallback_zones=[100004]), "option 'fallback_zones' needs api: v3"),
        (dict(user_data="#!/bin/sh"), "option 'user_data' needs api: v3 (API 3.0 RunInstances UserData)"),
        (dict(termination_protection=True), "option 'termination_protection' needs api: v3 (API 3.0 DisableApiTermination)"),
        (dict(state="stopped", stopped_mode="stop_charging"), "option 'stopped_mode' needs api: v3 (API 3.0 StopInstances StoppedMode)"),
        (dict(market="choice"), "market"),
        (dict(stopped_mode="free"), "stopped_mode"),
        (dict(expire_after="8h", expire_at="2099-01-01T00:00:00Z"), "mutually exclusive"),
    ],
)
def test_argument_spec_rules(api, capsys, args, text):
    result = run(capsys, **args)
    assert result["failed"] is True and text in result["msg"]
    assert api.calls == []


def test_the_neutral_guardrail_values_are_accepted_on_the_legacy_api(api, capsys):
    result = run(capsys, market="on_demand", stopped_mode="keep_charging", fallback_zones=[])
    assert result["changed"] is True and "create_zone_id" in result
    (create,) = creates(api)
    # Nothing of them reaches the legacy create.
    assert not {"market", "stoppedMode", "fallbackZones", "userData"} & set(create)


def test_a_malformed_endpoint_fails_before_any_request(api, capsys):
    result = run(capsys, endpoint="http://[::1/v2/index.php")
    assert result["failed"] is True and result["msg"].startswith("option 'endpoint': ")
    assert api.calls == []


# -- client token ---------------------------------------------------------------------------


def test_given_back_instances_change_the_derived_token(api, capsys):
    first = run(capsys)
    for instance_id in first["instance_ids"]:
        api.record(instance_id)["status"] = 5
    second = run(capsys)
    assert second["changed"] is True
    assert second["client_token"] != first["client_token"]
    assert second["created_instance_ids"] != first["created_instance_ids"]


def test_same_look_up_same_token(api, capsys):
    api.errors["RunInstancesHour"] = requests.exceptions.ConnectionError("connection reset")
    first = run(capsys)
    second = run(capsys)
    assert first["failed"] and second["failed"]
    assert "may have gone through" in first["msg"]
    assert first["client_token"] == second["client_token"]
    assert {params["clientToken"] for params in creates(api)} == {first["client_token"]}


def test_a_replayed_finished_create_is_sent_again_with_the_next_token(api, capsys):
    first = run(capsys)
    # The instances are given back and forgotten by the listing; the same look-up derives the same token...
    api.records["gz"].clear()
    second = run(capsys)
    # ...which the API answers with the gone instances: the module walks on to a token of its own and buys anew.
    assert second["changed"] is True and second["stale_client_tokens"] == [first["client_token"]]
    assert second["client_token"] != first["client_token"]
    assert second["created_instance_ids"] != first["created_instance_ids"] and len(creates(api)) == 3


def test_user_token_is_sent_as_is(api, capsys):
    result = run(capsys, client_token="my-token")
    assert creates(api)[0]["clientToken"] == "my-token" == result["client_token"]


@pytest.mark.parametrize("gone", [False, True])
def test_a_user_token_used_before_fails_and_buys_nothing(api, capsys, gone):
    first = run(capsys, client_token="my-token")
    if gone:
        api.record(first["instance_ids"][0])["status"] = 5
    second = run(capsys, client_token="my-token", goods_num=2)
    assert second["failed"] is True
    assert "client_token my-token" in second["msg"] and first["instance_ids"][0] in second["msg"] and "Nothing was bought" in second["msg"]
    assert len(api.records["gz"]) == 1


def test_password_is_sent_but_not_returned(api, capsys):
    result = run(capsys, password="Ab12#xyz")
    assert creates(api)[0]["password"] == "Ab12#xyz"
    assert "Ab12#xyz" not in json.dumps(result)


# -- absent ---------------------------------------------------------------------------------


def test_absent_gives_back_each_instance(api, capsys):
    ids = [api.add_instance(), api.add_instance(status=4)]
    result = run(capsys, state="absent", diff=True)
    assert result["changed"] is True
    assert sorted(call.params["instanceId"] for call in api.calls_of("ReturnInstance")) == sorted(ids)
    assert result["returned_instance_ids"] == ids
    assert result["instance_ids"] == [] and result["instances"] == []
    assert result["plan"]["give_back"] == ids
    assert result["diff"]["before"]["count"] == 2 and list(result["diff"]["before"]["instances"]) == ids
    assert result["diff"]["after"] == {"count": 0, "instances": {}}


def test_absent_gives_back_instances_of_any_configuration(api, capsys):
    drifted = api.add_instance(cpu=8, mem=32)
    result = run(capsys, state="absent")
    assert result["changed"] is True and result["returned_instance_ids"] == [drifted]


def test_absent_with_nothing_is_unchanged(api, capsys):
    api.add_instance(status=6)
    result = run(capsys, state="absent")
    assert result["changed"] is False
    assert api.actions() == ["DescribeInstances"]


def test_absent_in_check_mode_gives_nothing_back(api, capsys):
    ids = [api.add_instance()]
    result = run(capsys, state="absent", check_mode=True)
    assert result["changed"] is True and result["returned_instance_ids"] == ids
    assert "ReturnInstance" not in api.actions()


def test_absent_waits_for_creating_instances(api, capsys):
    creating = api.add_instance(status=3)
    api.record(creating)["_later"] = [(api.clock.now + 1, 2)]
    result = run(capsys, state="absent")
    assert result["returned_instance_ids"] == [creating]
    assert api.clock.elapsed == pytest.approx(1.5)


def test_absent_without_wait_refuses_creating_instances(api, capsys):
    creating = api.add_instance(status=3)
    result = run(capsys, state="absent", wait=False)
    assert result["failed"] is True
    assert creating in result["msg"] and "still changing state (pending)" in result["msg"]
    assert "ReturnInstance" not in api.actions()


def test_absent_accepts_an_earlier_give_back(api, capsys):
    instance_id = api.add_instance()

    def given_back_meanwhile(call):
        if call.action == "ReturnInstance":
            api.record(instance_id)["status"] = 6
            return error("OperationConstraints.InvaildInstanceStatus", "wrong status")
        return None

    api.before_call = given_back_meanwhile
    result = run(capsys, state="absent")
    assert result["changed"] is True and result["returned_instance_ids"] == [instance_id]


def test_absent_reports_a_real_refusal(api, capsys):
    instance_id = api.add_instance()
    api.errors["ReturnInstance"] = error("OperationConstraints.InvaildInstanceStatus", "wrong status")
    result = run(capsys, state="absent")
    assert result["failed"] is True
    assert result["api_error"]["code"] == "OperationConstraints.InvaildInstanceStatus"
    assert result["instance_ids"] == [instance_id] and result["returned_instance_ids"] == []


def test_absent_leaves_a_failed_creation_the_api_refuses(api, capsys):
    failed = api.add_instance(status=-1)
    running = api.add_instance()
    result = run(capsys, state="absent")
    assert "failed" not in result
    assert result["changed"] is True
    assert result["returned_instance_ids"] == [running]
    assert result["instance_ids"] == [failed]
    assert any("failed to create" in w for w in warnings(result))


def test_absent_waits_through_a_failing_creation(api, capsys):
    creating = api.add_instance(status=3)
    api.record(creating)["_later"] = [(api.clock.now + 1, -1)]
    result = run(capsys, state="absent")
    assert "failed" not in result and result["changed"] is False
    assert result["instance_ids"] == [creating]


def test_absent_gives_many_back_at_once(api, capsys):
    ids = [api.add_instance() for _number in range(12)]
    result = run(capsys, state="absent", goods_num=12, concurrency=4)
    assert result["returned_instance_ids"] == ids
    assert len({call.headers["Host"] for call in api.calls_of("ReturnInstance")}) == 1
    # Four clones of the client, each with a session of its own (a fake session refuses a second thread).
    assert len([session for session in api.sessions if session.thread is not None]) <= 1 + 4


# -- the interface ------------------------------------------------------------------------------


def test_api_names_work_as_aliases(api, capsys):
    args = dict(TASK)
    del args["zone_id"], args["image_id"], args["instance_name"]
    args.update(zoneId=100003, imageId="img-3wnd9xpl", instanceName="web", goodsNum=1, storageSize=0)
    assert run_module(cvm_instance_hour, capsys, args)["changed"] is True


def test_documentation_matches_the_argument_spec():
    documented = yaml.safe_load(cvm_instance_hour.DOCUMENTATION)["options"]
    spec = cvm_instance_hour.InstanceHour.argument_spec()
    assert set(documented) == set(spec)
    assert not set(spec) & set(common_argument_spec())
    for name, doc in documented.items():
        option = spec[name]
        assert doc["type"] == option["type"], name
        assert doc.get("default") == option.get("default"), name
        assert doc.get("choices") == option.get("choices"), name
        assert doc.get("aliases", []) == option.get("aliases", []), name
        assert doc.get("elements") == option.get("elements"), name
        assert bool(doc.get("required")) == bool(option.get("required")), name


def test_examples_and_return_are_yaml():
    assert isinstance(yaml.safe_load(cvm_instance_hour.EXAMPLES), list)
    returned = yaml.safe_load(cvm_instance_hour.RETURN)
    assert {
        "instance_ids",
        "instances",
        "created_instance_ids",
        "returned_instance_ids",
        "changes",
        "plan",
        "client_token",
        "stale_client_tokens",
        "price",
        "diff",
        "api_error",
        "transport_error",
    } <= set(returned)
    assert set(returned["api_error"]["contains"]) == {"action", "code", "message", "request_id"}


def test_examples_only_read_instance_keys_that_exist():
    used = set(re.findall(r"attribute='(\w+)'", cvm_instance_hour.EXAMPLES))
    assert used <= INSTANCE_KEYS, sorted(used - INSTANCE_KEYS)


def test_a_re_run_in_a_vpc_when_the_api_lists_numeric_vpc_ids_only(api, capsys):
    api.string_vpc_ids = False
    vpc = dict(vpc_id="vpc-gzdemo01", subnet_id="subnet-gz3web01")
    run(capsys, **vpc)
    second = run(capsys, **vpc)
    assert "failed" not in second, second.get("msg")
    assert second["changed"] is False and len(creates(api)) == 1
