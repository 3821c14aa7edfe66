# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Issue 5.4: authentication failures, as the emulator answers them, fail with a clear message.

A wrong SecretKey (4100), an unknown SecretId (4104), a clock three hours behind the server's (4500, outside
its two-hour window) and a reused nonce (4500) each fail the task at once: one request, no retry, nothing
created, a message with the API's error class (codeDesc), text and numeric code, and, for 4500, the hint to check the clock.
The clock and the nonce are put out of order in the module's own process only, by an interpreter wrapper
whose sitecustomize shifts time.time or fixes SystemRandom.randint (see reliability_support.interpreter_with).
"""

from __future__ import annotations

import re

from cvm_harness import assert_api_error, run_ansible
from reliability_support import interpreter_with, no_traceback, playbook_command, record

SKEW_SECONDS = 3 * 3600
FIXED_NONCE = 4242424242
SKEWED_CLOCK = '''import time
_real_time = time.time


def _skewed_time():
    return _real_time() - {0}


time.time = _skewed_time
'''.format(SKEW_SECONDS)
FIXED_RANDOM = '''import random
random.SystemRandom.randint = lambda self, low, high: {0}
'''.format(FIXED_NONCE)
HINT = "check this machine's clock"
EXPECTED = {
    # task: (refused action, code, codeDesc, what the message must say)
    "Wrong key": ("DescribeInstances", 4100, "AuthFailure", r"signature mismatch"),
    "Unknown secret id": ("DescribeInstances", 4104, "AuthFailure.SecretIdNotFound", r"SecretId AKIDUNKNOWN0+ does not exist"),
    "Clock skew": ("DescribeInstances", 4500, "InvalidRequest.ReplayAttack", r"outside the allowed window .*\(clock skew\)"),
    # The look-up passes, the create reuses its nonce.
    "Replayed nonce": ("RunInstancesHour", 4500, "InvalidRequest.ReplayAttack", r"Nonce {0} was reused".format(FIXED_NONCE)),
}


def test_authentication_failures_are_clear(emulator, tmp_path):
    skewed = interpreter_with(tmp_path / "skewed", SKEWED_CLOCK)
    fixed_nonce = interpreter_with(tmp_path / "fixed-nonce", FIXED_RANDOM)
    run = run_ansible("ansible-playbook", emulator, playbook_command("auth.yml", extra_vars={
        "skewed_python": str(skewed), "fixed_nonce_python": str(fixed_nonce)}))
    assert run.rc == 0, run
    log = emulator.requests()
    for task, (action, code, code_desc, text) in EXPECTED.items():
        result = run.task(task)["result"]
        assert run.task(task)["outcome"] == "failed", (task, result)
        assert_api_error(result, action, code_desc, code)
        assert re.search(text, result["msg"]), result["msg"]
        assert (HINT in result["msg"]) == (code == 4500), result["msg"]
        assert no_traceback(result) and result["created_instance_ids"] == [] and result["changed"] is False
        name = "auth-" + task.lower().replace(" ", "-")
        mine = [e for e in log if name in (e["params"].get("searchWord"), e["params"].get("instanceName"))]
        # Refused at once: no retry of an answer that cannot change, and no create.
        refused = [e for e in mine if e["code"] == code]
        assert len(refused) == 1, mine
        assert not [e for e in mine if e["action"] == "RunInstancesHour" and e["code"] == 0]
    # The nonce was refused the second time it was sent (the look-up passed, the create was refused).
    replayed = [e["action"] for e in log if e["params"].get("Nonce") == str(FIXED_NONCE)]
    assert replayed == ["DescribeInstances", "RunInstancesHour"]
    skewed_stamps = [int(e["params"]["Timestamp"]) for e in log if e["params"].get("searchWord") == "auth-clock-skew"]
    well_stamps = [int(e["params"]["Timestamp"]) for e in log if e["params"].get("searchWord") == "auth-all-well"]
    assert well_stamps[0] - skewed_stamps[0] >= SKEW_SECONDS - 600
    # The same play with nothing out of order creates.
    assert run.task("All well")["result"]["changed"] is True
    assert [i["instanceName"] for i in emulator.live_instances()] == ["auth-all-well"]
    record("auth", failures_checked=len(EXPECTED), clear_messages=len(EXPECTED))
