# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""The wait loop's timing decisions (_cvm/waiting.py), with a fake clock: when it polls, when it gives up, what it reports."""

from __future__ import annotations

import math

import pytest

from ansible_collections.qcloud.cvm.plugins.module_utils._api.errors import ApiError, QcloudError
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.model import Instance
from ansible_collections.qcloud.cvm.plugins.module_utils._cvm.waiting import InstanceWaitError, next_poll_time, wait_for_status
from ansible_collections.qcloud.cvm.tests.unit.fakes.clock import FakeClock


class FakeBackend:
    """``get`` of instances pending until ``running_at`` seconds after the start, then in ``final`` status."""

    def __init__(self, clock, running_at, final="running", listed_after=0.0):
        self.clock = clock
        self.start = clock.now
        self.running_at = running_at
        self.final = final
        self.listed_after = listed_after
        self.polls = []

    def get(self, instance_ids):
        elapsed = self.clock.now - self.start
        self.polls.append((elapsed, list(instance_ids)))
        if elapsed < self.listed_after:
            return []
        return [Instance(instance_id=i, status=self.final if elapsed >= self.running_at.get(i, 0) else "pending") for i in instance_ids]


def wait(backend, clock, ids, timeout=300, wanted=("running",), **kwargs):
    return wait_for_status(backend, ids, wanted, timeout, clock=clock, sleep=clock.sleep, **kwargs)


def poll_times(backend):
    return [elapsed for elapsed, _ids in backend.polls]


def test_first_poll_is_early_then_every_second_then_geometric_up_to_the_cap():
    clock = FakeClock()
    backend = FakeBackend(clock, {"ins-1": 250})
    wait(backend, clock, ["ins-1"])
    times = poll_times(backend)
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
    assert next_poll_time(5.0, fast_until=5.0) == 7.5


def test_polls_are_counted_from_the_start_so_slow_polls_do_not_add_up():
    clock = FakeClock()
    backend = FakeBackend(clock, {"ins-1": 4})
    original = backend.get

    def slow_get(instance_ids):
        instances = original(instance_ids)
        clock.now += 0.2  # every poll takes 0.2 s
        return instances

    backend.get = slow_get
    wait(backend, clock, ["ins-1"])
    assert poll_times(backend) == pytest.approx([0.5, 1.5, 2.5, 3.5, 4.5])


@pytest.mark.parametrize("delay", [0.5, 1, 2, 3, 5, 7, 10, 13, 20, 30, 45, 60, 90, 100, 183, 200, 240, 299])
def test_polls_stay_within_log1_5_of_the_delay_plus_3(delay):
    clock = FakeClock()
    backend = FakeBackend(clock, {"ins-1": delay})
    instances = wait(backend, clock, ["ins-1"])
    assert instances["ins-1"].status == "running"
    bound = (math.ceil(math.log(delay, 1.5)) if delay > 1 else 0) + 3
    assert len(backend.polls) <= bound


@pytest.mark.parametrize("delay", [0.1, 0.5, 1.0, 2.2, 4.0, 5.0, 5.4])
def test_creates_of_up_to_five_seconds_are_seen_within_a_second(delay):
    clock = FakeClock()
    backend = FakeBackend(clock, {"ins-1": delay})
    wait(backend, clock, ["ins-1"])
    assert backend.polls[-1][0] - delay <= 1.0


def test_the_lateness_is_bounded_by_the_cap():
    clock = FakeClock()
    backend = FakeBackend(clock, {"ins-1": 200})
    wait(backend, clock, ["ins-1"])
    assert backend.polls[-1][0] - 200 <= 60.0


def test_only_pending_instances_are_polled_and_all_instances_are_returned():
    clock = FakeClock()
    backend = FakeBackend(clock, {"ins-1": 0.4, "ins-2": 3})
    instances = wait(backend, clock, ["ins-1", "ins-2"])
    assert backend.polls[0][1] == ["ins-1", "ins-2"]
    assert backend.polls[-1][1] == ["ins-2"]
    assert sorted(instances) == ["ins-1", "ins-2"]
    assert all(isinstance(instance, Instance) for instance in instances.values())


def test_timeout_never_sleeps_past_the_deadline_and_polls_at_it():
    clock = FakeClock()
    backend = FakeBackend(clock, {"ins-1": 30})
    with pytest.raises(InstanceWaitError) as caught:
        wait(backend, clock, ["ins-1"], timeout=2)
    assert clock.now == pytest.approx(1002.0)
    assert backend.polls[-1][0] == pytest.approx(2.0)
    assert sum(clock.sleeps) == pytest.approx(2.0)
    assert str(caught.value) == "timed out after 2 seconds waiting for instance(s) to reach running: ins-1 pending"
    assert caught.value.instances["ins-1"].status == "pending"
    assert isinstance(caught.value, QcloudError)


@pytest.mark.parametrize("status", ["launch_failed", "fault", "terminating", "terminated"])
def test_a_failed_or_given_back_instance_stops_the_wait_at_once(status):
    clock = FakeClock()
    backend = FakeBackend(clock, {"ins-1": 1}, final=status)
    with pytest.raises(InstanceWaitError) as caught:
        wait(backend, clock, ["ins-1"])
    assert clock.elapsed < 3
    assert str(caught.value) == "instance(s) will not reach running: ins-1 " + status
    assert caught.value.instances["ins-1"].status == status


def test_one_broken_instance_is_named_among_several():
    clock = FakeClock()
    backend = FakeBackend(clock, {"ins-1": 0, "ins-2": 0}, final="running")
    original = backend.get
    backend.get = lambda ids: [Instance(instance_id=i.instance_id, status="fault" if i.instance_id == "ins-2" else i.status) for i in original(ids)]
    with pytest.raises(InstanceWaitError, match=r"will not reach running: ins-2 fault$"):
        wait(backend, clock, ["ins-1", "ins-2"])


def test_instances_not_listed_yet_are_waited_for():
    clock = FakeClock()
    backend = FakeBackend(clock, {"ins-1": 0}, listed_after=2)
    instances = wait(backend, clock, ["ins-1"])
    assert instances["ins-1"].status == "running"
    assert len(backend.polls) >= 3


def test_not_listed_at_the_deadline_says_so():
    clock = FakeClock()
    backend = FakeBackend(clock, {"ins-1": 0}, listed_after=10)
    with pytest.raises(InstanceWaitError) as caught:
        wait(backend, clock, ["ins-1"], timeout=1)
    assert "ins-1 not listed yet" in str(caught.value)
    assert caught.value.instances == {}


def test_wanted_statuses_end_the_wait_without_failing():
    clock = FakeClock()
    backend = FakeBackend(clock, {"ins-1": 1}, final="launch_failed")
    instances = wait(backend, clock, ["ins-1"], wanted=("running", "launch_failed", "fault", "terminating", "terminated"))
    assert instances["ins-1"].status == "launch_failed"


def test_the_goal_is_named():
    clock = FakeClock()
    backend = FakeBackend(clock, {"ins-1": 100}, final="stopped")
    with pytest.raises(InstanceWaitError, match="to reach stopped: ins-1 pending"):
        wait(backend, clock, ["ins-1"], timeout=3, wanted=("stopped",), what="stopped")


def test_api_errors_of_a_poll_are_not_swallowed():
    clock = FakeClock()

    class Failing:
        @staticmethod
        def get(instance_ids):
            raise ApiError("DescribeInstances", "InternalError", "boom (code 6000)")

    with pytest.raises(ApiError):
        wait(Failing(), clock, ["ins-1"])
