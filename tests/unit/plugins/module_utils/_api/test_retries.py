# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""RetryPolicy (_api/retries.py): capped exponential backoff with equal jitter."""

from __future__ import annotations

import pytest

from ansible_collections.qcloud.cvm.plugins.module_utils._api.retries import RetryPolicy


def test_delays_grow_exponentially_are_capped_and_jittered():
    low = RetryPolicy(base_delay=1, max_delay=5, rand=lambda: 0.0)
    high = RetryPolicy(base_delay=1, max_delay=5, rand=lambda: 0.999999)
    assert [low.delay_for(n) for n in range(5)] == [0.5, 1.0, 2.0, 2.5, 2.5]
    assert [round(high.delay_for(n), 3) for n in range(5)] == [1.0, 2.0, 4.0, 5.0, 5.0]


def test_the_defaults():
    policy = RetryPolicy(rand=lambda: 0.5)
    assert policy.retries == 4
    assert [policy.delay_for(n) for n in range(6)] == [0.375, 0.75, 1.5, 3.0, 6.0, 6.0]


def test_stops_at_first_success_and_at_non_retryable_error():
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise ValueError("transient")
        return "done"

    sleeps = []
    policy = RetryPolicy(retries=5, sleep=sleeps.append, rand=lambda: 0.5)
    assert policy.run(flaky, lambda e: True) == "done"
    assert len(calls) == 3 and sleeps == [0.375, 0.75] and policy.delays == sleeps

    def broken():
        raise KeyError("permanent")

    with pytest.raises(KeyError):
        RetryPolicy(retries=5, sleep=sleeps.append).run(broken, lambda e: isinstance(e, ValueError))
    assert len(sleeps) == 2


def test_zero_retries_try_once():
    calls = []

    def failing():
        calls.append(1)
        raise ValueError("transient")

    with pytest.raises(ValueError):
        RetryPolicy(retries=0, sleep=lambda s: pytest.fail("slept")).run(failing, lambda e: True)
    assert len(calls) == 1


def test_negative_retries_rejected():
    with pytest.raises(ValueError):
        RetryPolicy(retries=-1)


class Throttled(Exception):
    throttled = True


def test_throttling_is_retried_on_a_budget_of_its_own():
    answers = [Throttled(), Throttled(), ValueError("busy"), Throttled(), "done"]

    def attempt():
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    sleeps = []
    policy = RetryPolicy(retries=1, throttle_retries=3, sleep=sleeps.append, rand=lambda: 0.5)
    assert policy.run(attempt, lambda e: True) == "done"
    # Each budget backs off from its own first delay.
    assert sleeps == [0.375, 0.75, 0.375, 1.5]


def test_the_throttle_budget_runs_out_too():
    calls = []

    def throttled():
        calls.append(1)
        raise Throttled()

    with pytest.raises(Throttled):
        RetryPolicy(retries=4, throttle_retries=2, sleep=lambda s: None).run(throttled, lambda e: True)
    assert len(calls) == 3


def test_no_retries_means_no_throttle_retries_either():
    calls = []

    def throttled():
        calls.append(1)
        raise Throttled()

    with pytest.raises(Throttled):
        RetryPolicy(retries=0, sleep=lambda s: pytest.fail("slept")).run(throttled, lambda e: True)
    assert len(calls) == 1 and RetryPolicy(retries=0).throttle_retries == 0 and RetryPolicy().throttle_retries == 10
