# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A create whose answer is lost: the module looks once more and reports what the create made."""

from __future__ import annotations

import pytest
import requests

from ansible_collections.qcloud.cvm.plugins.modules import cvm_instance_hour
from ansible_collections.qcloud.cvm.tests.unit.fakes.legacy_api import error, make_record
from ansible_collections.qcloud.cvm.tests.unit.plugins.modules.module_run import ENDPOINT, fake_api, run_module

TASK = {
    "zone_id": 100003,
    "cpu": 1,
    "mem": 2,
    "image_id": "img-3wnd9xpl",
    "instance_name": "lost",
    "secret_id": "AKIDTEST",
    "secret_key": "key",
    "region": "gz",
    "endpoint": ENDPOINT,
    "wait_timeout": 5,
    "goods_num": 2,
}


def lost(call, answer):
    """Every answer to a create is lost on the way back, whether the create went through or not."""
    if call.action == "RunInstancesHour":
        raise requests.exceptions.ConnectionError("connection reset by peer")


@pytest.fixture
def api(monkeypatch):
    fake = fake_api(monkeypatch, cvm_instance_hour)
    fake.created_status = 3
    fake.after_call = lost
    return fake


def add(api, number, status=2):
    api.add(make_record(number, zone_id=100003, status=status, name="lost", wan_ips=[], bandwidth=0, networkPayMode=3))
    return "ins-gz{0:06d}".format(number)


def run(capsys, **args):
    return run_module(cvm_instance_hour, capsys, dict(TASK, **args))


def test_lost_answer_of_a_committed_create_reports_the_new_instances(api, capsys):
    old = add(api, 1)
    add(api, 2, status=5)
    result = run(capsys, goods_num=3)
    assert result["failed"] is True and result["changed"] is True
    assert "connection to " + ENDPOINT in result["msg"] and "went through" in result["msg"]
    new = sorted(record["unInstanceId"] for record in api.records["gz"] if record["status"] == 3)
    assert len(new) == 2
    assert result["created_instance_ids"] == new
    assert result["instance_ids"] == [old] + new
    assert [i["instance_id"] for i in result["instances"]] == result["instance_ids"]
    assert result["transport_error"]["action"] == "RunInstancesHour"
    # The create was retried (the default 4 times), each time with the same business parameters: the API made 2 instances, not 10.
    attempts = api.calls_of("RunInstancesHour")
    assert len(attempts) == 5 and all(call.params == attempts[0].params for call in attempts)
    # The look-up (and the groups of the live instance), the create and its retries, then one look-up more.
    assert api.actions() == ["DescribeInstances", "DescribeSecurityGroupEx"] + ["RunInstancesHour"] * 5 + ["DescribeInstances"]


def test_lost_answer_of_a_create_that_did_nothing_says_so(api, capsys):
    api.before_call = lambda call: requests.exceptions.ConnectionError("connection refused") if call.action == "RunInstancesHour" else None
    result = run(capsys)
    assert result["failed"] is True and result["changed"] is False
    assert "may have gone through" in result["msg"] and "found no new instance" in result["msg"]
    assert result["created_instance_ids"] == [] and result["instance_ids"] == []
    assert api.records == {}


def test_failing_look_up_after_a_lost_answer_says_so(api, capsys):
    original = api.after_call

    def lose_then_fail_the_listing(call, answer):
        if call.action == "RunInstancesHour":
            api.errors["DescribeInstances"] = error("InternalError", "boom")
        original(call, answer)

    api.after_call = lose_then_fail_the_listing
    result = run(capsys)
    assert result["failed"] is True
    assert "may have gone through" in result["msg"] and "looking up its instances failed too" in result["msg"]
    assert "InternalError: boom (code 6000)" in result["msg"] and "connection to" in result["msg"]
    # What failed first is what the structured fields describe.
    assert result["transport_error"]["action"] == "RunInstancesHour"
    assert "api_error" not in result
    assert result["created_instance_ids"] == []


def test_api_errors_of_the_create_are_not_looked_up_again(api, capsys):
    api.after_call = None
    api.errors["RunInstancesHour"] = error("OperationFail.SystemBusy", "busy")
    result = run(capsys)
    assert result["api_error"]["code"] == "OperationFail.SystemBusy"
    # Retried as the API advises, then given up on; an API error is an answer, so nothing is looked up again.
    assert api.actions() == ["DescribeInstances"] + ["RunInstancesHour"] * 5


def test_a_re_run_after_a_lost_answer_finds_the_instances(api, capsys):
    first = run(capsys)
    assert first["failed"] is True and len(first["created_instance_ids"]) == 2
    api.after_call = None
    for record in api.records["gz"]:
        record["status"] = 2
    second = run(capsys)
    assert second["changed"] is False and second["instance_ids"] == first["instance_ids"]
    assert len(api.calls_of("RunInstancesHour")) == 5
