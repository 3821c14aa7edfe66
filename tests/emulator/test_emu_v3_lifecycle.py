# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""API 3.0 Start/Stop/Reboot/TerminateInstances: the state machine, whole-call errors, both faces."""

import pytest

from emu_client import wait_for


def _seed(emu, count=1, status=2):
    return emu.control.post("seed", {"count": count, "status": status})["ids"]


def _state(v3, instance_id):
    inst = v3.instance(instance_id)
    return inst and inst["InstanceState"]


def _legacy_status(emu, instance_id):
    found = emu.client.call("DescribeInstances", {"instanceIds.0": instance_id})["instanceSet"]
    return found[0]["status"] if found else None


@pytest.fixture
def fast(emu):
    emu.control.post("config", {"power_delay": 0.3, "create_delay": 0.1, "return_delay": 0.3})
    return emu


def test_stop_start_reboot(v3, fast):
    (instance_id,) = _seed(fast)
    # Seeded instances have a local disk: STOP_CHARGING is refused for them (test_emu_v3_guardrails.py).
    assert v3.ok("StopInstances", {"InstanceIds": [instance_id], "StopType": "SOFT_FIRST", "StoppedMode": "KEEP_CHARGING"})
    inst = v3.instance(instance_id)
    assert inst["InstanceState"] == "STOPPING" and _legacy_status(fast, instance_id) == 9
    assert (inst["LatestOperation"], inst["LatestOperationState"]) == ("StopInstances", "OPERATING")
    assert v3.error("StartInstances", {"InstanceIds": [instance_id]}) == "OperationDenied.InstanceOperationInProgress"
    wait_for(lambda: _state(v3, instance_id) == "STOPPED")
    inst = v3.instance(instance_id)
    assert inst["LatestOperationState"] == "SUCCESS" and inst["StopChargingMode"] == "KEEP_CHARGING"
    assert _legacy_status(fast, instance_id) == 4
    assert v3.error("StopInstances", {"InstanceIds": [instance_id]}) == "UnsupportedOperation.InstanceStateStopped"
    assert v3.error("RebootInstances", {"InstanceIds": [instance_id]}) == "UnsupportedOperation.InstanceStateStopped"
    assert v3.ok("StartInstances", {"InstanceIds": [instance_id]})
    assert _state(v3, instance_id) == "STARTING" and _legacy_status(fast, instance_id) == 8
    wait_for(lambda: _state(v3, instance_id) == "RUNNING")
    assert v3.instance(instance_id)["StopChargingMode"] == "NOT_APPLICABLE"
    assert v3.error("StartInstances", {"InstanceIds": [instance_id]}) == "UnsupportedOperation.InstanceStateRunning"
    assert v3.ok("RebootInstances", {"InstanceIds": [instance_id], "StopType": "HARD"})
    assert _state(v3, instance_id) == "REBOOTING" and _legacy_status(fast, instance_id) == 7
    wait_for(lambda: _state(v3, instance_id) == "RUNNING")
    assert v3.instance(instance_id)["LatestOperation"] == "RebootInstances"


def test_legacy_power_changes_seen_by_3_0(v3, fast):
    (instance_id,) = _seed(fast)
    assert fast.client.call("StopInstances", {"instanceIds.0": instance_id})["code"] == 0
    inst = v3.instance(instance_id)
    assert inst["InstanceState"] == "STOPPING" and inst["LatestOperation"] == "StopInstances"
    assert len(inst["LatestOperationRequestId"]) == 13
    wait_for(lambda: _state(v3, instance_id) == "STOPPED")
    assert v3.instance(instance_id)["StopChargingMode"] == "KEEP_CHARGING"
    assert fast.client.call("RestartInstances", {"instanceIds.0": instance_id})["code"] == 5100
    assert v3.ok("StartInstances", {"InstanceIds": [instance_id]})
    wait_for(lambda: _legacy_status(fast, instance_id) == 2)
    assert fast.client.call("RestartInstances", {"instanceIds.0": instance_id})["code"] == 0
    assert v3.instance(instance_id)["LatestOperation"] == "RebootInstances"


def test_whole_call_errors(v3, fast):
    running, stopped = _seed(fast, 1, 2)[0], _seed(fast, 1, 4)[0]
    assert v3.error("StopInstances", {"InstanceIds": [running, stopped]}) == "UnsupportedOperation.InstanceStateStopped"
    assert _state(v3, running) == "RUNNING", "nothing changed: no partial success"
    assert v3.error("StopInstances", {"InstanceIds": [running, "ins-zzzzzzzz"]}) == "InvalidInstanceId.NotFound"
    assert v3.error("StopInstances", {"InstanceIds": [running, running]}) == "InvalidParameterValue"
    assert v3.error("StopInstances", {"InstanceIds": []}) == "MissingParameter"
    assert v3.error("StopInstances", {}) == "MissingParameter"
    assert v3.error("StopInstances", {"InstanceIds": ["ins-1"]}) == "InvalidInstanceId.Malformed"
    assert v3.error("StopInstances", {"InstanceIds": [f"ins-{i:08d}" for i in range(101)]}) == "InvalidParameterValue.LimitExceeded"
    assert v3.error("StopInstances", {"InstanceIds": [running], "StopType": "GENTLE"}) == "InvalidParameterValue"
    assert v3.error("StopInstances", {"InstanceIds": [running], "StoppedMode": "FREE"}) == "InvalidParameterValue"
    assert v3.error("StopInstances", {"InstanceIds": [running], "StopType": "SOFT", "ForceStop": True}) == "InvalidParameterCombination"
    assert v3.error("RebootInstances", {"InstanceIds": [running], "StopType": "SOFT", "ForceReboot": True}) == "InvalidParameterCombination"
    assert v3.error("RebootInstances", {"InstanceIds": [running], "StoppedMode": "KEEP_CHARGING"}) == "UnknownParameter"
    assert v3.error("StopInstances", {"InstanceIds": [running]}, region="ap-shanghai") == "InvalidInstanceId.NotFound"
    assert v3.ok("StopInstances", {"InstanceIds": [running], "ForceStop": True})


@pytest.mark.parametrize(
    "status, code",
    [
        (1, "UnsupportedOperation.InstanceStateCorrupted"),
        (-1, "UnsupportedOperation.InstanceStateLaunchFailed"),
        (6, "UnsupportedOperation.InstanceStateTerminating"),
        (5, "UnsupportedOperation.InstanceStateTerminated"),
        (13, "OperationDenied.InstanceOperationInProgress"),
        (3, "OperationDenied.InstanceOperationInProgress"),
    ],
)
def test_state_errors(v3, emu, status, code):
    (instance_id,) = _seed(emu, 1, status)
    assert v3.error("StopInstances", {"InstanceIds": [instance_id]}) == code


def test_terminate(v3, fast):
    ids = _seed(fast, 2)
    assert v3.ok("TerminateInstances", {"InstanceIds": ids})
    assert {_state(v3, instance_id) for instance_id in ids} == {"TERMINATING"}
    assert _legacy_status(fast, ids[0]) == 6
    inst = v3.instance(ids[0])
    assert (inst["LatestOperation"], inst["LatestOperationState"]) == ("TerminateInstances", "OPERATING")
    assert v3.error("TerminateInstances", {"InstanceIds": [ids[0]]}) == "UnsupportedOperation.InstanceStateTerminating"
    assert v3.error("ModifyInstancesAttribute", {"InstanceIds": [ids[0]], "InstanceName": "x"}) == "UnsupportedOperation.InstanceStateTerminating"
    wait_for(lambda: v3.instance(ids[0]) is None)
    assert v3.ok("DescribeInstances")["TotalCount"] == 0
    assert _legacy_status(fast, ids[0]) == 5, "the legacy face shows returned (5) until forget_delay"
    assert v3.error("TerminateInstances", {"InstanceIds": [ids[1]]}) == "UnsupportedOperation.InstanceStateTerminated"
    assert fast.client.call("ReturnInstance", {"instanceId": ids[1]})["code"] == 5100


def test_terminate_rules(v3, fast):
    stopped, failed, fault = _seed(fast, 1, 4)[0], _seed(fast, 1, -1)[0], _seed(fast, 1, 1)[0]
    assert v3.ok("TerminateInstances", {"InstanceIds": [stopped, fault]})
    assert v3.error("TerminateInstances", {"InstanceIds": [failed]}) == "UnsupportedOperation.InstanceStateLaunchFailed"
    (protected,) = v3.run({"DisableApiTermination": True})
    wait_for(lambda: _state(v3, protected) == "RUNNING")
    assert v3.error("TerminateInstances", {"InstanceIds": [protected]}) == "UnsupportedOperation.InstancesProtected"
    assert v3.ok("ModifyInstancesAttribute", {"InstanceIds": [protected], "DisableApiTermination": False})
    assert v3.ok("TerminateInstances", {"InstanceIds": [protected], "ReleaseAddress": True})
    assert v3.error("TerminateInstances", {"InstanceIds": []}) == "MissingParameter"


def test_legacy_return_seen_by_3_0(v3, fast):
    (instance_id,) = _seed(fast)
    assert fast.client.call("ReturnInstance", {"instanceId": instance_id})["code"] == 0
    assert _state(v3, instance_id) == "TERMINATING"
    assert v3.instance(instance_id)["LatestOperation"] == "TerminateInstances"
    wait_for(lambda: v3.instance(instance_id) is None)


def test_create_fails_on_both_faces(v3, fast):
    fast.control.post("faults", {"action": "RunInstances", "kind": "create_fails"})
    assert fast.client.create()["code"] == 0, "a legacy create does not consume a RunInstances fault"
    (failing,) = v3.run()
    wait_for(lambda: _state(v3, failing) == "LAUNCH_FAILED")
    inst = v3.instance(failing)
    assert inst["LatestOperationState"] == "FAILED" and "create_fails" in inst["LatestOperationErrorMsg"]
    assert _legacy_status(fast, failing) == -1
    assert fast.control.requests()[-1]["fault"] is None
    fast.control.post("faults", {"action": "RunInstancesHour", "kind": "create_fails"})
    (legacy,) = fast.client.create()["unInstanceIds"]
    wait_for(lambda: _state(v3, legacy) == "LAUNCH_FAILED")
    assert v3.instance(legacy)["LatestOperationErrorMsg"]
    log = fast.control.get("requests?face=v3")["requests"]
    assert [entry["fault"] for entry in log if entry["action"] == "RunInstances"] == ["create_fails"]
