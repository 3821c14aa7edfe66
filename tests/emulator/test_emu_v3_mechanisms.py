# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The shared mechanisms on the 3.0 face: faults, request log, latency, rate limits, state file, seeding, reset."""

import http.client
import json
import os
import subprocess
import sys
import time

import pytest

from cvm_emulator.config import Settings
from cvm_emulator.server import RunningEmulator
from emu_client import HERE, Handle, wait_for
from emu_v3_client import RUN_EXAMPLE, V3Client


@pytest.mark.parametrize(
    "kind, code",
    [("busy", "ResourceInUse"), ("internal_error", "InternalError"), ("request_limit", "RequestLimitExceeded")],
)
def test_short_circuit_faults(v3, emu, kind, code):
    emu.control.post("faults", {"action": "RunInstances", "kind": kind, "times": 2})
    assert v3.error("RunInstances", RUN_EXAMPLE) == code
    assert v3.error("RunInstances", RUN_EXAMPLE) == code
    assert emu.control.instances() == [] and emu.control.get("faults")["faults"] == []
    entry = emu.control.requests()[-1]
    assert entry["fault"] == kind and entry["code"] == code and entry["face"] == "v3"
    assert v3.run()


def test_http_500_and_malformed(v3, emu):
    emu.control.post("faults", {"action": "DescribeInstances", "kind": "http_500", "face": "v3"})
    answer = v3.send("DescribeInstances")
    assert answer.status == 500 and answer.content_type == "text/html"
    emu.control.post("faults", {"action": "DescribeInstances", "kind": "malformed"})
    answer = v3.send("DescribeInstances")
    assert answer.status == 200 and answer.content_type == "application/json"
    with pytest.raises(ValueError):
        json.loads(answer.raw)


def test_delay_and_drop_after_commit(v3, emu):
    emu.control.post("faults", {"action": "DescribeZones", "kind": "delay", "seconds": 0.3})
    started = time.monotonic()
    assert v3.ok("DescribeZones")
    assert time.monotonic() - started >= 0.3
    emu.control.post("faults", {"action": "RunInstances", "kind": "drop_after_commit"})
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        v3.send("RunInstances", dict(RUN_EXAMPLE, ClientToken="tok-drop"))
    (created,) = emu.control.instances()
    # The retry with the same ClientToken gets the committed answer.
    assert v3.run({"ClientToken": "tok-drop"}) == [created["unInstanceId"]]


def test_face_selector_and_shared_names(v3, emu):
    emu.control.post("faults", {"action": "DescribeInstances", "kind": "busy", "face": "legacy"})
    assert v3.ok("DescribeInstances")["TotalCount"] == 0
    assert emu.client.call("DescribeInstances")["codeDesc"] == "OperationFail.SystemBusy"
    emu.control.post("faults", {"action": "DescribeInstances", "kind": "busy"})
    assert v3.error("DescribeInstances") == "ResourceInUse", "no face: either face consumes it"
    assert emu.client.call("DescribeInstances")["code"] == 0
    assert "error" in emu.control.post("faults", {"action": "RunInstances", "kind": "busy", "face": "legacy"}, expect=400)
    assert "error" in emu.control.post("faults", {"action": "DescribeZones", "kind": "busy", "face": "dfw"}, expect=400)
    assert "error" in emu.control.post("faults", {"action": "DescribeZones", "kind": "create_fails"}, expect=400)
    fault = emu.control.post("faults", {"action": "DescribeZones", "kind": "busy"})["fault"]
    assert fault["face"] is None and fault["action"] == "DescribeZones"


def test_instance_narrowed_fault(v3, emu):
    ids = emu.control.post("seed", {"count": 2})["ids"]
    emu.control.post("faults", {"action": "StopInstances", "kind": "busy", "instance_id": ids[1]})
    assert v3.ok("StopInstances", {"InstanceIds": [ids[0]]}), "a call not naming the instance neither triggers nor consumes it"
    assert v3.error("StartInstances", {"InstanceIds": [ids[1]]}) == "UnsupportedOperation.InstanceStateRunning"
    assert v3.error("StopInstances", {"InstanceIds": [ids[1]]}) == "ResourceInUse"
    assert v3.ok("StopInstances", {"InstanceIds": [ids[1]]})


def test_request_log(make_emulator):
    handle = make_emulator(security_token="session-token-1")
    client = V3Client(handle.url, token="session-token-1")
    client.ok("RunInstances", dict(RUN_EXAMPLE, LoginSettings={"Password": "Secret#123"}))
    client.ok("DescribeInstances", {"Filters": [{"Name": "zone", "Values": ["ap-guangzhou-3"]}]}, method="GET")
    V3Client(handle.url, secret_key="wrong", token="session-token-1").error("DescribeZones")
    handle.client.token = "session-token-1"
    handle.client.call("DescribeInstances")
    log = handle.control.requests()
    assert [entry.get("face", "legacy") for entry in log] == ["v3", "v3", "v3", "legacy"]
    first = log[0]
    assert first["action"] == "RunInstances" and first["region"] == "ap-guangzhou" and first["code"] == 0
    assert first["params"]["LoginSettings"]["Password"] == "********" and first["params"]["ImageId"] == "img-3wnd9xpl"
    assert first["headers"]["x-tc-token"] == "********" and first["headers"]["authorization"].endswith("Signature=********")
    assert "Secret#123" not in json.dumps(log) and "session-token-1" not in json.dumps(log)
    assert log[1]["http_method"] == "GET" and log[1]["params"] == {"Filters": [{"Name": "zone", "Values": ["ap-guangzhou-3"]}]}
    assert log[2]["code"] == "AuthFailure.SignatureFailure" and log[2]["params"] == {}
    assert len(first["request_id"]) == 36
    assert [e["action"] for e in handle.control.get("requests?face=v3")["requests"]] == ["RunInstances", "DescribeInstances", "DescribeZones"]
    assert len(handle.control.get("requests?face=legacy")["requests"]) == 1


def test_latency_applies(make_emulator):
    handle = make_emulator(latency=0.2)
    client = V3Client(handle.url)
    started = time.monotonic()
    assert client.ok("DescribeZones")
    assert time.monotonic() - started >= 0.2


def test_rate_limits_per_face():
    running = RunningEmulator(Settings(rate_limits=True, create_delay=0)).start()
    try:
        frozen = [1000.0]
        running.emulator.limiter.clock = lambda: frozen[0]
        client = V3Client(running.url)
        codes = [client.call("RunInstances", RUN_EXAMPLE).get("Error", {}).get("Code") for _index in range(11)]
        assert codes == [None] * 10 + ["RequestLimitExceeded"]
        handle = Handle(running.url)
        assert handle.client.create()["code"] == 0, "the legacy face has buckets of its own"
        answers = [client.call("DescribeInstances").get("Error", {}).get("Code") for _index in range(41)]
        assert answers.count("RequestLimitExceeded") == 1
        assert handle.control.requests()[-1]["code"] == "RequestLimitExceeded"
        # A bad signature takes no token.
        frozen[0] += 10
        bad = V3Client(running.url, secret_key="wrong")
        assert all(bad.error("RunInstances", RUN_EXAMPLE) == "AuthFailure.SignatureFailure" for _index in range(12))
        assert client.call("RunInstances", RUN_EXAMPLE).get("InstanceIdSet")
    finally:
        running.stop()


def test_state_file_keeps_3_0_state(tmp_path):
    path = str(tmp_path / "state.sqlite")
    first = RunningEmulator(Settings(state_file=path, create_delay=0)).start()
    try:
        client = V3Client(first.url)
        ids = client.run(
            {
                "ClientToken": "tok-keep",
                "TagSpecification": [{"ResourceType": "instance", "Tags": [{"Key": "k", "Value": "v"}]}],
                "DisableApiTermination": True,
                "SystemDisk": {"DiskType": "CLOUD_BASIC", "DiskSize": 50},
            }
        )
        client.ok("StopInstances", {"InstanceIds": ids, "StoppedMode": "STOP_CHARGING"})
    finally:
        first.stop()
    second = RunningEmulator(Settings(state_file=path, power_delay=0)).start()
    try:
        client = V3Client(second.url)
        inst = client.instance(ids[0])
        assert inst["Tags"] == [{"Key": "k", "Value": "v"}] and inst["DisableApiTermination"] is True
        assert inst["LatestOperation"] == "StopInstances"
        wait_for(lambda: client.instance(ids[0])["InstanceState"] == "STOPPED")
        assert client.instance(ids[0])["StopChargingMode"] == "STOP_CHARGING"
        assert client.run({"ClientToken": "tok-keep"}) == ids
    finally:
        second.stop()


def test_seed_and_reset(v3, emu):
    ids = emu.control.post("seed", {"count": 3, "regions": ["gz", "ap-shanghai"]})["ids"]
    assert {inst["InstanceId"] for inst in v3.instances()} == {ids[0], ids[2]}
    assert [inst["InstanceId"] for inst in v3.instances(region="ap-shanghai")] == [ids[1]]
    v3.run({"ClientToken": "tok-reset"})
    emu.control.post("config", {"dry_run_mode": "error"})
    emu.control.post("reset")
    assert emu.control.requests() == []
    assert v3.instances() == [] and emu.control.get("config")["config"]["dry_run_mode"] == "request-id"
    assert len(v3.run({"ClientToken": "tok-reset"})) == 1


def test_cli_flags(cli):
    proc = cli("--v3-timestamp-window", "0", "--dry-run-mode", "error")
    url = f"http://127.0.0.1:{proc.port}"
    client = V3Client(url)
    assert client.ok("DescribeZones", timestamp=1000)["TotalCount"] == 6, "window 0: any timestamp"
    assert client.call("RunInstances", dict(RUN_EXAMPLE, DryRun=True))["Error"]["Code"] == "DryRunOperation"
    refused = subprocess.run(
        [sys.executable, "-m", "cvm_emulator", "--v3-timestamp-window", "-1"],
        env=dict(os.environ, PYTHONPATH=HERE),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert refused.returncode == 2 and "--v3-timestamp-window must be >= 0" in refused.stderr
