# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""StartInstances / StopInstances / RestartInstances (api-notes/legacy.md 5.3, batch-async answers of 2.1)."""

import re

import pytest

from emu_client import wait_for


def _status(emu, instance_id):
    answer = emu.client.call("DescribeInstances", {"instanceIds.0": instance_id})
    return answer["instanceSet"][0]["status"]


def _running(emu, count=1):
    return emu.control.post("seed", {"count": count, "status": 2})["ids"]


def _stopped(emu, count=1):
    return emu.control.post("seed", {"count": count, "status": 4})["ids"]


def test_stop_answer_shape_and_transition(emu):
    emu.control.post("config", {"power_delay": 0.5})
    (instance_id,) = _running(emu)
    answer = emu.client.call("StopInstances", {"instanceIds.0": instance_id})
    assert set(answer) == {"code", "message", "codeDesc", "detail"}
    assert (answer["code"], answer["message"], answer["codeDesc"]) == (0, "", "Success")
    item = answer["detail"][instance_id]
    assert set(item) == {"code", "message", "requestId", "codeDesc"}
    assert item["code"] == 0 and item["message"] == "" and item["codeDesc"] == "Success"
    assert re.fullmatch(r"\d{13}", item["requestId"])
    assert _status(emu, instance_id) == 9
    wait_for(lambda: _status(emu, instance_id) == 4)


@pytest.mark.parametrize("action, seed_status, middle, final", [("StartInstances", 4, 8, 2), ("StopInstances", 2, 9, 4), ("RestartInstances", 2, 7, 2)])
def test_transitions(emu, action, seed_status, middle, final):
    emu.control.post("config", {"power_delay": 0.4})
    (instance_id,) = emu.control.post("seed", {"count": 1, "status": seed_status})["ids"]
    assert emu.client.call(action, {"instanceIds.0": instance_id})["code"] == 0
    record = emu.control.instances()[0]
    assert record["status"] == middle
    wait_for(lambda: emu.control.instances()[0]["status"] == final)
    assert emu.control.instances()[0]["statusTime"] >= record["statusTime"]


def test_power_delay_zero_is_immediate(emu):
    emu.control.post("config", {"power_delay": 0})
    (instance_id,) = _running(emu)
    emu.client.call("StopInstances", {"instanceIds.0": instance_id, "forceStop": "1"})
    assert _status(emu, instance_id) == 4


def test_batch_all_ok_and_request_ids_distinct(emu):
    ids = _running(emu, 3)
    answer = emu.client.call("RestartInstances", {f"instanceIds.{n}": value for n, value in enumerate(ids)})
    assert answer["code"] == 0 and set(answer["detail"]) == set(ids)
    assert len({item["requestId"] for item in answer["detail"].values()}) == 3


def test_wrong_state_all_failed(emu):
    (instance_id,) = _stopped(emu)
    answer = emu.client.call("StopInstances", {"instanceIds.0": instance_id})
    assert answer["code"] == 5100 and answer["codeDesc"] == "OperationFail"
    assert answer["message"].startswith("(100027)")
    item = answer["detail"][instance_id]
    assert item["code"] == 5100 and item["codeDesc"] == "OperationConstraints.InvaildInstanceStatus"
    assert item["message"].startswith("(100022)") and "status 4" in item["message"]
    assert item["requestId"] == ""
    assert _status(emu, instance_id) == 4


def test_partial_failure(emu):
    emu.control.post("config", {"power_delay": 30})
    running, stopped = _running(emu)[0], _stopped(emu)[0]
    answer = emu.client.call("StopInstances", {"instanceIds.0": running, "instanceIds.1": stopped, "instanceIds.2": "ins-nothere0"})
    assert answer["code"] == 5400 and answer["codeDesc"] == "OperationFail.PartialFailure"
    assert answer["detail"][running]["code"] == 0
    assert answer["detail"][stopped]["codeDesc"] == "OperationConstraints.InvaildInstanceStatus"
    missing = answer["detail"]["ins-nothere0"]
    assert missing["code"] == 5000 and missing["codeDesc"] == "ResourceNotFound"
    assert _status(emu, running) == 9 and _status(emu, stopped) == 4


@pytest.mark.parametrize("action", ["StartInstances", "StopInstances", "RestartInstances"])
def test_creating_instance_refused(emu, action):
    emu.control.post("config", {"create_delay": 30})
    instance_id = emu.client.create()["unInstanceIds"][0]
    item = emu.client.call(action, {"instanceIds.0": instance_id})["detail"][instance_id]
    assert item["codeDesc"] == "OperationConstraints.InvaildInstanceStatus" and "status 3" in item["message"]


def test_busy_states_refused(emu):
    emu.control.post("config", {"power_delay": 30})
    (instance_id,) = _running(emu)
    emu.client.call("StopInstances", {"instanceIds.0": instance_id})
    for action in ("StartInstances", "StopInstances", "RestartInstances"):
        assert emu.client.call(action, {"instanceIds.0": instance_id})["code"] == 5100
    returned = emu.client.call("ReturnInstance", {"instanceId": instance_id})
    assert returned["codeDesc"] == "OperationConstraints.InvaildInstanceStatus"


def test_return_after_stop(emu):
    emu.control.post("config", {"power_delay": 0})
    (instance_id,) = _running(emu)
    emu.client.call("StopInstances", {"instanceIds.0": instance_id})
    assert emu.client.call("ReturnInstance", {"instanceId": instance_id})["code"] == 0
    assert emu.client.call("StartInstances", {"instanceIds.0": instance_id})["code"] == 5100


def test_legacy_id_and_other_region(emu):
    (instance_id,) = _running(emu)
    legacy = emu.control.instances()[0]["instanceId"]
    answer = emu.client.call("StopInstances", {"instanceIds.0": legacy})
    assert answer["code"] == 0 and list(answer["detail"]) == [legacy]
    elsewhere = emu.client.call("StartInstances", {"instanceIds.0": instance_id}, region="sh")
    assert elsewhere["detail"][instance_id]["code"] == 5000


@pytest.mark.parametrize(
    "params, word",
    [
        ({}, "instanceIds.0"),
        ({"instanceIds": "ins-abcdefgh"}, "instanceIds"),
        ({"instanceIds.0": "ins-abcdefgh", "forceStop": "2"}, "forceStop"),
        ({"instanceIds.0": "ins-abcdefgh", "forceStop": "yes"}, "forceStop"),
        ({"instanceIds.0": "ins-abcdefgh", "instanceIds.1": "ins-abcdefgh"}, "more than once"),
        ({f"instanceIds.{n}": f"ins-{n:08d}" for n in range(101)}, "at most 100"),
    ],
)
def test_parameter_errors(emu, params, word):
    answer = emu.client.call("StopInstances", params, method="POST")
    assert answer["code"] == 4000 and word in answer["message"] and "detail" not in answer, answer


def test_same_instance_by_both_ids_is_a_duplicate(emu):
    (instance_id,) = _running(emu)
    legacy = emu.control.instances()[0]["instanceId"]
    answer = emu.client.call("StopInstances", {"instanceIds.0": instance_id, "instanceIds.1": legacy})
    assert answer["code"] == 4000 and "more than once" in answer["message"]


def test_busy_fault_for_one_instance(emu):
    emu.control.post("config", {"power_delay": 30})
    ids = _running(emu, 3)
    fault = emu.control.post("faults", {"action": "StopInstances", "kind": "busy", "instance_id": ids[1]})["fault"]
    assert fault["instance_id"] == ids[1]
    # A call that does not name the instance leaves the fault pending.
    assert emu.client.call("StopInstances", {"instanceIds.0": ids[0]})["code"] == 0
    answer = emu.client.call("StopInstances", {"instanceIds.0": ids[1], "instanceIds.1": ids[2]})
    assert answer["code"] == 5400
    assert answer["detail"][ids[1]]["codeDesc"] == "OperationFail.SystemBusy"
    assert answer["detail"][ids[2]]["code"] == 0
    assert [_status(emu, value) for value in ids] == [9, 2, 9]
    assert emu.control.get("faults")["faults"] == []
    logged = emu.control.get("requests?action=StopInstances")["requests"]
    assert [(entry["fault"], entry["code"]) for entry in logged] == [(None, 0), ("busy", 5400)]
    assert emu.client.call("StopInstances", {"instanceIds.0": ids[1]})["code"] == 0


def test_busy_fault_without_instance_fails_the_whole_call(emu):
    ids = _running(emu, 2)
    emu.control.post("faults", {"action": "StartInstances", "kind": "busy"})
    answer = emu.client.call("StartInstances", {"instanceIds.0": ids[0], "instanceIds.1": ids[1]})
    assert answer["code"] == 5100 and answer["codeDesc"] == "OperationFail.SystemBusy" and "detail" not in answer


def test_config_power_delay(emu):
    assert emu.control.get("config")["config"]["power_delay"] == 1.0
    assert emu.control.post("config", {"power_delay": 2.5})["config"]["power_delay"] == 2.5
    assert "error" in emu.control.post("config", {"power_delay": -1}, expect=400)
    emu.control.post("reset")
    assert emu.control.get("config")["config"]["power_delay"] == 1.0
