# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import annotations

import pytest

from ansible_collections.qcloud.cvm.plugins.module_utils.retries import RetryPolicy


def test_delays_grow_exponentially_are_capped_and_jittered():
    low = RetryPolicy(base_delay=1, max_delay=5, rand=lambda: 0.0)
    high = RetryPolicy(base_delay=1, max_delay=5, rand=lambda: 0.999999)
    assert [low.delay_for(n) for n in range(5)] == [0.5, 1.0, 2.0, 2.5, 2.5]
    assert [round(high.delay_for(n), 3) for n in range(5)] == [1.0, 2.0, 4.0, 5.0, 5.0]


def test_stops_at_first_success_and_at_non_retryable_error():
    calls = []

    def flaky():
        calls.append(1)
        if len(calls) < 3:
            raise ValueError("transient")
        return "done"

    sleeps = []
    assert RetryPolicy(retries=5, sleep=sleeps.append).run(flaky, lambda e: True) == "done"
    assert len(calls) == 3 and len(sleeps) == 2

    def broken():
        raise KeyError("permanent")

    with pytest.raises(KeyError):
        RetryPolicy(retries=5, sleep=sleeps.append).run(broken, lambda e: isinstance(e, ValueError))


def test_negative_retries_rejected():
    with pytest.raises(ValueError):
        RetryPolicy(retries=-1)
