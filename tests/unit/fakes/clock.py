# -*- coding: utf-8 -*-
# Copyright: qcloud.cvm contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)

"""A clock and a sleep that only move when told: waits take no real time."""

from __future__ import annotations


class FakeClock:
    """``clock()`` reads the time; ``clock.sleep(s)`` moves it on by ``s`` and records ``s``."""

    def __init__(self, start=1000.0):
        self.start = start
        self.now = start
        self.sleeps = []

    def __call__(self):
        return self.now

    @property
    def elapsed(self):
        return self.now - self.start

    def sleep(self, seconds):
        assert seconds > 0, "slept {0} seconds".format(seconds)
        self.sleeps.append(seconds)
        self.now += seconds
