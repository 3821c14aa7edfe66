# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Action timers (api-notes/v3.md 10.1, 10.7 items 1-3) and the emulator's clock control.

Timers fire on the emulator's clock; ``POST /_emulator/clock`` moves it, so
nothing here sleeps for minutes.
"""

import re
import time

import pytest

from cvm_emulator.config import Settings
from cvm_emulator.server import RunningEmulator
from emu_client import Control, wait_for
from emu_v3_client import RUN_EXAMPLE, V3Client

UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def iso(epoch):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def now(emu):
    return emu.control.get("clock")["clock"]["now"]


def advance(emu, seconds):
    return emu.control.post("clock", {"advance": seconds})["clock"]


def move_to(emu, epoch):
    """Set the emulator's clock to a whole second (the wall clock then runs on from there)."""
    return emu.control.post("clock", {"to": iso(epoch)})["clock"]


def timer(at, action="TerminateInstances"):
    return {"TimerAction": action, "ActionTime": iso(at)} if action else {"ActionTime": iso(at)}


def _seed(emu, count=1, status=2):
    return emu.control.post("seed", {"count": count, "status": status})["ids"]


def _legacy(emu, instance_id):
    found = emu.client.call("DescribeInstances", {"instanceIds.0": instance_id})["instanceSet"]
    return found[0]["status"] if found else None


def _timers(v3, **params):
    response = v3.ok("DescribeInstancesActionTimer", params)
    assert "TotalCount" not in response
    return response["ActionTimers"]


@pytest.fixture
def fast(emu):
    emu.control.post("config", {"create_delay": 0, "return_delay": 2, "power_delay": 0, "forget_delay": 60})
    return emu


def test_clock_control(emu):
    first = emu.control.get("clock")["clock"]
    assert first["offset"] == 0.0 and abs(first["now"] - time.time()) < 5 and first["time"] == iso(first["now"])
    moved = advance(emu, 3600)
    assert moved["offset"] == 3600.0 and moved["now"] - first["now"] >= 3600
    target = iso(moved["now"] + 86400)
    assert emu.control.post("clock", {"to": target})["clock"]["time"] == target
    for body in ({"advance": -1}, {"advance": "1"}, {"advance": True}, {}, {"advance": 1, "to": target}, {"to": "2001-01-01T00:00:00Z"}, {"to": "soon"}):
        assert "error" in emu.control.post("clock", body, expect=400)
    assert "error" in emu.control.post("clock", {"speed": 2}, expect=400)
    emu.control.post("reset")
    assert emu.control.get("clock")["clock"]["offset"] == 0.0


def test_clock_moves_everything_but_signatures(v3, emu):
    emu.control.post("config", {"create_delay": 3600, "power_delay": 3600})
    (instance_id,) = v3.run()
    assert v3.instance(instance_id)["InstanceState"] == "PENDING"
    advance(emu, 3601)
    inst = v3.instance(instance_id)  # signed with the real clock: still accepted
    assert inst["InstanceState"] == "RUNNING" and inst["LatestOperationState"] == "SUCCESS"
    # CreatedTime is on the emulator's clock: an hour after the first instance's.
    (later,) = v3.run()
    assert v3.instance(later)["CreatedTime"] >= iso(time.time() + 3600)[:16]
    v3.ok("StopInstances", {"InstanceIds": [instance_id]})
    advance(emu, 3600)
    assert v3.instance(instance_id)["InstanceState"] == "STOPPED"
    # Signatures stay on the wall clock: a timestamp 400 s behind it is refused, whatever the offset.
    assert v3.error("DescribeZones", timestamp=int(time.time()) - 400) == "AuthFailure.SignatureExpire"
    assert emu.client.call("DescribeInstances")["code"] == 0


def test_import_describe_delete(v3, fast):
    ids = v3.run({"InstanceCount": 3})
    at = int(now(fast)) + 3600
    imported = v3.ok("ImportInstancesActionTimer", {"InstanceIds": ids[:2], "ActionTimer": timer(at)})["ActionTimerIds"]
    assert len(imported) == 2 and all(UUID.fullmatch(timer_id) for timer_id in imported)
    listed = _timers(v3)
    assert [item["ActionTimerId"] for item in listed] == imported
    assert listed[0] == {
        "TimerAction": "TerminateInstances",
        "ActionTime": iso(at),
        "Externals": {},
        "ActionTimerId": imported[0],
        "Status": "UNDO",
        "InstanceId": ids[0],
    }
    # TimerAction may be left out (its only value); one more instance, a later time.
    (third,) = v3.ok("ImportInstancesActionTimer", {"InstanceIds": [ids[2]], "ActionTimer": timer(at + 60, action=None)})["ActionTimerIds"]
    assert [item["InstanceId"] for item in _timers(v3, InstanceIds=[ids[2], "ins-unknown1"])] == [ids[2]]
    assert [item["ActionTimerId"] for item in _timers(v3, ActionTimerIds=[third, imported[0]])] == [imported[0], third]
    assert len(_timers(v3, TimerAction="TerminateInstances", StatusList=["UNDO"])) == 3
    assert _timers(v3, StatusList=["DONE", "DOING"]) == []
    assert [item["ActionTimerId"] for item in _timers(v3, StartActionTime=iso(at + 1))] == [third]
    assert len(_timers(v3, EndActionTime=time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(at)))) == 2
    assert _timers(v3, InstanceIds=ids[:1], ActionTimerIds=[third]) == []
    assert v3.ok("DescribeInstancesActionTimer", {}, region="ap-shanghai")["ActionTimers"] == [], "region-scoped"
    # DescribeInstances shows no timer (v3.md 10.1.5).
    assert "ActionTimer" not in v3.instance(ids[0]) and v3.instance(ids[0])["ExpiredTime"] is None
    assert list(v3.ok("DeleteInstancesActionTimer", {"ActionTimerIds": [imported[0]]})) == ["RequestId"]
    assert [item["ActionTimerId"] for item in _timers(v3)] == [imported[1], third]
    # A deleted timer lets the instance take a new one.
    assert v3.ok("ImportInstancesActionTimer", {"InstanceIds": ids[:1], "ActionTimer": timer(at + 7200)})["ActionTimerIds"]


def test_import_errors(v3, fast):
    ids = v3.run({"InstanceCount": 2})
    at = int(now(fast)) + 3600
    ok = timer(at)
    cases = [
        ({"ActionTimer": ok}, "MissingParameter"),
        ({"InstanceIds": ids[:1]}, "MissingParameter"),
        ({"InstanceIds": [], "ActionTimer": ok}, "MissingParameter"),
        ({"InstanceIds": ids[:1], "ActionTimer": {"TimerAction": "TerminateInstances"}}, "MissingParameter"),
        ({"InstanceIds": ["i-123"], "ActionTimer": ok}, "InvalidParameterValue.InstanceIdMalformed"),
        ({"InstanceIds": [ids[0], ids[0]], "ActionTimer": ok}, "InvalidParameterValue"),
        ({"InstanceIds": [f"ins-{n:08d}" for n in range(101)], "ActionTimer": ok}, "InvalidParameterValue.LimitExceeded"),
        ({"InstanceIds": ids[:1], "ActionTimer": {"TimerAction": "StopInstances", "ActionTime": iso(at)}}, "InvalidParameterValue"),
        ({"InstanceIds": ids[:1], "ActionTimer": {"ActionTime": "2030-01-01 00:00:00"}}, "InvalidParameterValue.InvalidTimeFormat"),
        ({"InstanceIds": ids[:1], "ActionTimer": {"ActionTime": "2030-13-01T00:00:00Z"}}, "InvalidParameterValue.InvalidTimeFormat"),
        ({"InstanceIds": ids[:1], "ActionTimer": {"ActionTime": iso(at)[:-1]}}, "InvalidParameterValue.InvalidTimeFormat"),
        ({"InstanceIds": ids[:1], "ActionTimer": {"ActionTime": iso(now(fast) + 299)}}, "InvalidParameterValue"),
        ({"InstanceIds": ids[:1], "ActionTimer": {"ActionTime": iso(now(fast) - 10)}}, "InvalidParameterValue"),
        ({"InstanceIds": ["ins-nothere1"], "ActionTimer": ok}, "InvalidInstanceId.NotFound"),
        ({"InstanceIds": ids[:1], "ActionTimer": {"ActionTime": iso(at), "Colour": "red"}}, "UnknownParameter"),
    ]
    for params, code in cases:
        assert v3.error("ImportInstancesActionTimer", params) == code, params
    assert v3.error("ImportInstancesActionTimer", {"InstanceIds": ids[:1], "ActionTimer": ok}, region="ap-shanghai") == "InvalidInstanceId.NotFound"
    v3.ok("ImportInstancesActionTimer", {"InstanceIds": ids[:1], "ActionTimer": ok})
    # One failing id fails the whole call: the second instance gets no timer.
    assert v3.error("ImportInstancesActionTimer", {"InstanceIds": ids, "ActionTimer": timer(at + 60)}) == "FailedOperation.MutActionTimerExist"
    assert [item["InstanceId"] for item in _timers(v3)] == ids[:1]
    (protected,) = v3.run({"DisableApiTermination": True})
    assert (
        v3.error("ImportInstancesActionTimer", {"InstanceIds": [protected], "ActionTimer": ok}) == "UnsupportedOperation.NotSupportImportInstancesActionTimer"
    )
    fast.control.post("faults", {"action": "RunInstances", "kind": "create_fails"})
    (failed,) = v3.run()
    assert v3.error("ImportInstancesActionTimer", {"InstanceIds": [failed], "ActionTimer": ok}) == "UnsupportedOperation.NotSupportImportInstancesActionTimer"
    v3.ok("TerminateInstances", {"InstanceIds": [ids[1]]})
    assert v3.error("ImportInstancesActionTimer", {"InstanceIds": [ids[1]], "ActionTimer": ok}) == "UnsupportedOperation.InstanceStateTerminating"
    (pending,) = _seed(fast, status=3)
    assert v3.ok("ImportInstancesActionTimer", {"InstanceIds": [pending], "ActionTimer": ok})


def test_describe_and_delete_errors(v3, fast):
    (instance_id,) = v3.run()
    at = int(now(fast)) + 3600
    (timer_id,) = v3.ok("ImportInstancesActionTimer", {"InstanceIds": [instance_id], "ActionTimer": timer(at)})["ActionTimerIds"]
    for params, code in [
        ({"TimerAction": "StopInstances"}, "InvalidParameterValue"),
        ({"StatusList": ["UNDO", "LATER"]}, "InvalidParameterValue"),
        ({"StartActionTime": "tomorrow"}, "InvalidParameterValue.InvalidTimeFormat"),
        ({"EndActionTime": "2030-01-01"}, "InvalidParameterValue.InvalidTimeFormat"),
        ({"ActionTimerIds": [str(n) for n in range(101)]}, "InvalidParameterValue.LimitExceeded"),
        ({"InstanceIds": "ins-abcdefgh"}, "InvalidParameter"),
        ({"Offset": 0}, "UnknownParameter"),
    ]:
        assert v3.error("DescribeInstancesActionTimer", params) == code, params
    for params, code in [
        ({}, "MissingParameter"),
        ({"ActionTimerIds": []}, "MissingParameter"),
        ({"ActionTimerIds": [timer_id, timer_id]}, "InvalidParameterValue"),
        ({"ActionTimerIds": [timer_id, "0f0f0f0f-0000-4000-8000-000000000000"]}, "InvalidParameterValue"),
        ({"ActionTimerIds": [str(n) for n in range(101)]}, "InvalidParameterValue.LimitExceeded"),
    ]:
        assert v3.error("DeleteInstancesActionTimer", params) == code, params
    assert [item["Status"] for item in _timers(v3)] == ["UNDO"], "a refused delete deletes nothing"
    assert v3.error("DeleteInstancesActionTimer", {"ActionTimerIds": [timer_id]}, region="ap-shanghai") == "InvalidParameterValue"
    # ignore mode: unknown ids are skipped, the UNDO one goes.
    fast.control.post("config", {"timer_delete_mode": "ignore"})
    assert v3.ok("DeleteInstancesActionTimer", {"ActionTimerIds": ["nothing", timer_id]})
    assert _timers(v3) == []
    assert fast.control.post("config", {"timer_delete_mode": "sometimes"}, expect=400)


def test_run_instances_with_timer_and_firing(v3, fast):
    at = int(now(fast)) + 600
    ids = v3.run({"InstanceCount": 2, "ActionTimer": timer(at), "ClientToken": "timed"})
    listed = _timers(v3)
    assert sorted(item["InstanceId"] for item in listed) == sorted(ids) and {item["Status"] for item in listed} == {"UNDO"}
    assert len({item["ActionTimerId"] for item in listed}) == 2
    # A replay creates neither instances nor timers; a DryRun validates only.
    assert v3.run({"InstanceCount": 2, "ActionTimer": timer(at), "ClientToken": "timed"}) == ids
    assert v3.ok("RunInstances", {"Placement": {"Zone": "ap-guangzhou-3"}, "ImageId": "img-3wnd9xpl", "ActionTimer": timer(at), "DryRun": True})
    assert len(_timers(v3)) == 2
    record = next(item for item in fast.control.instances() if item["unInstanceId"] == ids[0])
    assert record["actionTimer"]["Status"] == "UNDO" and record["actionTimer"]["ActionTime"] == iso(at) and record["terminationCause"] is None
    move_to(fast, at - 1)
    assert {v3.instance(i)["InstanceState"] for i in ids} == {"RUNNING"}
    move_to(fast, at)
    # Fired as of ActionTime: TERMINATING for return_delay (2 s), the timer DOING meanwhile.
    inst = v3.instance(ids[0])
    assert inst["InstanceState"] == "TERMINATING"
    assert (inst["LatestOperation"], inst["LatestOperationState"], inst["LatestOperationRequestId"]) == ("TerminateInstances", "OPERATING", None)
    assert _legacy(fast, ids[0]) == 6
    assert {item["Status"] for item in _timers(v3)} == {"DOING"}
    assert v3.error("StartInstances", {"InstanceIds": ids[:1]}) == "UnsupportedOperation.InstanceStateTerminating"
    advance(fast, 2)
    assert v3.instances({"InstanceIds": ids}) == [] and v3.ok("DescribeInstancesStatus", {"InstanceIds": ids})["TotalCount"] == 0
    assert _legacy(fast, ids[0]) == 5
    assert {item["Status"] for item in _timers(v3, StatusList=["DONE"])} == {"DONE"}
    record = next(item for item in fast.control.instances() if item["unInstanceId"] == ids[0])
    assert record["terminationCause"] == "timer" and record["actionTimer"]["Status"] == "DONE" and record["status"] == 5
    # A DONE timer cannot be deleted; it stays listed timer_keep (24 h), then no longer.
    assert v3.error("DeleteInstancesActionTimer", {"ActionTimerIds": [listed[0]["ActionTimerId"]]}) == "InvalidParameterValue"
    advance(fast, 60)
    assert _legacy(fast, ids[0]) is None, "forgotten by the legacy face after forget_delay"
    advance(fast, at + 2 + 86400 - now(fast) - 1)
    assert len(_timers(v3)) == 2
    advance(fast, 2)
    assert _timers(v3) == []


def test_timer_fires_whatever_the_state(v3, fast):
    fast.control.post("config", {"power_delay": 10000})
    ids = v3.run({"InstanceCount": 3})
    at = int(now(fast)) + 400
    v3.ok("ImportInstancesActionTimer", {"InstanceIds": ids, "ActionTimer": timer(at)})
    v3.ok("StopInstances", {"InstanceIds": ids[:1]})  # still STOPPING at ActionTime
    assert fast.client.call("StopInstances", {"instanceIds.0": ids[1]})["code"] == 0
    # Two hours later, the first call after ActionTime: the timers fired as of then.
    advance(fast, 7200)
    assert v3.instances({"InstanceIds": ids}) == []
    assert [_legacy(fast, i) for i in ids] == [None, None, None], "returned long enough ago to be forgotten"
    records = {item["unInstanceId"]: item for item in fast.control.instances()}
    assert [(records[i]["status"], records[i]["terminationCause"]) for i in ids] == [(5, "timer")] * 3
    assert {item["Status"] for item in _timers(v3)} == {"DONE"}


def test_terminating_by_hand_drops_the_timer(v3, fast):
    ids = v3.run({"InstanceCount": 3, "InternetAccessible": {"InternetMaxBandwidthOut": 0}})
    at = int(now(fast)) + 3600
    timer_ids = v3.ok("ImportInstancesActionTimer", {"InstanceIds": ids, "ActionTimer": timer(at)})["ActionTimerIds"]
    v3.ok("TerminateInstances", {"InstanceIds": ids[:1]})
    assert fast.client.call("ReturnInstance", {"instanceId": ids[1]})["code"] == 0
    assert [item["ActionTimerId"] for item in _timers(v3)] == timer_ids[2:]
    record = next(item for item in fast.control.instances() if item["unInstanceId"] == ids[0])
    assert record["actionTimer"] is None and record["terminationCause"] == "api"
    assert v3.error("DeleteInstancesActionTimer", {"ActionTimerIds": timer_ids[:1]}) == "InvalidParameterValue"


def test_protection_and_timers(v3, fast):
    ids = v3.run({"InstanceCount": 2})
    at = int(now(fast)) + 3600
    (timer_id,) = v3.ok("ImportInstancesActionTimer", {"InstanceIds": ids[:1], "ActionTimer": timer(at)})["ActionTimerIds"]
    code = v3.error("ModifyInstancesAttribute", {"InstanceIds": ids, "DisableApiTermination": True})
    assert code == "UnsupportedOperation.InvalidInstanceNotSupportedProtectedInstance"
    assert v3.instance(ids[1])["DisableApiTermination"] is False, "whole call: nothing changed"
    assert v3.ok("ModifyInstancesAttribute", {"InstanceIds": ids, "DisableApiTermination": False})
    v3.ok("DeleteInstancesActionTimer", {"ActionTimerIds": [timer_id]})
    assert v3.ok("ModifyInstancesAttribute", {"InstanceIds": ids, "DisableApiTermination": True})
    assert (
        v3.error("ImportInstancesActionTimer", {"InstanceIds": ids[:1], "ActionTimer": timer(at)})
        == "UnsupportedOperation.NotSupportImportInstancesActionTimer"
    )
    params = {"ActionTimer": timer(at), "DisableApiTermination": True}
    assert v3.error("RunInstances", dict(v3_run_body(), **params)) == "UnsupportedOperation.NotSupportImportInstancesActionTimer"
    assert v3.error("RunInstances", dict(v3_run_body(), DryRun=True, **params)) == "UnsupportedOperation.NotSupportImportInstancesActionTimer"


def v3_run_body():
    return dict(RUN_EXAMPLE)


@pytest.mark.parametrize(
    "timer_value,code",
    [
        ({"ActionTime": "2030-01-01T00:00:00"}, "InvalidParameterValue.InvalidTimeFormat"),
        ({"ActionTime": "2001-01-01T00:00:00Z"}, "InvalidParameterValue"),
        ({"TimerAction": "Stop", "ActionTime": "2099-01-01T00:00:00Z"}, "InvalidParameterValue"),
        ({"TimerAction": "TerminateInstances"}, "MissingParameter"),
    ],
)
def test_run_instances_timer_errors(v3, timer_value, code):
    for dry_run in (False, True):
        assert v3.error("RunInstances", dict(v3_run_body(), ActionTimer=timer_value, DryRun=dry_run)) == code
    assert v3.instances() == []


def test_timer_on_a_protected_instance_still_fires():
    """The API refuses the combination both ways; a state that has it anyway (set in the store): the timer wins."""
    with RunningEmulator(Settings(create_delay=0, return_delay=0)) as running:
        client = V3Client(running.url)
        control = Control(running.url)
        (instance_id,) = client.run()
        at = int(control.get("clock")["clock"]["now"]) + 400
        client.ok("ImportInstancesActionTimer", {"InstanceIds": [instance_id], "ActionTimer": timer(at)})
        store = running.emulator.store
        with store.lock:
            store.update(store.get(instance_id), disable_api_termination=True)
        assert client.error("TerminateInstances", {"InstanceIds": [instance_id]}) == "UnsupportedOperation.InstancesProtected"
        control.post("clock", {"advance": 400})
        assert client.instances({"InstanceIds": [instance_id]}) == []
        assert client.ok("DescribeInstancesActionTimer", {})["ActionTimers"][0]["Status"] == "DONE"


def test_timers_and_clock_survive_a_restart(tmp_path):
    path = str(tmp_path / "state.sqlite")
    first = RunningEmulator(Settings(state_file=path, create_delay=0, return_delay=5)).start()
    try:
        client, control = V3Client(first.url), Control(first.url)
        ids = client.run({"InstanceCount": 2})
        control.post("clock", {"advance": 1000})
        at = int(control.get("clock")["clock"]["now"]) + 600
        (early,) = client.ok("ImportInstancesActionTimer", {"InstanceIds": ids[:1], "ActionTimer": timer(at)})["ActionTimerIds"]
        (late,) = client.ok("ImportInstancesActionTimer", {"InstanceIds": ids[1:], "ActionTimer": timer(at + 3600)})["ActionTimerIds"]
        offset = control.get("clock")["clock"]["offset"]
    finally:
        first.stop()
    second = RunningEmulator(Settings(state_file=path, return_delay=0)).start()
    try:
        client, control = V3Client(second.url), Control(second.url)
        assert control.get("clock")["clock"]["offset"] == offset, "the clock offset is kept in the state file"
        assert [(item["ActionTimerId"], item["Status"]) for item in client.ok("DescribeInstancesActionTimer", {})["ActionTimers"]] == [
            (early, "UNDO"),
            (late, "UNDO"),
        ]
        control.post("clock", {"advance": 600})
        # Fired with the return_delay in force when it fired (0 here).
        assert client.instances({"InstanceIds": ids}) == [client.instance(ids[1])]
        statuses = {item["ActionTimerId"]: item["Status"] for item in client.ok("DescribeInstancesActionTimer", {})["ActionTimers"]}
        assert statuses == {early: "DONE", late: "UNDO"}
    finally:
        second.stop()
    third = RunningEmulator(Settings(state_file=path)).start()
    try:
        client, control = V3Client(third.url), Control(third.url)
        assert client.instance(ids[0]) is None and client.instance(ids[1])["InstanceState"] == "RUNNING"
        control.post("clock", {"advance": 3600})
        assert wait_for(lambda: client.instances({"InstanceIds": ids}) == [] or None, timeout=5)
    finally:
        third.stop()


def test_timers_through_the_cli_state_file(cli, tmp_path):
    state = str(tmp_path / "cli.sqlite")
    proc = cli("--state-file", state, "--create-delay", "0", "--return-delay", "0", "--timer-keep", "100")
    url = f"http://127.0.0.1:{proc.port}"
    client, control = V3Client(url), Control(url)
    (instance_id,) = client.run()
    at = int(control.get("clock")["clock"]["now"]) + 301
    client.ok("ImportInstancesActionTimer", {"InstanceIds": [instance_id], "ActionTimer": timer(at)})
    proc.kill()  # kill -9: the timer was committed before the answer
    proc = cli("--state-file", state, "--timer-keep", "100", name="again")
    url = f"http://127.0.0.1:{proc.port}"
    client, control = V3Client(url), Control(url)
    assert control.get("config")["config"]["timer_keep"] == 100.0
    assert client.ok("DescribeInstancesActionTimer", {"InstanceIds": [instance_id]})["ActionTimers"][0]["Status"] == "UNDO"
    control.post("clock", {"to": iso(at)})
    assert client.instance(instance_id)["InstanceState"] == "TERMINATING", "this emulator's return_delay: 1 s"
    control.post("clock", {"advance": 1})
    assert client.instance(instance_id) is None
    control.post("clock", {"advance": 101})
    assert client.ok("DescribeInstancesActionTimer", {})["ActionTimers"] == []


def test_timer_rate_limits():
    with RunningEmulator(Settings(rate_limits=True)) as running:
        emulator = running.emulator
        # Freeze the buckets' wall clock so counts are exact; the emulator's offset still applies.
        emulator.limiter.clock = lambda: 1000.0 + emulator.clock.offset
        client, control = V3Client(running.url), Control(running.url)
        for action, limit in (("DescribeInstancesActionTimer", 10), ("DescribeInstancesAttributes", 20)):
            params = {} if action == "DescribeInstancesActionTimer" else {"InstanceIds": ["ins-nothere1"], "Attributes": ["UserData"]}
            codes = [client.call(action, params).get("Error", {}).get("Code") for _index in range(limit + 1)]
            assert "RequestLimitExceeded" not in codes[:limit] and codes[limit] == "RequestLimitExceeded", (action, codes)
        # Moving the clock refills the buckets (the offset applies to them too).
        control.post("clock", {"advance": 5})
        assert "Error" not in client.call("DescribeInstancesActionTimer", {})


def test_fast_describe_at_10000_with_timers(v3, emu):
    emu.control.post("config", {"return_delay": 0})
    emu.control.post("seed", {"count": 10000, "regions": ["gz"], "name_prefix": "scale"})
    ids = [inst["InstanceId"] for inst in v3.instances({"Limit": 100})]
    v3.ok("ImportInstancesActionTimer", {"InstanceIds": ids, "ActionTimer": timer(int(now(emu)) + 3600)})
    started = time.monotonic()
    for offset in range(0, 2000, 100):
        assert v3.ok("DescribeInstances", {"Offset": offset, "Limit": 100})["TotalCount"] == 10000
    per_page = (time.monotonic() - started) / 20
    assert per_page < 0.5, f"{per_page:.3f} s per page"
    advance(emu, 3600)
    assert v3.ok("DescribeInstances", {"Limit": 1})["TotalCount"] == 9900
