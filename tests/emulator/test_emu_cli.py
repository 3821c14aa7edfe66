# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The command line: port file, --help, SIGTERM, --state-file across kill -9, HTTPS."""

import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys

import pytest

from emu_client import HERE, Client, Control, wait_for

CREATE = {"imageId": "img-3wnd9xpl", "cpu": "1", "mem": "2", "storageSize": "0", "zoneId": "100002", "bandwidth": "1"}


def _url(proc, scheme="http"):
    return f"{scheme}://127.0.0.1:{proc.port}"


def test_help_documents_credentials():
    result = subprocess.run(
        [sys.executable, "-m", "cvm_emulator", "--help"], env=dict(os.environ, PYTHONPATH=HERE), capture_output=True, text=True, check=True, timeout=60
    )
    for text in (
        "AKIDEMULATOR00000000000000000000000000",
        "emulator-secret-key-0000000000000000",
        "--port-file",
        "--state-file",
        "--create-delay",
        "--forget-delay",
        "--timestamp-window",
        "--tls-cert",
        "--balance",
        "--security-token",
        "--power-delay",
        "UpdateInstanceBandwidthHour",
        "ModifySecurityGroupsOfInstance",
    ):
        assert text in result.stdout


def test_port_file_log_line_and_sigterm(cli):
    proc = cli("--create-delay", "0")
    assert f"cvm_emulator listening on http://127.0.0.1:{proc.port}" in proc.stderr()
    client = Client(_url(proc))
    assert client.call("DescribeInstances")["code"] == 0
    assert proc.kill(signal.SIGTERM) == 0


def test_sigint_exits_cleanly(cli):
    proc = cli()
    assert proc.kill(signal.SIGINT) == 0


def test_state_file_survives_kill_9(cli, tmp_path):
    state = str(tmp_path / "state.sqlite")
    first = cli("--state-file", state, "--create-delay", "0.2", name="first")
    client = Client(_url(first))
    created = client.call("RunInstancesHour", dict(CREATE, clientToken="persist-1", goodsNum="2"))
    assert created["code"] == 0
    ids = created["unInstanceIds"]
    assert first.kill(signal.SIGKILL) == -signal.SIGKILL

    second = cli("--state-file", state, name="second")
    client = Client(_url(second))
    listed = client.call("DescribeInstances")
    assert sorted(item["unInstanceId"] for item in listed["instanceSet"]) == sorted(ids)
    # The create delay, fixed at creation time, runs on across the restart.
    wait_for(lambda: {item["status"] for item in client.call("DescribeInstances")["instanceSet"]} == {2})
    # Token answers and id/address counters came back too.
    assert client.call("RunInstancesHour", dict(CREATE, clientToken="persist-1"))["unInstanceIds"] == ids
    newer = client.call("RunInstancesHour", CREATE)["unInstanceIds"][0]
    listed = client.call("DescribeInstances")
    assert listed["instanceSet"][0]["unInstanceId"] == newer
    assert len({item["lanIp"] for item in listed["instanceSet"]}) == 3
    assert len({item["wanIpSet"][0] for item in listed["instanceSet"]}) == 3
    # A return is durable as well.
    assert client.call("ReturnInstance", {"instanceId": ids[0]})["code"] == 0
    second.kill(signal.SIGKILL)
    third = cli("--state-file", state, "--return-delay", "0", name="third")
    statuses = {item["unInstanceId"]: item["status"] for item in Control(_url(third)).instances()}
    assert statuses[ids[0]] == 6 or statuses[ids[0]] == 5
    assert len(statuses) == 3


def test_state_file_keeps_changes(cli, tmp_path):
    """Power transitions, bandwidth, public IPs, security groups and added groups survive kill -9."""
    state = str(tmp_path / "state.sqlite")
    first = cli("--state-file", state, "--create-delay", "0", "--power-delay", "0.5", name="first")
    client, control = Client(_url(first)), Control(_url(first))
    stopping, grown = client.call("RunInstancesHour", dict(CREATE, goodsNum="2", bandwidth="0"))["unInstanceIds"]
    group = control.post("security_groups", {"region": "gz", "name": "kept"})["security_group"]["sgId"]
    stopped = client.call("StopInstances", {"instanceIds.0": stopping})["detail"][stopping]
    assert stopped["code"] == 0
    assert client.call("UpdateInstanceBandwidthHour", {"instanceId": grown, "bandwidth": "8"})["code"] == 0
    assert (
        client.call(
            "ModifySecurityGroupsOfInstance", {"instanceSet.0.instanceId": grown, "instanceSet.0.sgIds.0": group, "instanceSet.0.sgIds.1": "sg-gzweb001"}
        )["code"]
        == 0
    )
    before = {item["unInstanceId"]: item for item in control.instances()}
    assert before[stopping]["status"] == 9
    first.kill(signal.SIGKILL)

    second = cli("--state-file", state, name="second")
    client, control = Client(_url(second)), Control(_url(second))
    after = {item["unInstanceId"]: item for item in control.instances()}
    assert after[grown]["bandwidth"] == 8 and after[grown]["wanIpSet"] == before[grown]["wanIpSet"] != []
    assert after[grown]["securityGroupIds"] == [group, "sg-gzweb001"]
    # The stop's delay, fixed when it was accepted, runs on across the restart.
    wait_for(lambda: {item["unInstanceId"]: item["status"] for item in control.instances()}[stopping] == 4)
    members = client.call("DescribeInstancesOfSecurityGroup", {"sgId": group})
    assert members["data"] == [{"instanceId": grown}]
    assert group in [item["sgId"] for item in client.call("DescribeSecurityGroupEx")["data"]["detail"]]
    # Task ids keep counting instead of starting over.
    started = client.call("StartInstances", {"instanceIds.0": stopping})["detail"][stopping]["requestId"]
    assert int(started) == int(stopped["requestId"]) + 1


def test_state_file_reset_persists(cli, tmp_path):
    state = str(tmp_path / "state.sqlite")
    first = cli("--state-file", state, name="first")
    Control(_url(first)).post("seed", {"count": 3})
    Control(_url(first)).post("reset")
    first.kill()
    second = cli("--state-file", state, name="second")
    assert Control(_url(second)).instances() == []


def test_bad_arguments():
    env = dict(os.environ, PYTHONPATH=HERE)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        busy_port = str(taken.getsockname()[1])
        for args in (
            ["--tls-cert", "x.pem"],
            ["--create-delay", "-1"],
            ["--balance", "lots"],
            ["--port", busy_port],
            ["--tls-cert", "missing.pem", "--tls-key", "missing.pem"],
        ):
            result = subprocess.run([sys.executable, "-m", "cvm_emulator"] + args, env=env, capture_output=True, text=True, timeout=60, check=False)
            assert result.returncode != 0, args
            assert "Traceback" not in result.stderr, result.stderr


@pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl command is not installed")
def test_https_self_signed(cli, tmp_path):
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            str(key),
            "-out",
            str(cert),
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    proc = cli("--tls-cert", str(cert), "--tls-key", str(key), "--create-delay", "0")
    assert f"cvm_emulator listening on https://127.0.0.1:{proc.port}" in proc.stderr()
    context = ssl.create_default_context(cafile=str(cert))
    client = Client(_url(proc, "https"), ssl_context=context)
    assert client.call("RunInstancesHour", CREATE)["code"] == 0
    assert client.call("DescribeInstances", method="POST")["totalCount"] == 1
    assert len(Control(_url(proc, "https"), ssl_context=context).instances()) == 1
    # A client that does not trust the certificate fails the handshake; the server keeps serving.
    untrusted = Client(_url(proc, "https"), ssl_context=ssl.create_default_context())
    with pytest.raises(ssl.SSLError):
        untrusted.call("DescribeInstances")
    assert client.call("DescribeInstances")["code"] == 0


def test_https_plain_http_client_fails(cli, tmp_path):
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is not installed")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1"],
        check=True,
        capture_output=True,
        timeout=120,
    )
    proc = cli("--tls-cert", str(cert), "--tls-key", str(key))
    with pytest.raises((ConnectionError, OSError, json.JSONDecodeError, AssertionError)):
        Client(_url(proc)).call("DescribeInstances")
