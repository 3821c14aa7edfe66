# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Fault injection and the /_emulator/ control API."""

import http.client
import json
import time

import pytest

from emu_client import wait_for


def test_busy(emu):
    emu.control.post("faults", {"action": "DescribeInstances", "kind": "busy", "times": 2})
    for _attempt in range(2):
        answer = emu.client.call("DescribeInstances")
        assert answer["code"] == 5100 and answer["codeDesc"] == "OperationFail.SystemBusy"
    assert emu.client.call("DescribeInstances")["code"] == 0
    log = emu.control.requests()
    assert [entry["fault"] for entry in log] == ["busy", "busy", None]
    assert [entry["code"] for entry in log] == [5100, 5100, 0]


def test_fault_only_matches_its_action(emu):
    emu.control.post("faults", {"action": "RunInstancesHour", "kind": "busy"})
    assert emu.client.call("DescribeInstances")["code"] == 0
    assert emu.client.create()["code"] == 5100
    assert emu.client.create()["code"] == 0


def test_fault_not_consumed_by_failed_auth(emu):
    emu.control.post("faults", {"action": "*", "kind": "busy"})
    params = emu.client.signed("DescribeInstances")
    params["Signature"] = "bad"
    assert json.loads(emu.client.send("GET", params)[1])["code"] == 4100
    assert emu.client.call("DescribeInstances")["code"] == 5100


def test_http_500(emu):
    emu.control.post("faults", {"action": "RunInstancesHour", "kind": "http_500"})
    status, body = emu.client.send("GET", emu.client.signed("RunInstancesHour", {"cpu": "1"}))
    assert status == 500
    with pytest.raises(ValueError):
        json.loads(body)
    assert emu.control.instances() == []
    entry = emu.control.requests()[-1]
    assert entry["fault"] == "http_500" and entry["code"] is None


def test_malformed(emu):
    emu.control.post("faults", {"action": "*", "kind": "malformed"})
    status, body = emu.client.send("GET", emu.client.signed("DescribeInstances"))
    assert status == 200
    with pytest.raises(ValueError):
        json.loads(body)
    assert emu.control.requests()[-1]["code"] is None


def test_delay(emu):
    emu.control.post("faults", {"action": "DescribeInstances", "kind": "delay", "seconds": 0.5})
    started = time.monotonic()
    assert emu.client.call("DescribeInstances")["code"] == 0
    assert time.monotonic() - started >= 0.5
    entry = emu.control.requests()[-1]
    assert entry["fault"] == "delay" and entry["code"] == 0


def test_drop_after_commit(emu):
    emu.control.post("faults", {"action": "RunInstancesHour", "kind": "drop_after_commit"})
    params = emu.client.signed(
        "RunInstancesHour", {"imageId": "img-3wnd9xpl", "cpu": "1", "mem": "2", "storageSize": "0", "zoneId": "100001", "clientToken": "drop-1"}
    )
    with pytest.raises((http.client.HTTPException, ConnectionError)):
        emu.client.send("GET", params)
    # The instance was committed although no answer arrived.
    (instance,) = emu.control.instances()
    entry = emu.control.requests()[-1]
    assert entry["fault"] == "drop_after_commit" and entry["code"] is None
    # A retry with the same clientToken gets the committed instance, nothing new.
    retry = emu.client.create({"clientToken": "drop-1"})
    assert retry["unInstanceIds"] == [instance["unInstanceId"]]
    assert len(emu.control.instances()) == 1


def test_create_fails(emu):
    emu.control.post("config", {"create_delay": 1.0})
    emu.control.post("faults", {"action": "RunInstancesHour", "kind": "create_fails"})
    # A rejected create does not consume it.
    assert emu.client.create({"storageSize": "5"})["code"] == 4000
    failed = emu.client.create()["unInstanceIds"][0]
    fine = emu.client.create()["unInstanceIds"][0]
    statuses = {item["unInstanceId"]: item["status"] for item in emu.control.instances()}
    assert statuses == {failed: 3, fine: 3}
    wait_for(lambda: all(item["status"] != 3 for item in emu.control.instances()))
    statuses = {item["unInstanceId"]: item["status"] for item in emu.control.instances()}
    assert statuses == {failed: -1, fine: 2}
    assert [entry["fault"] for entry in emu.control.requests()] == [None, "create_fails", None]


def test_fault_list_and_clear(emu):
    added = emu.control.post("faults", {"action": "*", "kind": "delay", "times": 3})["fault"]
    assert added["seconds"] == 1.0 and added["times"] == 3
    assert emu.control.get("faults")["faults"] == [added]
    emu.control.delete("faults")
    assert emu.control.get("faults")["faults"] == []


@pytest.mark.parametrize("kind, code, code_desc", [("internal_error", 6000, "InternalError"), ("request_limit", 4400, "RequestLimitExceeded")])
def test_error_kinds(emu, kind, code, code_desc):
    emu.control.post("faults", {"action": "RunInstancesHour", "kind": kind})
    answer = emu.client.create()
    assert answer["code"] == code and answer["codeDesc"] == code_desc and "injected" in answer["message"]
    assert emu.control.instances() == []
    assert emu.control.requests()[-1]["fault"] == kind


@pytest.mark.parametrize(
    "action",
    [
        "StartInstances",
        "StopInstances",
        "RestartInstances",
        "UpdateInstanceBandwidthHour",
        "ModifySecurityGroupsOfInstance",
        "DescribeSecurityGroupEx",
        "DescribeInstancesOfSecurityGroup",
    ],
)
def test_faults_for_new_actions(emu, action):
    emu.control.post("faults", {"action": action, "kind": "busy"})
    emu.client.call("DescribeInstances")
    assert len(emu.control.get("faults")["faults"]) == 1
    answer = emu.client.call(action, {"sgId": "sg-gzweb001"})
    assert answer["codeDesc"] == "OperationFail.SystemBusy"
    assert emu.control.get("faults")["faults"] == []


@pytest.mark.parametrize(
    "body",
    [
        {"kind": "explode"},
        {"action": "Nope", "kind": "busy"},
        {"kind": "busy", "times": 0},
        {"kind": "delay", "seconds": -1},
        {"kind": "create_fails", "action": "DescribeInstances"},
        {"kind": "busy", "extra": 1},
        ["busy"],
        {"kind": "busy", "instance_id": ""},
        {"kind": "busy", "instance_id": 7},
        {"kind": "create_fails", "instance_id": "ins-abcdefgh"},
    ],
)
def test_fault_validation(emu, body):
    assert "error" in emu.control.post("faults", body, expect=400)


def test_requests_log(emu):
    emu.client.create({"password": "abcd1234"}, method="POST")
    emu.client.call("DescribeInstances", region="ap-guangzhou")
    bad = emu.client.signed("DescribeInstances")
    bad["Signature"] = "x"
    emu.client.send("GET", bad)
    log = emu.control.requests()
    assert [entry["seq"] for entry in log] == [1, 2, 3]
    assert [entry["http_method"] for entry in log] == ["POST", "GET", "GET"]
    assert [entry["action"] for entry in log] == ["RunInstancesHour", "DescribeInstances", "DescribeInstances"]
    assert [entry["code"] for entry in log] == [0, 0, 4100]
    assert log[1]["region"] == "gz"
    first = log[0]["params"]
    assert first["password"] == "********" and first["Signature"] == "********"
    assert first["imageId"] == "img-3wnd9xpl" and first["cpu"] == "1"
    assert set(log[0]) == {"seq", "time", "http_method", "action", "region", "params", "code", "fault"}
    assert [entry["seq"] for entry in emu.control.get("requests?since=2")["requests"]] == [3]
    assert len(emu.control.get("requests?action=RunInstancesHour")["requests"]) == 1


def test_config_and_reset_restore(emu):
    config = emu.control.post("config", {"create_delay": 5, "balance": 12.5})["config"]
    assert config["create_delay"] == 5.0 and config["balance"] == "12.5"
    assert "error" in emu.control.post("config", {"create_delay": -1}, expect=400)
    assert "error" in emu.control.post("config", {"colour": "red"}, expect=400)
    emu.client.create()
    emu.control.post("faults", {"kind": "busy"})
    emu.control.post("reset")
    assert emu.control.instances() == []
    assert emu.control.requests() == []
    assert emu.control.get("faults")["faults"] == []
    assert emu.control.get("config")["config"]["create_delay"] == 0.3


def test_instances_all_regions(emu):
    emu.client.create()
    emu.client.create({"zoneId": "200002"}, region="sh")
    regions = sorted(item["Region"] for item in emu.control.instances())
    assert regions == ["gz", "sh"]


def test_seed(emu):
    answer = emu.control.post("seed", {"count": 12, "regions": ["gz", "ap-shanghai"], "name_prefix": "inv"})
    assert answer["count"] == 12 and len(set(answer["ids"])) == 12
    instances = emu.control.instances()
    by_region = {}
    for item in instances:
        by_region.setdefault(item["Region"], []).append(item)
        assert item["status"] == 2 and item["instanceName"].startswith("inv-")
    assert len(by_region["gz"]) == 6 and len(by_region["sh"]) == 6
    assert len({item["zoneId"] for item in by_region["gz"]}) == 6
    assert len({item["lanIp"] for item in instances}) == 12


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"count": 0},
        {"count": 5, "regions": ["mars"]},
        {"count": 5, "regions": ["jp"]},
        {"count": 5, "status": 99},
        {"count": 5, "bogus": 1},
        {"count": "5"},
    ],
)
def test_seed_validation(emu, body):
    assert "error" in emu.control.post("seed", body, expect=400)


def test_control_unknown_and_wrong_method(emu):
    emu.control.get("nothing", expect=404)
    conn = emu.client.connection()
    conn.request("PUT", "/_emulator/reset", body=b"{}")
    response = conn.getresponse()
    response.read()
    conn.close()
    assert response.status == 501
    emu.control.get("reset", expect=405)
