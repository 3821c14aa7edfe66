# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Issue 5.4: authentication failures, as the emulator answers them, fail with a clear message, on both APIs.

Legacy API: a wrong SecretKey (4100), an unknown SecretId (4104), a clock three hours behind the server's (4500,
outside its two-hour window) and a reused nonce (4500). API 3.0 (TC3-HMAC-SHA256): the wrong key
(AuthFailure.SignatureFailure), the unknown SecretId (AuthFailure.SecretIdNotFound) and the clock
(AuthFailure.SignatureExpire, outside its five-minute window); TC3 has no nonce, so the same "random" numbers
change nothing there and that task creates. Each failure fails the task at once: every request refused once, no
retry, nothing created, a message with the API's error class and text (legacy: and its numeric code) and, for the
clock, the hint to check it.
The clock and the nonce are put out of order in the module's own process only, by an interpreter wrapper
whose sitecustomize shifts time.time or fixes SystemRandom.randint (see reliability_support.interpreter_with).
"""

from __future__ import annotations

import re

import pytest

from cvm_harness import APIS, assert_api_error, run_ansible
from reliability_support import interpreter_with, no_traceback, playbook_command, record

SKEW_SECONDS = 3 * 3600
FIXED_NONCE = 4242424242
SKEWED_CLOCK = """import time
_real_time = time.time


def _skewed_time():
    return _real_time() - {0}


time.time = _skewed_time
""".format(SKEW_SECONDS)
FIXED_RANDOM = """import random
random.SystemRandom.randint = lambda self, low, high: {0}
""".format(FIXED_NONCE)
HINT = "check this machine's clock"
EXPECTED = {
    "legacy": {
        # task: (refused action, numeric code, codeDesc, what the message must say)
        "Wrong key": ("DescribeInstances", 4100, "AuthFailure", r"signature mismatch"),
        "Unknown secret id": ("DescribeInstances", 4104, "AuthFailure.SecretIdNotFound", r"SecretId AKIDUNKNOWN0+ does not exist"),
        "Clock skew": ("DescribeInstances", 4500, "InvalidRequest.ReplayAttack", r"outside the allowed window .*\(clock skew\)"),
        # The look-up passes, the create reuses its nonce.
        "Replayed nonce": ("RunInstancesHour", 4500, "InvalidRequest.ReplayAttack", r"Nonce {0} was reused".format(FIXED_NONCE)),
    },
    "v3": {
        # task: (refused action, None (no numeric code), Error.Code, what the message must say)
        "Wrong key": ("DescribeInstances", None, "AuthFailure.SignatureFailure", r"signature mismatch"),
        "Unknown secret id": ("DescribeInstances", None, "AuthFailure.SecretIdNotFound", r"SecretId AKIDUNKNOWN0+ does not exist"),
        "Clock skew": ("DescribeInstances", None, "AuthFailure.SignatureExpire", r"X-TC-Timestamp \d+ is more than 300 s away from server time"),
    },
}
CLOCK_CODES = {"InvalidRequest.ReplayAttack", "AuthFailure.SignatureExpire"}


def task_entries(log, result):
    """The request log entries sent while the task ran (tasks run one after another)."""
    return [e for e in log if result["started"] <= e["time"] <= result["ended"]]


def timestamp(face, entry):
    return int(entry["params"]["Timestamp"]) if face.api == "legacy" else int(entry["headers"]["x-tc-timestamp"])


@pytest.mark.parametrize("api", APIS, indirect=True)
def test_authentication_failures_are_clear(emulator, tmp_path, api):
    face = emulator.face
    skewed = interpreter_with(tmp_path / "skewed", SKEWED_CLOCK)
    fixed_nonce = interpreter_with(tmp_path / "fixed-nonce", FIXED_RANDOM)
    run = run_ansible(
        "ansible-playbook", emulator, playbook_command("auth.yml", extra_vars={"skewed_python": str(skewed), "fixed_nonce_python": str(fixed_nonce)})
    )
    assert run.rc == 0, run
    log = emulator.requests()
    for task, (action, code, code_desc, text) in EXPECTED[api].items():
        result = run.task(task)["result"]
        assert run.task(task)["outcome"] == "failed", (task, result)
        assert_api_error(result, action, code_desc, code)
        assert re.search(text, result["msg"]), result["msg"]
        assert (HINT in result["msg"]) == (code_desc in CLOCK_CODES), result["msg"]
        assert no_traceback(result) and result["created_instance_ids"] == [] and result["changed"] is False
        mine = task_entries(log, run.task(task))
        # Refused at once: every request the task sent was refused with that answer, once each (no retry of an answer
        # that cannot change), and no create.
        refused = [e for e in mine if e["code"] == (code if api == "legacy" else code_desc)]
        if api == "legacy":
            assert [e["action"] for e in refused] == [action], mine
        else:
            # The zones are asked first (DescribeZones, refused alike, once: the documented zone names serve instead).
            assert refused == mine and [e["action"] for e in refused] == ["DescribeZones", action], mine
        assert not [e for e in mine if e["action"] == face.create and e["code"] == 0]
    if api == "legacy":
        # The nonce was refused the second time it was sent (the look-up passed, the create was refused).
        replayed = [e["action"] for e in log if e["params"].get("Nonce") == str(FIXED_NONCE)]
        assert replayed == ["DescribeInstances", "RunInstancesHour"]
    else:
        # TC3 has no nonce: the same random numbers change nothing, and the task creates.
        assert run.task("Replayed nonce")["result"]["changed"] is True
    skewed_stamps = [timestamp(face, e) for e in task_entries(log, run.task("Clock skew"))]
    well_stamps = [timestamp(face, e) for e in task_entries(log, run.task("All well"))]
    assert well_stamps[0] - skewed_stamps[0] >= SKEW_SECONDS - 600
    # The same play with nothing out of order creates.
    assert run.task("All well")["result"]["changed"] is True
    expected_names = ["auth-all-well"] if api == "legacy" else ["auth-all-well", "auth-replayed-nonce"]
    assert [i["instanceName"] for i in emulator.live_instances()] == expected_names
    record("auth", failures_checked=len(EXPECTED[api]), clear_messages=len(EXPECTED[api]))
