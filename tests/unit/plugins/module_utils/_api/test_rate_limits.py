# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Pacing (_api/rate_limits.py) on a fake clock, and that every attempt of every client is paced."""

from __future__ import annotations

import json

import pytest

from ansible_collections.qcloud.cvm.plugins.module_utils._api import rate_limits
from ansible_collections.qcloud.cvm.plugins.module_utils._api.base import Credentials
from ansible_collections.qcloud.cvm.plugins.module_utils._api.endpoint import parse_endpoint
from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import ReadOnlyViolation
from ansible_collections.qcloud.cvm.plugins.module_utils._api.legacy import LegacyClient
from ansible_collections.qcloud.cvm.plugins.module_utils._api.retries import RetryPolicy
from ansible_collections.qcloud.cvm.tests.unit.fakes.clock import FakeClock


@pytest.mark.parametrize(
    "protocol, action, rate",
    [
        ("v3", "RunInstances", 10),
        ("v3", "DescribeInstances", 40),
        ("legacy", "RunInstancesHour", 10),
        ("legacy", "ReturnInstance", rate_limits.DEFAULT_RATE),
        ("legacy", "DescribeInstances", 40),
        ("legacy", "UpdateInstanceBandwidthHour", 20),
        ("v3", "SomethingUndocumented", rate_limits.DEFAULT_RATE),
    ],
)
def test_a_legacy_action_takes_the_limit_of_its_3_0_equivalent(protocol, action, rate):
    assert rate_limits.rate_of(protocol, action) == rate


def test_a_bucket_lets_a_second_s_burst_but_one_through_then_spaces_requests():
    clock = FakeClock()
    bucket = rate_limits.TokenBucket(4, clock)
    assert [bucket.reserve() for _attempt in range(3)] == [0.0] * 3
    assert bucket.reserve() == pytest.approx(0.25)
    assert bucket.reserve() == pytest.approx(0.5)
    # A long pause refills it to the same burst, never to the API's full one.
    clock.now += 10
    assert [bucket.reserve() for _attempt in range(3)] == [0.0] * 3
    assert bucket.reserve() == pytest.approx(0.25)


def test_a_bucket_of_one_per_second_still_lets_one_through():
    bucket = rate_limits.TokenBucket(1, FakeClock())
    assert bucket.reserve() == 0.0 and bucket.reserve() == pytest.approx(1.0)


def test_the_pacer_keeps_one_bucket_per_protocol_secret_id_and_action():
    clock = FakeClock()
    pacer = rate_limits.Pacer(clock=clock, sleep=clock.sleep)
    for _attempt in range(9):
        pacer.wait("legacy", "AKID1", "RunInstancesHour")
    assert clock.sleeps == []
    assert pacer.wait("legacy", "AKID1", "RunInstancesHour") == pytest.approx(0.1)
    assert clock.sleeps == [pytest.approx(0.1)]
    # Another account, another action, another protocol: buckets of their own, still full.
    assert pacer.wait("legacy", "AKID2", "RunInstancesHour") == 0.0
    assert pacer.wait("legacy", "AKID1", "DescribeInstances") == 0.0
    assert pacer.wait("v3", "AKID1", "RunInstancesHour") == 0.0


class Session:
    def __init__(self, *answers):
        self.answers = list(answers)

    def post(self, url, data, headers, timeout, verify):
        class Response:
            status_code = 200
            text = json.dumps(self.answers.pop(0))

        return Response()


def test_every_attempt_of_a_client_is_paced(paced):
    session = Session({"code": 5100, "codeDesc": "OperationFail.SystemBusy", "message": "busy"}, {"code": 0})
    client = LegacyClient(
        Credentials("AKIDPACED", "key"),
        "gz",
        parse_endpoint("http://127.0.0.1:8080/v2/index.php"),
        retry_policy=RetryPolicy(retries=1, sleep=lambda s: None),
        session=session,
    )
    assert client.pacer is rate_limits.PROCESS_PACER
    client.call("RunInstancesHour", {})
    assert paced == [("legacy", "AKIDPACED", "RunInstancesHour")] * 2


def test_a_refused_change_is_not_paced(paced):
    client = LegacyClient(Credentials("AKIDPACED", "key"), "gz", parse_endpoint("http://127.0.0.1:8080/v2/index.php"), session=Session(), read_only=True)
    with pytest.raises(ReadOnlyViolation):
        client.call("ReturnInstance", {})
    assert paced == []


def test_a_client_without_a_pacer_never_waits(paced):
    client = LegacyClient(Credentials("AKIDPACED", "key"), "gz", parse_endpoint("http://127.0.0.1:8080/v2/index.php"), session=Session({"code": 0}), pacer=None)
    client.call("DescribeInstances", {})
    assert paced == []
