# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The wait loop's timing decisions, with a fake clock: when it polls, when it gives up, what it reports."""

from __future__ import annotations

import math

import pytest

from ansible_collections.qcloud.cvm.plugins.module_utils.cvm import InstanceWaitError, next_poll_time, wait_until_running


class FakeClock:
    def __init__(self):
        self.now = 1000.0
        self.sleeps = []

    def __call__(self):
        return self.now

    def sleep(self, seconds):
        assert seconds > 0
        self.sleeps.append(seconds)
        self.now += seconds


class FakeApi:
    """Instances that run from ``running_at`` seconds after the start (or end in ``final`` status)."""

    def __init__(self, clock, running_at, final=2, listed_after=0.0):
        self.clock = clock
        self.start = clock.now
        self.running_at = running_at
        self.final = final
        self.listed_after = listed_after
        self.polls = []

    def call(self, action, params):
        assert action == "DescribeInstances"
        elapsed = self.clock.now - self.start
        ids = params["instanceIds"]
        self.polls.append((elapsed, list(ids)))
        if elapsed < self.listed_after:
            return {"code": 0, "totalCount": 0, "instanceSet": []}
        records = [{"unInstanceId": i, "status": self.final if elapsed >= self.running_at.get(i, 0) else 3} for i in ids]
        return {"code": 0, "totalCount": len(records), "instanceSet": records}


def wait(api, clock, ids, timeout=300, **kwargs):
    return wait_until_running(api, ids, timeout, clock=clock, sleep=clock.sleep, **kwargs)


def poll_times(api):
    return [elapsed for elapsed, _ids in api.polls]


def test_first_poll_is_early_then_every_second_then_geometric_up_to_the_cap():
    clock = FakeClock()
    api = FakeApi(clock, {"ins-1": 250})
    wait(api, clock, ["ins-1"])
    times = poll_times(api)
    assert times[:6] == pytest.approx([0.5, 1.5, 2.5, 3.5, 4.5, 5.5])
    assert times[6:12] == pytest.approx([8.25, 12.375, 18.5625, 27.84375, 41.765625, 62.6484375])
    gaps = [later - earlier for earlier, later in zip(times, times[1:])]
    assert max(gaps) == pytest.approx(60.0)


def test_next_poll_time():
    assert next_poll_time(0.5) == 1.5
    assert next_poll_time(4.9) == pytest.approx(5.9)
    assert next_poll_time(6.0) == 9.0
    assert next_poll_time(100.0) == 150.0
    assert next_poll_time(200.0) == 260.0


def test_polls_are_counted_from_the_start_so_slow_polls_do_not_add_up():
    clock = FakeClock()
    api = FakeApi(clock, {"ins-1": 4})
    original = api.call

    def slow_call(action, params):
        answer = original(action, params)
        clock.now += 0.2  # every poll takes 0.2 s
        return answer
    api.call = slow_call
    wait(api, clock, ["ins-1"])
    assert poll_times(api) == pytest.approx([0.5, 1.5, 2.5, 3.5, 4.5])


@pytest.mark.parametrize("delay", [0.5, 1, 2, 3, 5, 7, 10, 13, 20, 30, 45, 60, 90, 100, 183, 200, 240, 299])
def test_polls_stay_within_log1_5_of_the_delay_plus_3(delay):
    clock = FakeClock()
    api = FakeApi(clock, {"ins-1": delay})
    records = wait(api, clock, ["ins-1"])
    assert records["ins-1"]["status"] == 2
    bound = (math.ceil(math.log(delay, 1.5)) if delay > 1 else 0) + 3
    assert len(api.polls) <= bound


@pytest.mark.parametrize("delay", [0.1, 0.5, 1.0, 2.2, 4.0, 5.0, 5.4])
def test_creates_of_up_to_five_seconds_are_seen_within_a_second(delay):
    clock = FakeClock()
    api = FakeApi(clock, {"ins-1": delay})
    wait(api, clock, ["ins-1"])
    assert api.polls[-1][0] - delay <= 1.0


def test_the_lateness_is_bounded_by_the_cap():
    clock = FakeClock()
    api = FakeApi(clock, {"ins-1": 200})
    wait(api, clock, ["ins-1"])
    assert api.polls[-1][0] - 200 <= 60.0


def test_only_pending_instances_are_polled_and_all_records_are_returned():
    clock = FakeClock()
    api = FakeApi(clock, {"ins-1": 0.4, "ins-2": 3})
    records = wait(api, clock, ["ins-1", "ins-2"])
    assert api.polls[0][1] == ["ins-1", "ins-2"]
    assert api.polls[-1][1] == ["ins-2"]
    assert sorted(records) == ["ins-1", "ins-2"]


def test_timeout_never_sleeps_past_the_deadline_and_polls_at_it():
    clock = FakeClock()
    api = FakeApi(clock, {"ins-1": 30})
    with pytest.raises(InstanceWaitError) as caught:
        wait(api, clock, ["ins-1"], timeout=2)
    assert clock.now == pytest.approx(1002.0)
    assert api.polls[-1][0] == pytest.approx(2.0)
    assert sum(clock.sleeps) == pytest.approx(2.0)
    assert "timed out after 2 seconds" in str(caught.value)
    assert "ins-1 creating" in str(caught.value)
    assert caught.value.records["ins-1"]["status"] == 3


@pytest.mark.parametrize("status, word", [(-1, "creation_failed"), (1, "fault"), (6, "returning"), (5, "returned")])
def test_a_failed_instance_stops_the_wait_at_once(status, word):
    clock = FakeClock()
    api = FakeApi(clock, {"ins-1": 1}, final=status)
    with pytest.raises(InstanceWaitError) as caught:
        wait(api, clock, ["ins-1"])
    assert clock.now - 1000 < 3
    assert "ins-1 " + word in str(caught.value)
    assert caught.value.records["ins-1"]["status"] == status


def test_instances_not_listed_yet_are_waited_for():
    clock = FakeClock()
    api = FakeApi(clock, {"ins-1": 0}, listed_after=2)
    records = wait(api, clock, ["ins-1"])
    assert records["ins-1"]["status"] == 2
    assert len(api.polls) >= 3


def test_not_listed_at_the_deadline_says_so():
    clock = FakeClock()
    api = FakeApi(clock, {"ins-1": 0}, listed_after=10)
    with pytest.raises(InstanceWaitError) as caught:
        wait(api, clock, ["ins-1"], timeout=1)
    assert "ins-1 not listed yet" in str(caught.value)


def test_settled_statuses_end_the_wait_without_failing():
    clock = FakeClock()
    api = FakeApi(clock, {"ins-1": 1}, final=-1)
    records = wait(api, clock, ["ins-1"], settled=frozenset((2, -1, 1, 5, 6)))
    assert records["ins-1"]["status"] == -1
