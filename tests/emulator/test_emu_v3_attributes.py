# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""UserData and DescribeInstancesAttributes (api-notes/v3.md 10.5, 10.7 item 8); termination protection
(10.6) through both faces."""

import base64

import pytest

from cvm_emulator.config import Settings
from cvm_emulator.server import RunningEmulator
from emu_v3_client import RUN_EXAMPLE, V3Client

SCRIPT = base64.b64encode(b"#!/bin/sh\necho hello\n").decode("ascii")


def _attributes(v3, ids, **kwargs):
    return v3.ok("DescribeInstancesAttributes", {"InstanceIds": ids, "Attributes": ["UserData"]}, **kwargs)["InstanceSet"]


def test_user_data_stored_and_read_back(v3, emu):
    emu.control.post("config", {"create_delay": 0})
    ids = v3.run({"InstanceCount": 2, "UserData": SCRIPT})
    (bare,) = v3.run()
    (empty,) = v3.run({"UserData": ""})
    found = _attributes(v3, [bare, ids[1], ids[0], empty])
    assert found == [
        {"InstanceId": bare, "Attributes": {"UserData": None}},
        {"InstanceId": ids[1], "Attributes": {"UserData": SCRIPT}},
        {"InstanceId": ids[0], "Attributes": {"UserData": SCRIPT}},
        {"InstanceId": empty, "Attributes": {"UserData": None}},
    ]
    assert "UserData" not in v3.instance(ids[0]), "DescribeInstances has no user data"
    # GET works too; the largest accepted user data is 16384 characters of base64.
    biggest = base64.b64encode(b"x" * 12288).decode("ascii")
    assert len(biggest) == 16384
    (large,) = v3.run({"UserData": biggest})
    assert _attributes(v3, [large], method="GET")[0]["Attributes"]["UserData"] == biggest
    # ModifyInstancesAttribute changes it (one attribute per call), an empty string clears it.
    other = base64.b64encode(b"runcmd: [true]").decode("ascii")
    assert v3.ok("ModifyInstancesAttribute", {"InstanceIds": ids, "UserData": other})
    assert {item["Attributes"]["UserData"] for item in _attributes(v3, ids)} == {other}
    assert v3.instance(ids[0])["LatestOperation"] == "ModifyInstancesAttribute"
    assert v3.ok("ModifyInstancesAttribute", {"InstanceIds": ids[:1], "UserData": ""})
    assert _attributes(v3, ids[:1])[0]["Attributes"]["UserData"] is None
    assert v3.error("ModifyInstancesAttribute", {"InstanceIds": ids, "UserData": other, "InstanceName": "x"}) == "InvalidParameterCombination"


@pytest.mark.parametrize(
    "user_data,code",
    [
        ("not base64!", "InvalidParameterValue.InvalidUserDataFormat"),
        ("YWJj\n", "InvalidParameterValue.InvalidUserDataFormat"),
        ("YWJjZA", "InvalidParameterValue.InvalidUserDataFormat"),
        ("YW Jj", "InvalidParameterValue.InvalidUserDataFormat"),
        ("YWJj-_==", "InvalidParameterValue.InvalidUserDataFormat"),
        (base64.b64encode(b"x" * 12289).decode("ascii"), "InvalidParameterValue"),
    ],
)
def test_user_data_rules(v3, emu, user_data, code):
    emu.control.post("config", {"create_delay": 0})
    assert v3.error("RunInstances", dict(RUN_EXAMPLE, UserData=user_data)) == code
    assert v3.error("RunInstances", dict(RUN_EXAMPLE, UserData=user_data, DryRun=True)) == code
    assert v3.error("InquiryPriceRunInstances", dict(RUN_EXAMPLE, UserData=user_data)) == code
    (instance_id,) = v3.run()
    assert v3.error("ModifyInstancesAttribute", {"InstanceIds": [instance_id], "UserData": user_data}) == code


def test_describe_attributes_errors(v3, emu):
    emu.control.post("config", {"create_delay": 0, "return_delay": 0})
    ids = v3.run({"InstanceCount": 2})
    for params, code in [
        ({"InstanceIds": ids}, "MissingParameter"),
        ({"Attributes": ["UserData"]}, "MissingParameter"),
        ({"InstanceIds": ids, "Attributes": []}, "MissingParameter"),
        ({"InstanceIds": [], "Attributes": ["UserData"]}, "MissingParameter"),
        ({"InstanceIds": ids, "Attributes": ["HostName"]}, "InvalidParameterValue"),
        ({"InstanceIds": ["i-1"], "Attributes": ["UserData"]}, "InvalidParameterValue.InstanceIdMalformed"),
        ({"InstanceIds": [ids[0], ids[0]], "Attributes": ["UserData"]}, "InvalidParameterValue"),
        ({"InstanceIds": [f"ins-{n:08d}" for n in range(101)], "Attributes": ["UserData"]}, "InvalidParameterValue.LimitExceeded"),
        ({"InstanceIds": [ids[0], "ins-nothere1"], "Attributes": ["UserData"]}, "InvalidInstanceId.NotFound"),
        ({"InstanceIds": ids, "Attributes": "UserData"}, "InvalidParameter"),
    ]:
        assert v3.error("DescribeInstancesAttributes", params) == code, params
    assert v3.error("DescribeInstancesAttributes", {"InstanceIds": ids, "Attributes": ["UserData"]}, region="ap-shanghai") == "InvalidInstanceId.NotFound"
    v3.ok("TerminateInstances", {"InstanceIds": ids[1:]})
    assert v3.error("DescribeInstancesAttributes", {"InstanceIds": ids, "Attributes": ["UserData"]}) == "InvalidInstanceId.NotFound", "terminated = gone"
    (seeded,) = emu.control.post("seed", {"count": 1})["ids"]
    assert _attributes(v3, [seeded]) == [{"InstanceId": seeded, "Attributes": {"UserData": None}}]


def test_user_data_survives_a_restart(tmp_path):
    path = str(tmp_path / "state.sqlite")
    with RunningEmulator(Settings(state_file=path)) as first:
        (instance_id,) = V3Client(first.url).run({"UserData": SCRIPT})
    with RunningEmulator(Settings(state_file=path)) as second:
        assert _attributes(V3Client(second.url), [instance_id])[0]["Attributes"]["UserData"] == SCRIPT


def test_protection(v3, emu):
    emu.control.post("config", {"create_delay": 0, "return_delay": 0})
    (protected,) = v3.run({"DisableApiTermination": True})
    ids = v3.run({"InstanceCount": 2})
    assert v3.instance(protected)["DisableApiTermination"] is True and v3.instance(ids[0])["DisableApiTermination"] is False
    # One protected id fails the whole call; nothing is terminated.
    assert v3.error("TerminateInstances", {"InstanceIds": ids + [protected]}) == "UnsupportedOperation.InstancesProtected"
    assert {v3.instance(i)["InstanceState"] for i in ids + [protected]} == {"RUNNING"}
    # The legacy face refuses to return it too (it has no protection of its own).
    answer = emu.client.call("ReturnInstance", {"instanceId": protected})
    assert answer["code"] == 5100 and answer["codeDesc"] == "OperationConstraints.InvaildInstanceStatus" and "protection" in answer["message"]
    # Changed through ModifyInstancesAttribute, in any state but TERMINATING; the state file keeps it (test_emu_v3_mechanisms).
    assert v3.ok("ModifyInstancesAttribute", {"InstanceIds": ids, "DisableApiTermination": True})
    assert v3.error("TerminateInstances", {"InstanceIds": ids[:1]}) == "UnsupportedOperation.InstancesProtected"
    assert v3.ok("ModifyInstancesAttribute", {"InstanceIds": ids + [protected], "DisableApiTermination": False})
    assert emu.client.call("ReturnInstance", {"instanceId": protected})["code"] == 0
    assert v3.ok("TerminateInstances", {"InstanceIds": ids})
    assert v3.instances() == []
