# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""Retry with capped exponential backoff and jitter, in one place."""

from __future__ import annotations

import random
import time


class RetryPolicy:
    """Run a callable again while it fails in a way the caller calls retryable.

    The n-th retry waits between half and all of ``min(max_delay, base_delay * 2**n)``
    seconds. The random half ("equal jitter") keeps many Ansible forks that hit
    the same busy answer from retrying in lock-step, while the fixed half keeps
    a retry from firing again at once.

    A throttled answer (the API's rate limit) is not a failure of the request
    but a request to slow down: it is retried on a budget of its own
    (``throttle_retries``, counted apart from ``retries``) so that a burst of
    parallel work backs off instead of failing, as long as ``retries`` allows
    retries at all.
    """

    def __init__(self, retries=4, base_delay=0.5, max_delay=8.0, sleep=time.sleep, rand=random.random, throttle_retries=10):
        if retries < 0:
            raise ValueError("retries must be 0 or more")
        self.retries = retries
        self.throttle_retries = throttle_retries if retries else 0
        self.base_delay = base_delay
        self.max_delay = max_delay
        self._sleep = sleep
        self._rand = rand
        # Every delay slept, so callers and tests can see what happened.
        self.delays = []

    def delay_for(self, retry_number):
        ceiling = min(self.max_delay, self.base_delay * (2**retry_number))
        return ceiling / 2 + self._rand() * ceiling / 2

    def run(self, attempt, is_retryable):
        """Call ``attempt()``; on an exception that ``is_retryable`` accepts, wait and call again."""
        retry_number = 0
        throttled_number = 0
        while True:
            try:
                return attempt()
            except Exception as error:  # pylint: disable=broad-except
                if not is_retryable(error):
                    raise
                if getattr(error, "throttled", False):
                    if throttled_number >= self.throttle_retries:
                        raise
                    delay = self.delay_for(throttled_number)
                    throttled_number += 1
                else:
                    if retry_number >= self.retries:
                        raise
                    delay = self.delay_for(retry_number)
                    retry_number += 1
                self.delays.append(delay)
                self._sleep(delay)
