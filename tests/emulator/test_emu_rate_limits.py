# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Rate limits: token buckets per (SecretId, action), 4400 RequestLimitExceeded, nothing processed."""

import json

import pytest

from cvm_emulator.actions import ACTION_NAMES
from cvm_emulator.config import Settings
from cvm_emulator.rate_limits import LEGACY_EQUIVALENTS, RateLimiter, legacy_limit
from cvm_emulator.server import RunningEmulator
from emu_client import Client, Control, Handle

# What StopInstances answers for an instance that does not exist (every item failed: OperationFail).
STOP_UNKNOWN = 5100
PRICE = {"cpu": "1", "mem": "2", "imageId": "img-3wnd9xpl", "imageType": "2", "storageSize": "0"}


class FrozenClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture(name="limited")
def limited_fixture():
    """An emulator with rate limits on and the buckets' clock frozen, so counts are exact."""
    running = RunningEmulator(Settings(rate_limits=True, create_delay=0)).start()
    clock = FrozenClock()
    running.emulator.limiter.clock = clock
    handle = Handle(running.url)
    handle.clock = clock
    yield handle
    running.stop()


def _codes(handle, action, count, params=None):
    return [handle.client.call(action, params or {}).get("code") for _index in range(count)]


def test_bucket_refill_and_burst():
    clock = FrozenClock()
    limiter = RateLimiter(clock)
    assert [limiter.allow("k", 10) for _index in range(11)] == [True] * 10 + [False]
    clock.now += 0.1
    assert limiter.allow("k", 10) and not limiter.allow("k", 10)
    clock.now += 60
    # The bucket never holds more than one second's worth (burst = rate).
    assert sum(limiter.allow("k", 10) for _index in range(15)) == 10
    assert limiter.allow("other", 10)
    limiter.reset()
    assert sum(limiter.allow("k", 10) for _index in range(15)) == 10


def test_every_legacy_action_has_a_limit():
    assert set(LEGACY_EQUIVALENTS) == set(ACTION_NAMES)
    assert {
        action: legacy_limit(action)
        for action in (
            "RunInstancesHour",
            "DescribeInstances",
            "ReturnInstance",
            "InquiryInstancePriceHour",
            "StartInstances",
            "StopInstances",
            "RestartInstances",
        )
    } == {
        "RunInstancesHour": 10,
        "DescribeInstances": 40,
        "ReturnInstance": 20,
        "InquiryInstancePriceHour": 10,
        "StartInstances": 10,
        "StopInstances": 10,
        "RestartInstances": 10,
    }
    assert legacy_limit("UpdateInstanceBandwidthHour") == 20 and legacy_limit("DescribeSecurityGroupEx") == 20


def test_exceeded_answers_4400(limited):
    codes = _codes(limited, "InquiryInstancePriceHour", 12, PRICE)
    assert codes == [0] * 10 + [4400] * 2
    answer = limited.client.call("InquiryInstancePriceHour", PRICE)
    assert answer["codeDesc"] == "RequestLimitExceeded" and answer["message"].startswith("(100400)")
    assert "10 requests per second" in answer["message"]
    log = limited.control.get("requests?action=InquiryInstancePriceHour")["requests"]
    assert [entry["code"] for entry in log] == codes + [4400]
    # Another action has its own bucket; time refills this one.
    assert limited.client.call("DescribeInstances")["code"] == 0
    limited.clock.now += 0.2
    assert _codes(limited, "InquiryInstancePriceHour", 3, PRICE) == [0, 0, 4400]


@pytest.mark.parametrize("action, rate", [("DescribeInstances", 40), ("DescribeSecurityGroupEx", 20), ("DescribeInstancesOfSecurityGroup", 40)])
def test_per_action_rates(limited, action, rate):
    codes = _codes(limited, action, rate + 1, {"sgId": "sg-gzweb001"})
    assert codes == [0] * rate + [4400]


def test_nothing_processed_when_limited(limited):
    codes = _codes(limited, "RunInstancesHour", 12, {"imageId": "img-3wnd9xpl", "cpu": "1", "mem": "2", "storageSize": "0", "zoneId": "100001"})
    assert codes == [0] * 10 + [4400] * 2
    assert len(limited.control.instances()) == 10


def test_limited_call_leaves_fault_pending(limited):
    _codes(limited, "StopInstances", 10, {"instanceIds.0": "ins-nothere0"})
    limited.control.post("faults", {"action": "StopInstances", "kind": "busy"})
    assert _codes(limited, "StopInstances", 1, {"instanceIds.0": "ins-nothere0"}) == [4400]
    assert len(limited.control.get("faults")["faults"]) == 1


def test_failed_auth_takes_no_token(limited):
    for _index in range(15):
        params = limited.client.signed("StopInstances", {"instanceIds.0": "ins-nothere0"})
        params["Signature"] = "bad"
        assert json.loads(limited.client.send("GET", params)[1])["code"] == 4100
    assert _codes(limited, "StopInstances", 11, {"instanceIds.0": "ins-nothere0"}) == [STOP_UNKNOWN] * 10 + [4400]


def test_config_switch_and_reset(limited):
    assert limited.control.get("config")["config"]["rate_limits"] is True
    _codes(limited, "StopInstances", 10, {"instanceIds.0": "ins-nothere0"})
    limited.control.post("config", {"rate_limits": False})
    assert _codes(limited, "StopInstances", 5, {"instanceIds.0": "ins-nothere0"}) == [STOP_UNKNOWN] * 5
    assert "error" in limited.control.post("config", {"rate_limits": "yes"}, expect=400)
    # Reset restores the start-up switch and empties the buckets.
    limited.control.post("reset")
    assert limited.control.get("config")["config"]["rate_limits"] is True
    assert _codes(limited, "StopInstances", 11, {"instanceIds.0": "ins-nothere0"}) == [STOP_UNKNOWN] * 10 + [4400]


def test_off_by_default(emu):
    assert emu.control.get("config")["config"]["rate_limits"] is False
    assert set(_codes(emu, "InquiryInstancePriceHour", 30, PRICE)) == {0}


def test_rate_limits_flag(cli):
    proc = cli("--rate-limits")
    url = f"http://127.0.0.1:{proc.port}"
    assert Control(url).get("config")["config"]["rate_limits"] is True
    client = Client(url)
    codes = [client.call("InquiryInstancePriceHour", PRICE)["code"] for _index in range(40)]
    # Real time passes between calls, so a few tokens come back; the burst is still 10.
    assert codes[:10] == [0] * 10 and 4400 in codes, codes
