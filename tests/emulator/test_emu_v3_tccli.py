# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The official CLI ``tccli`` (pinned in tests/requirements.txt) against the 3.0 face, as a subprocess.

tccli always builds its SDK client with the HTTPS scheme; ``--endpoint
127.0.0.1:PORT`` points it at the emulator, which serves TLS with a
certificate made at test time.  The CLI verifies it against certifi's
bundle, so its process gets a certifi copy that also trusts the test CA
(``tls_support``).  Credentials and region come from TENCENTCLOUD_* variables;
HOME is a temporary directory, so no user configuration is read or written.
"""

import json
import os
import shutil
import subprocess
import sys

from pathlib import Path

import pytest

from cvm_emulator.config import Settings
from cvm_emulator.server import RunningEmulator
from emu_client import SECRET_ID, SECRET_KEY, Control
from tls_support import certifi_trusting, make_certificates

TCCLI = shutil.which("tccli", path=str(Path(sys.executable).parent)) or shutil.which("tccli")
pytestmark = pytest.mark.skipif(TCCLI is None, reason="tccli is not installed (tests/requirements.txt pins it)")


@pytest.fixture(scope="module")
def tls_env(tmp_path_factory):
    directory = tmp_path_factory.mktemp("tccli")
    ca, cert, key = make_certificates(directory)
    running = RunningEmulator(Settings(tls_cert=str(cert), tls_key=str(key), create_delay=0.2)).start()
    trusting = certifi_trusting(ca, directory / "trust")
    home = directory / "home"
    home.mkdir()
    env = dict(os.environ, HOME=str(home), TENCENTCLOUD_SECRET_ID=SECRET_ID, TENCENTCLOUD_SECRET_KEY=SECRET_KEY, TENCENTCLOUD_REGION="ap-guangzhou")
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE", "TCCLI_PROFILE", "HTTPS_PROXY", "https_proxy"):
        env.pop(name, None)
    env["PYTHONPATH"] = os.pathsep.join([str(trusting)] + [part for part in os.environ.get("PYTHONPATH", "").split(os.pathsep) if part])
    yield running, env, ca
    running.stop()


def tccli(env, port, *args, endpoint=None):
    command = [TCCLI, *args, "--endpoint", endpoint or f"127.0.0.1:{port}"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120, check=False)


def _ok(result):
    assert result.returncode == 0, (result.stdout, result.stderr)
    return json.loads(result.stdout)


def test_tccli_over_https(tls_env):
    running, env, ca = tls_env
    port = running.port
    control = Control(running.url, ssl_context=__import__("ssl").create_default_context(cafile=str(ca)))
    control.post("reset")
    zones = _ok(tccli(env, port, "cvm", "DescribeZones", "--language", "en-US"))
    assert zones["TotalCount"] == 6 and zones["ZoneSet"][2]["ZoneName"] == "Guangzhou Zone 3"
    created = _ok(
        tccli(
            env,
            port,
            "cvm",
            "RunInstances",
            "--Placement",
            json.dumps({"Zone": "ap-guangzhou-3"}),
            "--InstanceType",
            "S1.SMALL2",
            "--ImageId",
            "img-3wnd9xpl",
            "--InstanceCount",
            "2",
            "--InstanceName",
            "cli-",
            "--ClientToken",
            "tok-cli",
            "--InternetAccessible",
            json.dumps({"InternetChargeType": "TRAFFIC_POSTPAID_BY_HOUR", "InternetMaxBandwidthOut": 1}),
            # STOP_CHARGING below needs cloud disks only.
            "--SystemDisk",
            json.dumps({"DiskType": "CLOUD_PREMIUM", "DiskSize": 50}),
        )
    )
    ids = created["InstanceIdSet"]
    assert len(ids) == 2
    listed = _ok(tccli(env, port, "cvm", "DescribeInstances", "--Filters", json.dumps([{"Name": "instance-name", "Values": ["cli-1", "cli-2"]}])))
    assert listed["TotalCount"] == 2 and {inst["InstanceName"] for inst in listed["InstanceSet"]} == {"cli-1", "cli-2"}
    # The same instances through the legacy face's control view.
    assert {inst["unInstanceId"] for inst in control.instances()} == set(ids)
    log = control.get("requests?face=v3")["requests"]
    assert log[-1]["headers"]["host"] == f"127.0.0.1:{port}" and "_CLI_" in log[-1]["headers"]["x-tc-requestclient"]
    groups = _ok(tccli(env, port, "vpc", "DescribeSecurityGroups", "--Limit", "2"))
    assert groups["TotalCount"] == 4 and len(groups["SecurityGroupSet"]) == 2
    assert _ok(tccli(env, port, "cvm", "StopInstances", "--InstanceIds", json.dumps(ids[:1]), "--StoppedMode", "STOP_CHARGING"))["RequestId"]


def test_tccli_errors(tls_env):
    running, env, _ca = tls_env
    failed = tccli(env, running.port, "cvm", "RunInstances", "--Placement", json.dumps({"Zone": "ap-shanghai-2"}), "--ImageId", "img-3wnd9xpl")
    assert failed.returncode != 0 and "InvalidZone.MismatchRegion" in failed.stdout + failed.stderr
    wrong = dict(env, TENCENTCLOUD_SECRET_KEY="not-the-key")
    refused = tccli(wrong, running.port, "cvm", "DescribeZones")
    assert refused.returncode != 0 and "AuthFailure.SignatureFailure" in refused.stdout + refused.stderr


def test_tccli_refuses_an_untrusted_certificate(tls_env):
    running, env, _ca = tls_env
    plain = dict(env, PYTHONPATH=os.environ.get("PYTHONPATH", ""))
    result = tccli(plain, running.port, "cvm", "DescribeZones")
    assert result.returncode != 0 and "CERTIFICATE_VERIFY_FAILED" in result.stdout + result.stderr


def test_tccli_with_an_http_endpoint(tmp_path):
    """``--endpoint http://127.0.0.1:PORT`` selects plain HTTP; the SDK then also sends and signs that text as Host,
    which the emulator verifies as received."""
    with RunningEmulator(Settings()) as running:
        env = dict(os.environ, HOME=str(tmp_path), TENCENTCLOUD_SECRET_ID=SECRET_ID, TENCENTCLOUD_SECRET_KEY=SECRET_KEY, TENCENTCLOUD_REGION="ap-guangzhou")
        zones = _ok(tccli(env, running.port, "cvm", "DescribeZones", endpoint=f"http://127.0.0.1:{running.port}"))
        assert zones["TotalCount"] == 6
